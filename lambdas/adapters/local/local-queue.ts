/**
 * An in-process stand-in for an SQS queue with a Lambda consumer, for the offline runtime: messages are
 * consumed in batches, in the background, one batch at a time; what the consumer hands back comes again
 * after a pause (as a message whose visibility timeout ran out). `idle` resolves when nothing is queued
 * or being consumed.
 */
export class LocalQueue<T> {
  private readonly queued: T[] = [];
  private running: Promise<void> | undefined;
  private retries = 0;

  constructor(
    private readonly consume: (batch: T[]) => Promise<readonly T[]>,
    private readonly batchSize = 10,
    private readonly retryAfterMs = 50,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  send(messages: readonly T[]): void {
    this.queued.push(...messages);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
      if (this.queued.length > 0) this.send([]);
    });
  }

  /** Resolves once every message sent so far, and every retry, has been consumed. */
  async idle(): Promise<void> {
    while (this.running || this.retries > 0) {
      await (this.running ?? new Promise((resolve) => setTimeout(resolve, this.retryAfterMs)));
    }
  }

  private async drain(): Promise<void> {
    while (this.queued.length > 0) {
      const batch = this.queued.splice(0, this.batchSize);
      let again: readonly T[];
      try {
        again = await this.consume(batch);
      } catch (error) {
        this.onError(error);
        again = batch;
      }
      if (again.length > 0) {
        this.retries++;
        setTimeout(() => {
          this.retries--;
          this.send(again);
        }, this.retryAfterMs);
      }
    }
  }
}
