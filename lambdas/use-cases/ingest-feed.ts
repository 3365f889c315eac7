/**
 * Loads one overdue feed dropped by a bank into the case store and asks for escalations.
 * Input: the object key (`incoming/<bankId>/<name>.csv`), its version, size and the time left. Output: the report.
 * 1. Resolve the bank from the key; an unknown bank quarantines the file and applies nothing.
 * 2. Read the file through once: a file-level fault quarantines it before any row is applied. A large plain
 *    file is cut into segments on the way and handed to a Distributed Map run (see feeds/segments.ts).
 * 3. Validate each row against the feed contract; a bad row is rejected with line, field and reason.
 * 4. Seal the personal fields, write the case (stale and replayed rows change nothing; a new cycle clears
 *    the ladder's progress in the same write).
 * 5. For a case that opens or begins a new cycle, ask the escalation buffer for a start (paced there).
 * 6. Checkpoint every CHECKPOINT_ROWS rows; out of time, hand the file to the next invocation.
 * 7. Write `reports/<key>.json` and `rejects/<key>.csv` (no personal data in either).
 */

import type { BankSettings } from '../domain/bank';
import { type CollectionCase, caseIdOf, type SealedPersonalData } from '../domain/collection-case';
import { bucketOf, dayNumber } from '../domain/delinquency';
import { type AccountSnapshot, parseFeedRow } from '../domain/feed-row';
import { maskEmail, maskName, maskPhone } from '../domain/masking';
import { policyPack } from '../domain/policy-packs';
import {
  assertFeedReadable,
  type FeedFileDeps,
  type FeedFileInput,
  type FeedRun,
  type FileReport,
  processFeedFile,
  runRecords,
} from '../feeds/feed-file';
import { type FeedRecord, formatOfKey } from '../feeds/records';
import { safeAccountId } from '../feeds/rejects';
import { type FeedFilePlan, SegmentScanner } from '../feeds/segments';
import type { BlindIndex, IndexFunction } from '../ports/blind-index';
import type { CaseStore, StoredCaseState } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { PiiVault } from '../ports/pii-vault';
import type { EscalationQueue, EscalationRequest, FeedLoadStarter } from '../ports/workflow';
import { filePlanKey } from './load-feed-segment';
import { WorkQueue } from './work-queue';

/** What applying rows needs: the case store, sealing, indexing and the escalation buffer. */
export interface RowDeps {
  readonly cases: Pick<CaseStore, 'upsertFromFeed'>;
  readonly vault: PiiVault;
  readonly blindIndex: BlindIndex;
  /** Where start and stop requests go: Step Functions is called at its pace by the buffer's consumer. */
  readonly escalationQueue: EscalationQueue;
  readonly clock: Clock;
}

export interface IngestFeedDeps extends RowDeps, FeedFileDeps {
  /**
   * In AWS: plain files above the threshold are loaded by a Distributed Map run instead of this invocation;
   * the loader queues the run's start (the start buffer's consumer calls Step Functions).
   */
  readonly largeFeeds?: {
    readonly thresholdBytes: number;
    readonly loader: FeedLoadStarter;
    /** Records per segment (SEGMENT_ROWS unless a test wants small ones). */
    readonly segmentRows?: number;
  };
}

/** The counts a run of overdue rows adds to its file's report. */
export interface RowCounts {
  read: number;
  created: number;
  updated: number;
  cured: number;
  stale: number;
  unchanged: number;
  rejected: number;
  /** Cases this file opened or moved to a new delinquency cycle: one escalation requested for each. */
  escalationsRequested: number;
  /**
   * Open cases whose escalation was requested before but is not yet known to run (a crash between a write
   * and its request, or a start still in the buffer): requested again; the start is idempotent.
   */
  escalationsRequeued: number;
}

export type FeedReport = FileReport & RowCounts;

export function emptyRowCounts(): RowCounts {
  return {
    read: 0,
    created: 0,
    updated: 0,
    cured: 0,
    stale: 0,
    unchanged: 0,
    rejected: 0,
    escalationsRequested: 0,
    escalationsRequeued: 0,
  };
}

