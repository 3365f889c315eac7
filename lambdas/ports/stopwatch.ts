/**
 * Real elapsed time on a monotonic clock, for durations a person reads (a feed's `durationMs`) and for a
 * Lambda's time budget. Not the business clock: offline that one is virtual and can jump by days.
 */
export interface Stopwatch {
  /** Milliseconds since an arbitrary origin; only differences mean anything. */
  readMs(): number;
}

/** How much of this invocation is left (Lambda's `getRemainingTimeInMillis`); unlimited when absent. */
export interface TimeBudget {
  remainingMs(): number;
}
