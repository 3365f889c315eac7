/** The escalation start buffer in memory: requests wait until a test delivers them, as SQS holds them for its consumer. */

import type { EscalationQueue, EscalationRequest } from '../../../lambdas/ports/workflow';

export class InMemoryEscalationQueue implements EscalationQueue {
  /** Every request ever enqueued, repeats included. */
  readonly sent: EscalationRequest[] = [];
  /** Requests not yet delivered. */
  readonly pending: EscalationRequest[] = [];
  private readonly failures: Error[] = [];

  /** The next enqueue throws (SQS unavailable): nothing of that call is kept. */
  failNext(error: Error = new Error('SQS unavailable')): this {
    this.failures.push(error);
    return this;
  }

  async enqueue(requests: readonly EscalationRequest[]): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    for (const request of requests) {
      this.sent.push({ ...request });
      this.pending.push({ ...request });
    }
  }

  /** Hands every pending request to `consume`, in batches; what it returns comes back, as SQS redelivers. */
  async deliver(consume: (batch: EscalationRequest[]) => Promise<readonly EscalationRequest[]>, rounds = 10) {
    for (let round = 0; round < rounds && this.pending.length > 0; round++) {
      const batch = this.pending.splice(0);
      this.pending.push(...(await consume(batch)));
    }
  }
}