/** Where the row loop sends rejects and reports progress (a feed run, or a segment of a Distributed Map run). */
export type RowSink = Pick<FeedRun<unknown>, 'reject' | 'timeShort' | 'checkpoint' | 'checkpointRows'>;

/** Rows checked and sealed together: enough to share the waits, few enough to keep little alive. */
const PREPARE_ROWS = 128;
/**
 * Conditional writes in flight. A write takes 4–8 ms, so 24 would fill a new on-demand table's ~4,000
 * writes/s if the event loop were free; 64 keep the table busy while rows are being prepared, and cost few
 * throttles (npm run bench:cloud: 64 → 1.2× the floor set by 4,000 writes/s, 96 → 1.29×, 32 → 1.66×).
 */
const ROW_CONCURRENCY = 64;
/** Cases waiting for a write slot before the reader waits. */
const WRITE_BACKLOG = 128;
const REQUIRED_COLUMNS = ['account_id', 'as_of', 'customer_name'] as const;
/** Records per segment of a large file: one Distributed Map child loads one segment in seconds. */
export const SEGMENT_ROWS = 10_000;

export async function ingestFeed(deps: IngestFeedDeps, input: FeedFileInput): Promise<FeedReport> {
  return processFeedFile<RowCounts, FeedReport>(deps, input, 'incoming', emptyRowCounts(), async (run) => {
    const large = deps.largeFeeds;
    const format = formatOfKey(input.key);
    let checked = false;
    if (large && !run.resumed && format && (input.size ?? 0) > large.thresholdBytes) {
      // The check pass also cuts the file into segments of whole records. A gzipped file cannot be read
      // from the middle: it streams here, and continues in the next invocation if it runs out of time.
      const scanner = new SegmentScanner(format, large.segmentRows ?? SEGMENT_ROWS);
      const packaging = await assertFeedReadable(deps.storage, input.key, REQUIRED_COLUMNS, input.versionId, {
        onBytes: (bytes) => scanner.push(bytes),
      });
      checked = true;
      if (!packaging.gzipped) {
        const manifestKey = `${run.workPrefix}/manifest.json`;
        const { segments, ...found } = scanner.end();
        const plan: FeedFilePlan = {
          key: input.key,
          ...(input.versionId ? { versionId: input.versionId } : {}),
          format,
          ...(packaging.encoding ? { encoding: packaging.encoding } : {}),
          ...found,
        };
        // The map's item reader iterates a JSON array: the segments alone; how to read them, beside it.
        await deps.storage.put(filePlanKey(manifestKey), JSON.stringify(plan), 'application/json');
        await deps.storage.put(manifestKey, JSON.stringify(segments), 'application/json');
        await large.loader.startFeedLoad({
          key: input.key,
          bankId: run.bank.bankId,
          version: input.version ?? '',
          manifestKey,
          startedAt: deps.clock.now().toISOString(),
        });
        // The run is asked of the start buffer, whose consumer starts it under a name made of the file version:
        // marked after the request, so that a crash in between asks again on redelivery (one run all the same).
        await run.markHandedOver();
        return 'handed-over';
      }
    }
    const records = runRecords(deps.storage, run, REQUIRED_COLUMNS, checked);
    return applyFeedRows(deps, run.bank, records, run.counts, run);
  });
}

/**
 * Validates and applies rows of an overdue feed, counting outcomes into `counts` and sending rejects to
 * `sink`: the one row loop, for a whole file and for each segment of a Distributed Map run. Every
 * `checkpointRows` rows (or sooner when time is short) it waits for the writes in flight and the escalation
 * requests, then checkpoints; it stops there when the sink says so.
 */
