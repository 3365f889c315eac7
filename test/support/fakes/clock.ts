/** A clock for tests: it moves only when told to. */

import type { Clock } from '../../../lambdas/ports/clock';

/** A clock that reads what it was set to; moves only by `set` or `advance`. Also exported as SettableClock. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-03-02T02:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: Date | string): Date {
    this.current = new Date(at).getTime();
    return this.now();
  }

  advance(ms: number): Date {
    this.current += ms;
    return this.now();
  }
}

/** The name the test briefs use for FakeClock. */
export { FakeClock as SettableClock };
