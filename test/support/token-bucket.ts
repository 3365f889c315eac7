/**
 * A token bucket as AWS meters an API call (Step Functions: StartExecution burst 1,300 refilled at 300/s,
 * StopExecution its own bucket): `burst` tokens, refilled continuously at `perSecond`, on the caller's clock.
 */
export interface BucketRate {
  readonly burst: number;
  readonly perSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private lastRefill: number;

  constructor(
    private readonly rate: BucketRate,
    private readonly now: () => number,
  ) {
    this.tokens = rate.burst;
    this.lastRefill = now();
  }

  /** Takes a token if there is one; false means the call is refused for the rate. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(
      this.rate.burst,
      this.tokens + ((now - this.lastRefill) * this.rate.perSecond) / 1000,
    );
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