export async function applyFeedRows(
  deps: RowDeps,
  bank: BankSettings,
  batches: AsyncIterable<readonly FeedRecord[]> | Iterable<readonly FeedRecord[]>,
  counts: RowCounts,
  sink: RowSink,
): Promise<'loaded' | 'stopped'> {
  const requests = new RequestBuffer(deps.escalationQueue);
  // Writes may land out of order: the conditional write on `asOf` makes the stored result independent of
  // the order in which rows for one account land.
  const writes = new WorkQueue<CollectionCase>(
    (collectionCase) => writeCase(deps, collectionCase, counts, requests),
    ROW_CONCURRENCY,
    WRITE_BACKLOG,
  );
  let sinceCheckpoint = 0;
  // Each account's first line in what this call reads: a file that names an account twice contradicts
  // itself, and which of two rows of one as_of would land is a race (writes land out of order).
  const firstLines = new Map<string, number>();
  try {
    for await (const batch of batches) {
      for (let at = 0; at < batch.length; at += PREPARE_ROWS) {
        const slice = batch.slice(at, at + PREPARE_ROWS);
        const cases = await prepareCases(deps, bank, slice, counts, sink, firstLines);
        if (cases.length > 0) await writes.add(cases);
        sinceCheckpoint += slice.length;
        if (sinceCheckpoint >= sink.checkpointRows || sink.timeShort()) {
          await writes.drain();
          await requests.flush();
          sinceCheckpoint = 0;
          if ((await sink.checkpoint(counts.read)) === 'stop') {
            await writes.end();
            return 'stopped';
          }
        }
      }
    }
  } catch (error) {
    // A fault while reading still lets the writes in flight finish before it is reported.
    await writes.end().catch(() => {});
    throw error;
  }
  await writes.end();
  await requests.flush();
  return 'loaded';
}

/** Checks a slice of rows (rejects counted and collected), then seals and indexes the valid ones at once. */
async function prepareCases(
  deps: RowDeps,
  bank: BankSettings,
  records: readonly FeedRecord[],
  counts: RowCounts,
  sink: Pick<RowSink, 'reject'>,
  firstLines: Map<string, number>,
): Promise<CollectionCase[]> {
  const accounts: AccountSnapshot[] = [];
  // Tomorrow in UTC: the bank's today wherever it is (UTC+14 at the latest), never a day beyond.
  const latestAsOfDay = dayNumber(deps.clock.now().toISOString().slice(0, 10)) + 1;
  for (const { record, line, invalid } of records) {
    counts.read++;
    const parsed =
      invalid === undefined
        ? parseFeedRow(record, bank.defaults, latestAsOfDay)
        : ({ ok: false, rejection: { field: 'row', reason: invalid } } as const);
    const first = parsed.ok ? firstLines.get(parsed.account.accountId) : undefined;
    if (parsed.ok && first === undefined) {
      // A copy of its own: the id is a slice of the decoded chunk, which a kept slice would keep alive.
      firstLines.set(Buffer.from(parsed.account.accountId, 'latin1').toString('latin1'), line);
      accounts.push(parsed.account);
    } else if (parsed.ok) {
      counts.rejected++;
      sink.reject({
        line,
        accountId: parsed.account.accountId,
        field: 'account_id',
        reason: `appears again in this file (first at line ${first})`,
      });
    } else {
      counts.rejected++;
      sink.reject({ line, accountId: safeAccountId(record.account_id), ...parsed.rejection });
    }
  }
  if (accounts.length === 0) return [];
  // Sealing and indexing are pure: done for the whole slice at once.
  const [sealed, index] = await Promise.all([
    deps.vault.sealAll(
      bank.bankId,
      accounts.map((account) => ({ accountId: account.accountId, fields: account.personal })),
    ),
    deps.blindIndex.forBank(bank.bankId),
  ]);
  const now = deps.clock.now().toISOString();
  return accounts.map((account, i) => caseOf(bank, account, sealed[i] as SealedPersonalData, index, now));
}

