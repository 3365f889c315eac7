/** Bank events that are recorded, and fail when told to. */

import type { BankEvents } from '../../../lambdas/ports/notifier';

export type BankEvent = Parameters<BankEvents['publish']>[0];

/** Records every publish, a repeat included (EventBridge delivers at least once and dedupes nothing). */
export class RecordingBankEvents implements BankEvents {
  readonly published: BankEvent[] = [];
  private failure: Error | undefined;

  failWith(error: Error | undefined): this {
    this.failure = error;
    return this;
  }

  async publish(event: BankEvent): Promise<void> {
    if (this.failure) throw this.failure;
    this.published.push({ ...event });
  }
}
