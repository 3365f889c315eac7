/** Payments in memory, with DynamoPaymentLedger's semantics. */

import type { Payment } from '../../../lambdas/domain/payment-row';
import type { PaymentLedger, PostingOutcome } from '../../../lambdas/ports/payment-ledger';
import type { InMemoryCaseStore } from './case-store';
import type { InMemoryTrail } from './trail';

/** PaymentLedger with DynamoPaymentLedger's semantics, over the in-memory case store and trail. */
export class InMemoryPaymentLedger implements PaymentLedger {
  constructor(
    private readonly cases: InMemoryCaseStore,
    private readonly trail: InMemoryTrail,
  ) {}

  /**
   * The transaction in one synchronous step (no await between reading the balance and writing it), so that
   * concurrent postings interleave only as DynamoDB's transactions let them: each sees the other's result.
   */
  async post(caseId: string, payment: Payment, at: Date): Promise<PostingOutcome> {
    await Promise.resolve();
    const found = this.cases.cases.get(caseId);
    if (!found) return { outcome: 'unknown-account' };
    if (found.overdue.currency !== payment.amount.currency) return { outcome: 'currency-mismatch' };
    const entryId = `payment#${payment.paymentId}`;
    if (this.trail.entries.some((entry) => entry.caseId === caseId && entry.entryId === entryId)) {
      return { outcome: 'duplicate' };
    }
    const remaining = Math.max(0, found.overdue.amountMinor - payment.amount.amountMinor);
    this.trail.entries.push({
      caseId,
      kind: 'payment.posted',
      at,
      actor: 'system:post-payments',
      entryId,
      detail: {
        amountMinor: payment.amount.amountMinor,
        currency: payment.amount.currency,
        paidAt: payment.paidAt,
        ...(payment.channel ? { channel: payment.channel } : {}),
        remainingMinor: remaining,
      },
    });
    const paidInFull = found.overdue.amountMinor > 0 && remaining === 0;
    this.cases.cases.set(caseId, {
      ...found,
      overdue: { ...found.overdue, amountMinor: remaining },
      updatedAt: at.toISOString(),
      ...(paidInFull ? { status: 'closed' as const, closedReason: 'paid' } : {}),
    });
    return { outcome: 'applied', remainingMinor: remaining, paidInFull, cycle: found.cycle };
  }
}