/** The case a validated row describes, its personal fields sealed and its lookups indexed. */
function caseOf(
  bank: BankSettings,
  account: AccountSnapshot,
  pii: SealedPersonalData,
  index: IndexFunction,
  now: string,
): CollectionCase {
  const cured = account.overdue.amountMinor === 0;
  // Optional attributes are left undefined rather than spread in: the writers skip undefined values, and
  // one object shape for every row keeps this per-row step cheap.
  const { personal } = account;
  return {
    caseId: caseIdOf(bank.bankId, account.accountId),
    bankId: bank.bankId,
    accountId: account.accountId,
    status: cured ? 'closed' : 'open',
    asOf: account.asOf,
    cycle: account.dueDate,
    dueDate: account.dueDate,
    daysPastDue: account.daysPastDue,
    bucket: bucketOf(account.daysPastDue),
    overdue: account.overdue,
    cardLast4: account.cardLast4,
    timeZone: account.timeZone,
    language: account.language,
    flags: account.flags,
    policyPack: bank.policyPack,
    pii,
    masked: {
      name: maskName(personal.name),
      mobile: personal.mobile ? maskPhone(personal.mobile) : undefined,
      email: personal.email ? maskEmail(personal.email) : undefined,
    },
    // parseFeedRow leaves these in their lookup form already (E.164, upper-case X, four digits).
    mobileIndex: personal.mobile === undefined ? undefined : index('mobile', personal.mobile),
    nationalIdIndex: personal.nationalId === undefined ? undefined : index('nationalId', personal.nationalId),
    cardLast4Index: account.cardLast4 === undefined ? undefined : index('cardLast4', account.cardLast4),
    completedSteps: [],
    createdAt: now,
    updatedAt: now,
  };
}

/** Writes one case (stale and replayed rows change nothing); stops, or asks for, its escalation. */
async function writeCase(
  deps: RowDeps,
  collectionCase: CollectionCase,
  counts: RowCounts,
  requests: RequestBuffer,
): Promise<void> {
  const { outcome, previous } = await deps.cases.upsertFromFeed(collectionCase);
  const open = collectionCase.status === 'open';
  if (outcome === 'stale') counts.stale++;
  else if (outcome === 'unchanged') counts.unchanged++;
  else if (!open) counts.cured++;
  else counts[outcome]++;
  const { cycle, caseId } = collectionCase;
  if (outcome === 'stale') return;
  if (!open) {
    // Stopped now rather than at its next wake-up, so nothing is planned for a paid account meanwhile. The
    // running escalation is the stored cycle's: a cure row names its own date as the cycle.
    if (outcome === 'updated' && previous?.status === 'open') {
      await requests.add({ action: 'stop', caseId, cycle: previous.cycle, run: previous.escalationRun ?? 0 });
    }
    return;
  }
  if (outcome === 'created' || (outcome === 'updated' && previous?.cycle !== cycle)) {
    counts.escalationsRequested++;
    await requests.add({ action: 'start', caseId, cycle, run: 0 });
    return;
  }
  if (!previous) return;
  const run = previous.escalationRun ?? 0;
  if (outcome === 'updated' && mayResume(previous, collectionCase)) {
    // Reopened in its cycle, parked by a fault, or paused by a flag this row no longer carries: the next run
    // of the cycle goes on where the ladder stood, under a fresh execution name.
    counts.escalationsRequested++;
    await requests.add({ action: 'resume', caseId, cycle, fromRun: run });
  } else if (
    previous.status === 'open' &&
    (previous.escalationCycle !== cycle || (previous.startedRun ?? 0) < run)
  ) {
    counts.escalationsRequeued++;
    await requests.add({ action: 'start', caseId, cycle, run });
  }
}

/** Whether a newer row of the same cycle restarts an escalation that is not running. */
function mayResume(previous: StoredCaseState, row: CollectionCase): boolean {
  if (previous.status === 'closed') return true;
  if (previous.escalationState === 'parked') return true;
  if (previous.escalationState !== 'paused' || !previous.escalationReason?.startsWith('flag:')) return false;
  // Paused by a feed flag (dispute, hardship …): resumed once the bank's row no longer carries any cease
  // flag and no staff hold stands. Other pauses (holds, agreements) are lifted by whoever set them.
  const cease = policyPack(row.policyPack).ceaseFlags;
  return !row.flags.some((flag) => Object.hasOwn(cease, flag)) && (previous.holds ?? []).length === 0;
}

/** Start requests gathered into the buffer's batches (SQS takes ten a call), sent by whichever write fills one. */
class RequestBuffer {
  private held: EscalationRequest[] = [];

  constructor(private readonly queue: EscalationQueue) {}

  async add(request: EscalationRequest): Promise<void> {
    this.held.push(request);
    if (this.held.length >= 10) await this.queue.enqueue(this.held.splice(0, 10));
  }

  async flush(): Promise<void> {
    while (this.held.length > 0) await this.queue.enqueue(this.held.splice(0, 10));
  }
}
