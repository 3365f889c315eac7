/**
 * Posts a bank's payments feed to its cases, each payment exactly once.
 * Input: the object key (`payments/<bankId>/<name>.csv`, also .csv.gz, .jsonl). Output: the payments report.
 * 1. Resolve the bank from the key (unknown bank: quarantine) and prove the whole file reads.
 * 2. Validate each row; a bad row is rejected with line, field and reason.
 * 3. Post each payment through the ledger: the payment record and the balance change land together;
 *    a payment id seen before changes nothing; an unknown account is rejected.
 * 4. A case paid in full is closed and its escalation stopped.
 * 5. Write `reports/<key>.json` and `rejects/<key>.csv` (no personal data in either).
 */

import { caseIdOf, escalationName } from '../domain/collection-case';
import { parsePaymentRow } from '../domain/payment-row';
import { checkedFeedRecords, type FileReport, processFeedFile } from '../feeds/feed-file';
import type { FeedRecord } from '../feeds/records';
import { safeAccountId } from '../feeds/rejects';
import type { BankDirectory } from '../ports/bank-directory';
import type { Clock } from '../ports/clock';
import type { FeedStorage } from '../ports/feed-storage';
import type { PaymentLedger } from '../ports/payment-ledger';
import type { EscalationStopper } from '../ports/workflow';

export interface PostPaymentsDeps {
  readonly storage: FeedStorage;
  readonly ledger: PaymentLedger;
  readonly escalations: EscalationStopper;
  readonly banks: BankDirectory;
  readonly clock: Clock;
}

export interface PaymentsReport extends FileReport {
  read: number;
  applied: number;
  duplicate: number;
  paidInFull: number;
  rejected: number;
}

const REQUIRED_COLUMNS = ['payment_id', 'account_id', 'amount', 'paid_at'] as const;

export async function postPayments(
  deps: PostPaymentsDeps,
  input: { key: string; version?: string },
): Promise<PaymentsReport> {
  const counts = { read: 0, applied: 0, duplicate: 0, paidInFull: 0, rejected: 0 };
  return processFeedFile<PaymentsReport>(deps, input, 'payments', counts, async (bank, report, rejects) => {
    const { bankId } = bank;
    const batches = checkedFeedRecords(deps.storage, input.key, REQUIRED_COLUMNS);
    for await (const { record, line, invalid } of eachRecord(batches)) {
      report.read++;
      const reject = (field: string, reason: string) => {
        report.rejected++;
        rejects.push({ line, accountId: safeAccountId(record.account_id), field, reason });
      };
      if (invalid !== undefined) {
        reject('row', invalid);
        continue;
      }
      const parsed = parsePaymentRow(record, bank.defaults.currency);
      if (!parsed.ok) {
        reject(parsed.rejection.field, parsed.rejection.reason);
        continue;
      }
      const { payment } = parsed;
      const posting = await deps.ledger.post(caseIdOf(bankId, payment.accountId), payment, deps.clock.now());
      if (posting.outcome === 'unknown-account') reject('account_id', 'unknown account');
      else if (posting.outcome === 'currency-mismatch')
        reject('currency', 'differs from the account currency');
      else if (posting.outcome === 'duplicate') report.duplicate++;
      else {
        report.applied++;
        if (posting.paidInFull) {
          report.paidInFull++;
          await deps.escalations.stopEscalation(escalationName(bankId, payment.accountId, posting.cycle));
        }
      }
    }
    return 'loaded';
  });
}

async function* eachRecord(batches: AsyncIterable<readonly FeedRecord[]>): AsyncGenerator<FeedRecord> {
  for await (const batch of batches) yield* batch;
}
