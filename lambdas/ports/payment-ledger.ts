/** Posts payments to cases exactly once: the payment record and the balance change land together or not at all. */

import type { Payment } from '../domain/payment-row';

export type PostingOutcome =
  | {
      readonly outcome: 'applied';
      readonly remainingMinor: number;
      readonly paidInFull: boolean;
      readonly cycle: string;
    }
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'unknown-account' }
  | { readonly outcome: 'currency-mismatch' };

export interface PaymentLedger {
  post(caseId: string, payment: Payment, at: Date): Promise<PostingOutcome>;
}
