/**
 * Payments on DynamoDB: one transaction puts the payment in the trail (conditional on its id being new)
 * and lowers the case's overdue amount (conditional on the amount read, so concurrent postings retry,
 * after a pause with exponential backoff and full jitter).
 */

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CollectionCase } from '../../domain/collection-case';
import type { Payment } from '../../domain/payment-row';
import type { PaymentLedger, PostingOutcome } from '../../ports/payment-ledger';
import { whileThrottled } from './throttling';

/** How a posting whose balance moved under it is retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** The cap on the first pause; each later cap doubles, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1). */
  readonly random: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 25,
  maxDelayMs: 1_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * The pause before attempt `attempt + 1`: "full jitter", uniform between 0 and the exponential cap, so
 * that postings racing on one account (two files, a redelivery) spread out instead of colliding again.
 */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return policy.random() * cap;
}

export class DynamoPaymentLedger implements PaymentLedger {
  private readonly retry: RetryPolicy;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly casesTable: string,
    private readonly trailTable: string,
    retry: Partial<RetryPolicy> = {},
  ) {
    this.retry = { ...DEFAULT_RETRY, ...retry };
  }

  async post(caseId: string, payment: Payment, at: Date): Promise<PostingOutcome> {
    const { attempts } = this.retry;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await this.retry.sleep(backoffMs(this.retry, attempt - 1));
      const read = await whileThrottled(() =>
        this.db.send(new GetCommand({ TableName: this.casesTable, Key: { caseId }, ConsistentRead: true })),
      );
      const found = read.Item as CollectionCase | undefined;
      if (!found) return { outcome: 'unknown-account' };
      if (found.overdue.currency !== payment.amount.currency) return { outcome: 'currency-mismatch' };
      const before = found.overdue.amountMinor;
      const remaining = Math.max(0, before - payment.amount.amountMinor);
      // Only the payment that brings the balance to 0 closes the case; one landing on a zero balance (an
      // overpayment, or a case the feed already cured) is recorded and leaves the case as it is.
      const paidInFull = before > 0 && remaining === 0;
      try {
        const transaction = new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.trailTable,
                Item: {
                  caseId,
                  entryId: `payment#${payment.paymentId}`,
                  kind: 'payment.posted',
                  at: at.toISOString(),
                  actor: 'system:post-payments',
                  detail: {
                    amountMinor: payment.amount.amountMinor,
                    currency: payment.amount.currency,
                    paidAt: payment.paidAt,
                    ...(payment.channel ? { channel: payment.channel } : {}),
                    remainingMinor: remaining,
                  },
                },
                ConditionExpression: 'attribute_not_exists(entryId)',
              },
            },
            {
              Update: {
                TableName: this.casesTable,
                Key: { caseId },
                UpdateExpression: paidInFull
                  ? 'SET overdue.amountMinor = :remaining, updatedAt = :at, #status = :closed, closedReason = :paid'
                  : 'SET overdue.amountMinor = :remaining, updatedAt = :at',
                // The amount read (so a concurrent posting makes this one retry) and the currency checked.
                ConditionExpression: 'overdue.amountMinor = :before AND overdue.currency = :currency',
                ExpressionAttributeValues: {
                  ':remaining': remaining,
                  ':before': before,
                  ':currency': payment.amount.currency,
                  ':at': at.toISOString(),
                  ...(paidInFull ? { ':closed': 'closed', ':paid': 'paid' } : {}),
                },
                ...(paidInFull ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
              },
            },
          ],
        });
        await whileThrottled(() => this.db.send(transaction));
        return { outcome: 'applied', remainingMinor: remaining, paidInFull, cycle: found.cycle };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [payment_, balance] = error.CancellationReasons ?? [];
        if (payment_?.Code === 'ConditionalCheckFailed') return { outcome: 'duplicate' };
        if (balance?.Code !== 'ConditionalCheckFailed' && balance?.Code !== 'TransactionConflict')
          throw error;
        // The balance moved under us (another payment): read again and retry.
      }
    }
    throw new Error(`payment ${payment.paymentId} could not be posted after ${attempts} attempts`);
  }
}
