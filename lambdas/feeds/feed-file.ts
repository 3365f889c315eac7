/** The life of one feed file, the same for every feed: redeliveries, the bank, quarantine, report and rejects. */

import type { BankSettings } from '../domain/bank';
import type { BankDirectory } from '../ports/bank-directory';
import type { Clock } from '../ports/clock';
import type { FeedStorage } from '../ports/feed-storage';
import type { FeedPackaging } from './decoding';
import { QuarantineError } from './quarantine';
import { type FeedRecord, feedRecords, formatOfKey } from './records';
import { type RowReject, rejectsCsv } from './rejects';

/** S3 delivers events at least once: the report already written for this very version, if any. */
async function reportOfVersion<T extends { readonly sourceVersion?: string }>(
  storage: FeedStorage,
  key: string,
  version: string | undefined,
): Promise<T | undefined> {
  if (!version) return undefined;
  const previous = await storage.readText(`reports/${key}.json`);
  const report = previous === undefined ? undefined : (JSON.parse(previous) as T);
  return report?.sourceVersion === version ? report : undefined;
}

/** Writes a file's report and rejects next to it: `reports/<key>.json`, `rejects/<key>.csv`. */
export async function writeFeedOutputs(
  storage: FeedStorage,
  key: string,
  report: object,
  rejects: readonly RowReject[],
): Promise<void> {
  await storage.put(`reports/${key}.json`, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
  await storage.put(`rejects/${key}.csv`, rejectsCsv(rejects), 'text/csv');
}

/**
 * The records of a stored feed, read twice: the first pass only decodes the whole file and checks its
 * CSV structure without building records (a fraction of a parse), so that a fault anywhere in it (bytes
 * in no supported encoding, a quote left open on the last line) quarantines it before any row is applied.
 */
export async function* checkedFeedRecords(
  storage: FeedStorage,
  key: string,
  requiredColumns: readonly string[],
): AsyncGenerator<FeedRecord[]> {
  await assertFeedReadable(storage, key, requiredColumns);
  yield* storedFeedRecords(storage, key, requiredColumns);
}

/** The records of a stored feed, read once: for a file that `assertFeedReadable` has already checked. */
export async function* storedFeedRecords(
  storage: FeedStorage,
  key: string,
  requiredColumns: readonly string[],
): AsyncGenerator<FeedRecord[]> {
  const format = formatOfKey(key);
  if (format) yield* feedRecords(await storage.open(key), format, requiredColumns);
}

/** What every feed report says about its file, whatever the feed. */
export interface FileReport {
  readonly key: string;
  /** The S3 version (or ETag) of the file this report is about: a redelivered event for it loads nothing. */
  readonly sourceVersion?: string;
  readonly bankId: string;
  quarantined: boolean;
  quarantineReason?: string;
  durationMs: number;
}

/**
 * The life of one feed file, the same for every feed: answer a redelivered event with the report already
 * written; resolve the bank from `<prefix>/<bankId>/<name>` (unknown: quarantine); let `load` fill the
 * counts and rejects; turn a QuarantineError into a quarantined report; write the report and rejects.
 */
export async function processFeedFile<R extends FileReport>(
  deps: { readonly storage: FeedStorage; readonly banks: BankDirectory; readonly clock: Clock },
  input: { readonly key: string; readonly version?: string },
  prefix: 'incoming' | 'payments',
  counts: Omit<R, keyof FileReport>,
  load: (bank: BankSettings, report: R, rejects: RowReject[]) => Promise<'loaded' | 'handed-over'>,
): Promise<R> {
  const already = await reportOfVersion<R>(deps.storage, input.key, input.version);
  if (already) return already;
  const started = deps.clock.now().getTime();
  const bankId = new RegExp(`^${prefix}/([a-z0-9-]{2,32})/[^/]+$`).exec(input.key)?.[1] ?? '';
  const report = {
    key: input.key,
    ...(input.version ? { sourceVersion: input.version } : {}),
    bankId,
    ...counts,
    quarantined: false,
    durationMs: 0,
  } as R;
  const rejects: RowReject[] = [];
  try {
    const bank = deps.banks.get(bankId);
    if (!bank)
      throw new QuarantineError(bankId ? `unknown bank ${bankId}` : `key is not ${prefix}/<bankId>/<name>`);
    // A file handed over to a Distributed Map run gets its report from the run's last step.
    if ((await load(bank, report, rejects)) === 'handed-over') return report;
  } catch (error) {
    if (!(error instanceof QuarantineError)) throw error;
    report.quarantined = true;
    report.quarantineReason = error.message;
  }
  report.durationMs = deps.clock.now().getTime() - started;
  await writeFeedOutputs(deps.storage, input.key, report, rejects);
  return report;
}

/** Reads a feed through once without applying anything: a file-level fault raises QuarantineError. */
export async function assertFeedReadable(
  storage: FeedStorage,
  key: string,
  requiredColumns: readonly string[],
): Promise<FeedPackaging> {
  const format = formatOfKey(key);
  if (!format) throw new QuarantineError('not a .csv, .csv.gz, .jsonl or .jsonl.gz file');
  const packaging: FeedPackaging = { gzipped: false };
  for await (const _ of feedRecords(await storage.open(key), format, requiredColumns, packaging, true)) {
    // Reading is the check.
  }
  return packaging;
}
