/**
 * Posts a bank's payments feed to its cases, each payment exactly once.
 * Input: the object key (`payments/<bankId>/<name>.csv`, also .csv.gz, .jsonl). Output: the payments report.
 * 1. Resolve the bank from the key (unknown bank: quarantine) and prove the whole file reads.
 * 2. Validate each row; a bad row is rejected with line, field and reason.
 * 3. Post each payment through the ledger: the payment record and the balance change land together;
 *    a payment id seen before changes nothing; an unknown account is rejected.
 * 4. A case paid in full is closed and its escalation stopped.
 * 5. Checkpoint every CHECKPOINT_ROWS rows; out of time, hand the file to the next invocation.
 * 6. Write `reports/<key>.json` and `rejects/<key>.csv` (no personal data in either).
 */

import { caseIdOf } from '../domain/collection-case';
import { parsePaymentRow } from '../domain/payment-row';
import {
  type FeedFileDeps,
  type FeedFileInput,
  type FeedRun,
  type FileReport,
  processFeedFile,
  runRecords,
} from '../feeds/feed-file';
import type { FeedRecord } from '../feeds/records';
import { safeAccountId } from '../feeds/rejects';
import type { PaymentLedger } from '../ports/payment-ledger';
import type { EscalationQueue } from '../ports/workflow';
import { WorkQueue } from './work-queue';

export interface PostPaymentsDeps extends FeedFileDeps {
  readonly ledger: PaymentLedger;
  /** Where the stop of a paid case's escalation goes, to be paced with the other Step Functions calls. */
  readonly escalationQueue: EscalationQueue;
}

export interface PaymentCounts {
  read: number;
  applied: number;
  duplicate: number;
  paidInFull: number;
  rejected: number;
}

export type PaymentsReport = FileReport & PaymentCounts;

const REQUIRED_COLUMNS = ['payment_id', 'account_id', 'amount', 'paid_at'] as const;
/** Postings in flight: each is a read and a transaction; two for one account retry on the balance they race for. */
const POSTING_CONCURRENCY = 16;

export async function postPayments(deps: PostPaymentsDeps, input: FeedFileInput): Promise<PaymentsReport> {
  const counts: PaymentCounts = { read: 0, applied: 0, duplicate: 0, paidInFull: 0, rejected: 0 };
  return processFeedFile<PaymentCounts, PaymentsReport>(deps, input, 'payments', counts, async (run) => {
    const postings = new WorkQueue<FeedRecord>(
      (record) => postOne(deps, run, record),
      POSTING_CONCURRENCY,
      POSTING_CONCURRENCY * 4,
    );
    let sinceCheckpoint = 0;
    try {
      for await (const batch of runRecords(deps.storage, run, REQUIRED_COLUMNS)) {
        for (const record of batch) {
          // Counted as read when taken, so that `read` at a drained checkpoint is exactly the rows done.
          run.counts.read++;
          await postings.add([record]);
          if (++sinceCheckpoint >= run.checkpointRows || run.timeShort()) {
            await postings.drain();
            sinceCheckpoint = 0;
            if ((await run.checkpoint(run.counts.read)) === 'stop') {
              await postings.end();
              return 'stopped';
            }
          }
        }
      }
    } catch (error) {
      await postings.end().catch(() => {});
      throw error;
    }
    await postings.end();
    return 'loaded';
  });
}

const DAY_MS = 86_400_000;

async function postOne(
  deps: PostPaymentsDeps,
  run: FeedRun<PaymentCounts>,
  { record, line, invalid }: FeedRecord,
) {
  const report = run.counts;
  const { bankId } = run.bank;
  const reject = (field: string, reason: string) => {
    report.rejected++;
    run.reject({ line, accountId: safeAccountId(record.account_id), field, reason });
  };
  if (invalid !== undefined) {
    reject('row', invalid);
    return;
  }
  const parsed = parsePaymentRow(record, run.bank.defaults.currency, deps.clock.now().getTime() + DAY_MS);
  if (!parsed.ok) {
    reject(parsed.rejection.field, parsed.rejection.reason);
    return;
  }
  const { payment } = parsed;
  const posting = await deps.ledger.post(caseIdOf(bankId, payment.accountId), payment, deps.clock.now());
  if (posting.outcome === 'unknown-account') reject('account_id', 'unknown account');
  else if (posting.outcome === 'currency-mismatch') reject('currency', 'differs from the account currency');
  else if (posting.outcome === 'duplicate') report.duplicate++;
  else {
    report.applied++;
    if (posting.paidInFull) {
      report.paidInFull++;
      // A stop lost in a crash here is healed all the same: the escalation ends at its next step, the case closed.
      await deps.escalationQueue.enqueue([
        { action: 'stop', caseId: caseIdOf(bankId, payment.accountId), cycle: posting.cycle },
      ]);
    }
  }
}
