/**
 * Loads one overdue feed dropped by a bank into the case store and opens escalations.
 * Input: the object key (`incoming/<bankId>/<name>.csv`). Output: the feed report.
 * 1. Resolve the bank from the key; an unknown bank quarantines the file and applies nothing.
 * 2. Stream the CSV; a header missing a required column quarantines the file.
 * 3. Validate each row against the feed contract; a bad row is rejected with line, field and reason.
 * 4. Seal the personal fields, write the case (stale and replayed rows change nothing).
 * 5. Start the escalation of each open case under a name derived from account and cycle (idempotent).
 * 6. Write `reports/<key>.json` and `rejects/<key>.csv` (no personal data in either).
 */

import type { BankSettings } from '../domain/bank';
import {
  type CollectionCase,
  caseIdOf,
  escalationName,
  type SealedPersonalData,
} from '../domain/collection-case';
import { bucketOf } from '../domain/delinquency';
import { type AccountSnapshot, parseFeedRow } from '../domain/feed-row';
import { maskEmail, maskName, maskPhone } from '../domain/masking';
import {
  assertFeedReadable,
  checkedFeedRecords,
  type FileReport,
  processFeedFile,
  storedFeedRecords,
} from '../feeds/feed-file';
import type { FeedRecord } from '../feeds/records';
import { type RowReject, safeAccountId } from '../feeds/rejects';
import type { BankDirectory } from '../ports/bank-directory';
import type { BlindIndex, IndexFunction } from '../ports/blind-index';
import type { CaseStore } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { FeedStorage } from '../ports/feed-storage';
import type { PiiVault } from '../ports/pii-vault';
import type { EscalationStarter, EscalationStopper, FeedLoadStarter } from '../ports/workflow';
import { WorkQueue } from './work-queue';

export type { RowReject };

export interface IngestFeedDeps {
  readonly storage: FeedStorage;
  readonly cases: CaseStore;
  readonly vault: PiiVault;
  readonly blindIndex: BlindIndex;
  readonly escalations: EscalationStarter & EscalationStopper;
  /** In AWS: files above the threshold are loaded by a Distributed Map run instead of this invocation. */
  readonly largeFeeds?: { readonly thresholdBytes: number; readonly loader: FeedLoadStarter };
  readonly banks: BankDirectory;
  readonly clock: Clock;
}

export interface FeedReport extends FileReport {
  read: number;
  created: number;
  updated: number;
  cured: number;
  stale: number;
  unchanged: number;
  rejected: number;
  escalationsStarted: number;
  /** Set when the file went to a Distributed Map run, whose last step writes the final report. */
  handedOver?: boolean;
}

const ROW_CONCURRENCY = 16;
/** Rows checked and sealed together: enough to share the waits, few enough to keep little alive. */
const PREPARE_ROWS = 128;
/** Cases waiting for a write slot before the reader waits. */
const WRITE_BACKLOG = 128;
const REQUIRED_COLUMNS = ['account_id', 'as_of', 'customer_name'] as const;

export async function ingestFeed(
  deps: IngestFeedDeps,
  input: { key: string; version?: string; size?: number },
): Promise<FeedReport> {
  return processFeedFile<FeedReport>(
    deps,
    input,
    'incoming',
    emptyRowCounts(),
    async (bank, report, rejects) => {
      const large = deps.largeFeeds;
      // The Distributed Map's CSV reader reads plain UTF-8 CSV; anything else streams here whatever its size.
      let checked = false;
      if (large && (input.size ?? 0) > large.thresholdBytes && /\.csv$/i.test(input.key)) {
        // Read through once first, so that a file-level fault still quarantines the file before any row,
        // and so that the encoding is known from the whole file: a GBK file whose first megabytes are ASCII
        // must not be handed to a reader that takes it for UTF-8.
        const packaging = await assertFeedReadable(deps.storage, input.key, REQUIRED_COLUMNS);
        checked = true;
        if (!packaging.gzipped && packaging.encoding !== 'gb18030') {
          await large.loader.startFeedLoad({
            key: input.key,
            bankId: bank.bankId,
            ...(input.version ? { version: input.version } : {}),
            startedAt: deps.clock.now().toISOString(),
          });
          report.handedOver = true;
          return 'handed-over';
        }
      }
      await loadRows(deps, bank, input.key, report, rejects, checked);
      return 'loaded';
    },
  );
}

/** The counts a batch of overdue rows adds to its file's report. */
export type RowCounts = Omit<FeedReport, keyof FileReport | 'handedOver'>;

