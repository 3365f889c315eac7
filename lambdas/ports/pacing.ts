/** Paces calls to a rate-limited service: a token bucket in real time, a model of one in benchmarks. */
export interface Pacing {
  /** Resolves when one more call fits the configured rate. */
  next(): Promise<void>;
  /** Waits before the retry that follows the `attempt`-th throttled call (exponential, jittered). */
  afterThrottle(attempt: number): Promise<void>;
}
