/** Pacing by a token bucket in real time: at most `perSecond` calls a second, after an initial `burst`. */

import type { Pacing } from '../ports/pacing';
import { backoffWithJitter } from './backoff';

export class TokenBucketPacing implements Pacing {
  private tokens: number;
  private last: number;
  private readonly backoff: (attempt: number) => Promise<void>;

  constructor(
    private readonly perSecond: number,
    private readonly burst = Math.max(1, Math.ceil(perSecond)),
    private readonly nowMs: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    if (!(perSecond > 0)) throw new RangeError('a pace needs a positive rate');
    this.tokens = burst;
    this.last = nowMs();
    // Step Functions refills 300 tokens a second: a retry a few hundred ms later usually fits.
    this.backoff = backoffWithJitter(200, 10_000, Math.random, sleep);
  }

  async next(): Promise<void> {
    for (;;) {
      const now = this.nowMs();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) * 1000) / this.perSecond));
    }
  }

  afterThrottle(attempt: number): Promise<void> {
    return this.backoff(attempt);
  }
}