export function emptyRowCounts(): RowCounts {
  return {
    read: 0,
    created: 0,
    updated: 0,
    cured: 0,
    stale: 0,
    unchanged: 0,
    rejected: 0,
    escalationsStarted: 0,
  };
}

/** What applying rows needs: everything intake needs but the bucket and the bank list. */
export type RowDeps = Omit<IngestFeedDeps, 'storage' | 'banks'>;

async function loadRows(
  deps: IngestFeedDeps,
  bank: BankSettings,
  key: string,
  report: FeedReport,
  rejects: RowReject[],
  alreadyChecked: boolean,
): Promise<void> {
  const read = alreadyChecked ? storedFeedRecords : checkedFeedRecords;
  await applyFeedRows(deps, bank, read(deps.storage, key, REQUIRED_COLUMNS), report, rejects);
}

/**
 * Validates and applies rows of an overdue feed, counting outcomes into `counts` and collecting rejects:
 * the one row loop, used for a whole file streamed here and for each batch of a Distributed Map run.
 */
export async function applyFeedRows(
  deps: RowDeps,
  bank: BankSettings,
  batches: AsyncIterable<readonly FeedRecord[]> | Iterable<readonly FeedRecord[]>,
  counts: RowCounts,
  rejects: RowReject[],
): Promise<void> {
  // Rows are prepared (checked, sealed, indexed) a slice at a time and queued for writing; the writes run
  // ROW_CONCURRENCY at a time while the next slice is prepared. Small slices keep few objects alive, which
  // is most of what garbage collection costs here. Writes may land out of order: the conditional write on
  // `asOf` makes the stored result independent of the order in which rows for one account land.
  const writes = new WorkQueue<CollectionCase>(
    (collectionCase) => writeCase(deps, bank, collectionCase, counts),
    ROW_CONCURRENCY,
    WRITE_BACKLOG,
  );
  try {
    for await (const batch of batches) {
      for (let at = 0; at < batch.length; at += PREPARE_ROWS) {
        const cases = await prepareCases(deps, bank, batch.slice(at, at + PREPARE_ROWS), counts, rejects);
        if (cases.length > 0) await writes.add(cases);
      }
    }
  } catch (error) {
    // A fault while reading still lets the writes in flight finish before it is reported.
    await writes.end().catch(() => {});
    throw error;
  }
  await writes.end();
}

/** Checks a slice of rows (rejects counted and collected), then seals and indexes the valid ones at once. */
async function prepareCases(
  deps: RowDeps,
  bank: BankSettings,
  records: readonly FeedRecord[],
  counts: RowCounts,
  rejects: RowReject[],
): Promise<CollectionCase[]> {
  const accounts: AccountSnapshot[] = [];
  for (const { record, line, invalid } of records) {
    counts.read++;
    const parsed =
      invalid === undefined
        ? parseFeedRow(record, bank.defaults)
        : ({ ok: false, rejection: { field: 'row', reason: invalid } } as const);
    if (parsed.ok) accounts.push(parsed.account);
    else {
      counts.rejected++;
      rejects.push({ line, accountId: safeAccountId(record.account_id), ...parsed.rejection });
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

/** Writes one case (stale and replayed rows change nothing) and starts or stops its escalation. */
async function writeCase(
  deps: RowDeps,
  bank: BankSettings,
  collectionCase: CollectionCase,
  report: RowCounts,
): Promise<void> {
  const cured = collectionCase.status === 'closed';
  // A cure row may name another cycle than the running escalation's (0 days past due puts it at as_of):
  // read the stored cycle first, so that the escalation actually running is the one stopped.
  const before = cured ? await deps.cases.get(collectionCase.caseId) : undefined;
  const outcome = await deps.cases.upsertFromFeed(collectionCase);
  if (outcome === 'stale') {
    report.stale++;
    return;
  }
  if (outcome === 'unchanged') report.unchanged++;
  else if (cured) report.cured++;
  else report[outcome]++;
  const { accountId } = collectionCase;
  const name = escalationName(bank.bankId, accountId, collectionCase.cycle);
  if (cured) {
    // Stopped now rather than at its next wake-up, so nothing is planned for a paid account meanwhile.
    if (outcome !== 'unchanged') await deps.escalations.stopEscalation(name);
    if (outcome === 'updated' && before && before.cycle !== collectionCase.cycle) {
      await deps.escalations.stopEscalation(escalationName(bank.bankId, accountId, before.cycle));
    }
    return;
  }
  // Started on every non-stale row, not only on creation: a crash between the write and the start
  // is healed by the redelivery, and a second start of the same execution name is harmless.
  if (await deps.escalations.start(name, { caseId: collectionCase.caseId, cycle: collectionCase.cycle })) {
    report.escalationsStarted++;
  }
}
