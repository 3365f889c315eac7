/** A clock that only moves when told to: offline and in tests, days of escalation pass in an instant. */

import type { Clock } from '../../ports/clock';

interface Sleeper {
  readonly at: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class VirtualClockStoppedError extends Error {
  constructor() {
    super('the virtual clock was stopped');
    this.name = 'VirtualClockStoppedError';
  }
}

export class VirtualClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];
  private stopped = false;

  constructor(start: Date = new Date()) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves the clock forward by `ms` (never backward) and wakes whoever slept until then. */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance needs a non-negative duration');
    this.current += ms;
    this.wake();
    return this.now();
  }

  /**
   * Puts the clock at `date`; sleepers whose moment has come wake up, unless `wake` is false: then they sleep on
   * until the next advance, set or runFor, so that the caller can act at that instant first (the simulation
   * loads the day's feed at 05:00 before the steps due at 05:00 run).
   */
  set(date: Date, options: { readonly wake?: boolean } = {}): Date {
    if (Number.isNaN(date.getTime())) throw new RangeError('set needs a valid date');
    this.current = date.getTime();
    if (options.wake !== false) this.wake();
    return this.now();
  }

  /**
   * Moves the clock forward by `ms` the way time really passes: it stops at each instant someone sleeps
   * until, wakes them and awaits `settle` (their work done) before going on. A jump over a whole day
   * therefore acts at 08:00 as due, not at the end of the jump.
   */
  async runFor(ms: number, settle: () => Promise<void>): Promise<Date> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('runFor needs a non-negative duration');
    const target = this.current + ms;
    for (;;) {
      const next = this.sleepers.reduce((earliest, sleeper) => Math.min(earliest, sleeper.at), Infinity);
      if (this.stopped || next > target) break;
      this.set(new Date(next));
      await settle();
    }
    if (!this.stopped) this.set(new Date(target));
    await settle();
    return this.now();
  }

  /**
   * Resolves once the clock reads `date` or later (at once if it already does). Aborting `signal` takes the
   * sleeper off the clock (it no longer counts as sleeping) and rejects with the signal's reason.
   */
  sleepUntil(date: Date, signal?: AbortSignal): Promise<void> {
    if (this.stopped) return Promise.reject(new VirtualClockStoppedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    const at = date.getTime();
    if (Number.isNaN(at) || at <= this.current) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = {
        at,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((other) => other !== sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /** How many are asleep, waiting for the clock to move. */
  get sleeping(): number {
    return this.sleepers.length;
  }

  /** Rejects every pending sleep and refuses new ones: used when the runtime shuts down. */
  stop(): void {
    this.stopped = true;
    const pending = this.sleepers;
    this.sleepers = [];
    for (const sleeper of pending) sleeper.reject(new VirtualClockStoppedError());
  }

  private wake(): void {
    const due = this.sleepers.filter((sleeper) => sleeper.at <= this.current);
    if (due.length === 0) return;
    this.sleepers = this.sleepers.filter((sleeper) => sleeper.at > this.current);
    for (const sleeper of due.sort((a, b) => a.at - b.at)) sleeper.resolve();
  }
}
