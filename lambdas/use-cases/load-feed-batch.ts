/**
 * Loads one batch of a large overdue feed, as a Distributed Map run hands it over.
 * Input: the bank and the batch's rows, each with its 0-based index among the file's data rows.
 * Output: the batch's counts and rejects (no personal data), for the run's last step to add up.
 * 1. Normalise header names as the streaming reader does (trimmed, lower case), cells to text.
 * 2. Apply the rows through the same row loop that loads a whole file (applyFeedRows).
 */

import { type FeedRecord, recordOf } from '../feeds/records';
import type { RowReject } from '../feeds/rejects';
import type { BankDirectory } from '../ports/bank-directory';
import { applyFeedRows, emptyRowCounts, type RowCounts, type RowDeps } from './ingest-feed';

export interface LoadFeedBatchDeps extends RowDeps {
  readonly banks: BankDirectory;
}

export interface BatchItem {
  readonly row: Readonly<Record<string, unknown>>;
  readonly index: number;
}

export interface BatchResult {
  readonly counts: RowCounts;
  readonly rejects: RowReject[];
}

export async function loadFeedBatch(
  deps: LoadFeedBatchDeps,
  input: { bankId: string; items: readonly BatchItem[] },
): Promise<BatchResult> {
  const bank = deps.banks.get(input.bankId);
  if (!bank) throw new Error(`bank ${input.bankId} is not served`);
  const rows: FeedRecord[] = input.items.map(({ row, index }) => ({
    record: recordOf(
      Object.entries(row).map(([name, cell]) => [
        name.trim().toLowerCase(),
        cell === null ? '' : String(cell),
      ]),
    ),
    // The header is line 1; data rows follow one a line (a cell with a line break shifts this by one).
    line: index + 2,
  }));
  const counts = emptyRowCounts();
  const rejects: RowReject[] = [];
  await applyFeedRows(deps, bank, [rows], counts, rejects);
  return { counts, rejects };
}
