/**
 * Runs `work` on items as they are added, at most `limit` at a time and without a pause between one
 * batch of items and the next: writes are latency-bound, so the slots stay full while the producer
 * prepares more. `add` waits while more than `backlog` items are queued and not started, which bounds
 * memory whatever the file's size. After a failure nothing new starts; `end` waits for the items in
 * flight and throws the first error. `drain` waits until everything added so far is done, and the queue
 * takes more afterwards: a checkpoint needs a moment when every row before it is written.
 */
export class WorkQueue<T> {
  private queued: (T | undefined)[] = [];
  private next = 0;
  private readonly workers: Promise<void>[] = [];
  private readonly idle: Array<() => void> = [];
  private room: (() => void) | undefined;
  private ending = false;
  private failure: { error: unknown } | undefined;
  private active = 0;
  private drained: Array<() => void> = [];

  constructor(
    private readonly work: (item: T) => Promise<void>,
    private readonly limit: number,
    private readonly backlog: number,
  ) {}

  /** Queues the items; resolves once the backlog is back under its bound. Throws after a failure. */
  async add(items: readonly T[]): Promise<void> {
    this.throwIfFailed();
    for (const item of items) this.queued.push(item);
    while (this.workers.length < this.limit && this.workers.length < this.waiting()) {
      this.workers.push(this.worker());
    }
    for (let wake = Math.min(this.idle.length, this.waiting()); wake > 0; wake--) this.idle.pop()?.();
    while (this.waiting() > this.backlog && !this.failure) {
      await new Promise<void>((resolve) => {
        this.room = resolve;
      });
    }
    this.throwIfFailed();
  }

  /** Waits until every item added so far is done (or, after a failure, those in flight), then throws the first error. */
  async drain(): Promise<void> {
    while ((this.waiting() > 0 || this.active > 0) && !this.failure) {
      await new Promise<void>((resolve) => this.drained.push(resolve));
    }
    while (this.active > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
    this.throwIfFailed();
  }

  /** Waits for every queued item, or after a failure for those in flight, and throws the first error. */
  async end(): Promise<void> {
    this.ending = true;
    for (const wake of this.idle.splice(0)) wake();
    await Promise.all(this.workers);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  private waiting(): number {
    return this.queued.length - this.next;
  }

  private async worker(): Promise<void> {
    for (;;) {
      if (this.failure) return;
      if (this.next < this.queued.length) {
        const item = this.queued[this.next] as T;
        this.queued[this.next++] = undefined;
        if (this.next === this.queued.length) {
          this.queued = [];
          this.next = 0;
        }
        // Half the bound is free again: the producer prepares its next batch while the rest is written.
        if (this.room && this.waiting() <= this.backlog / 2) this.wakeProducer();
        this.active++;
        try {
          await this.work(item);
        } catch (error) {
          this.failure ??= { error };
          this.wakeProducer();
          for (const wake of this.idle.splice(0)) wake();
          return;
        } finally {
          this.active--;
          if ((this.active === 0 && this.waiting() === 0) || this.failure) {
            for (const wake of this.drained.splice(0)) wake();
          }
        }
        continue;
      }
      if (this.ending) return;
      await new Promise<void>((resolve) => this.idle.push(resolve));
    }
  }

  private wakeProducer(): void {
    const wake = this.room;
    this.room = undefined;
    wake?.();
  }
}
