/**
 * The life of one feed file, the same for every feed: a redelivered event loads nothing; the bank comes from
 * the key; a file-level fault quarantines the file; progress is checkpointed, so that a run out of time (or
 * killed) continues where it stopped; the report and rejects are written once, at the end.
 *
 * Where things are, for a file `incoming/<bank>/<name>` of version V (`tag` = a digest of V):
 * - `reports/<key>.json`, `rejects/<key>.csv`: the outputs, written when the file is done;
 * - `feed-loads/<key>/<tag>/checkpoint.json`: rows done, counts so far, rejects parts written, time spent;
 * - `feed-loads/<key>/<tag>/rejects/<n>.csv`: rejects in parts (no header), joined into the rejects file
 *   at the end, so that a file of a million bad rows never holds its rejects in memory;
 * - `feed-loads/<key>/<tag>/manifest.json`: a large file's segments, for a Distributed Map run.
 * None of them holds personal data: ids, counts, line numbers, byte offsets and reasons only.
 */

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BankSettings } from '../domain/bank';
import type { BankDirectory } from '../ports/bank-directory';
import type { Clock } from '../ports/clock';
import type { FeedStorage } from '../ports/feed-storage';
import type { Stopwatch, TimeBudget } from '../ports/stopwatch';
import type { FeedContinuation } from '../ports/workflow';
import type { FeedPackaging } from './decoding';
import { QuarantineError } from './quarantine';
import { type FeedRecord, feedRecords, formatOfKey, type ReadOptions } from './records';
import { REJECTS_HEADER, type RowReject, rejectLines } from './rejects';

export interface FeedFileDeps {
  readonly storage: FeedStorage;
  readonly banks: BankDirectory;
  readonly clock: Clock;
  /** Real time, for `durationMs` and the time budget (the business clock may be virtual). */
  readonly stopwatch: Stopwatch;
  /** How a run that is out of time hands its file to the next invocation; without it a run never stops early. */
  readonly continuation?: FeedContinuation;
  /** Rows between checkpoints (CHECKPOINT_ROWS unless a test wants them closer). */
  readonly checkpointRows?: number;
}

export interface FeedFileInput {
  readonly key: string;
  /** S3 version id or ETag: identifies this upload; a redelivered event for it loads nothing. */
  readonly version?: string;
  /** The S3 version id to read, when the bucket is versioned. */
  readonly versionId?: string;
  readonly size?: number;
  /** This invocation's time left; without it the file is read to its end. */
  readonly budget?: TimeBudget;
}

/** What every feed report says about its file, whatever the feed. */
export interface FileReport {
  readonly key: string;
  /** The S3 version (or ETag) of the file this report is about: a redelivered event for it loads nothing. */
  readonly sourceVersion?: string;
  readonly bankId: string;
  quarantined: boolean;
  quarantineReason?: string;
  /** Real time spent loading the file, across invocations. */
  durationMs: number;
  /** Set on the answer of a run that stopped for time: the next invocation continues; no report is written yet. */
  continues?: boolean;
  /** Set when the file went to a Distributed Map run, whose last step writes the report. */
  handedOver?: boolean;
}

/** Rows between checkpoints: a few seconds of writes, so that a continuation repeats little. */
export const CHECKPOINT_ROWS = 20_000;
/** Time kept in hand when a run stops for time: enough to finish the writes in flight and hand over. */
export const HAND_OVER_MARGIN_MS = 60_000;

/** What a run of a file has come to. */
export type LoadResult = 'loaded' | 'stopped' | 'handed-over';

/** One invocation's work on one file: what the loader reads, counts, rejects and checkpoints. */
export interface FeedRun<C> {
  readonly bank: BankSettings;
  readonly key: string;
  readonly input: FeedFileInput;
  /** The counts so far (those of earlier invocations included). */
  readonly counts: C;
  /** True when an earlier invocation already checked the file and applied `rowsDone` rows. */
  readonly resumed: boolean;
  readonly rowsDone: number;
  /** Rows the loader applies between two checkpoints. */
  readonly checkpointRows: number;
  /** Where this version's working objects live: `feed-loads/<key>/<tag>`. */
  readonly workPrefix: string;
  reject(reject: RowReject): void;
  /** True when the invocation's time is short: the loader should reach a checkpoint now. */
  timeShort(): boolean;
  /**
   * Records that every row up to `rowsDone` is applied (writes drained). Returns 'stop' when the invocation
   * must end here; the next one continues after those rows.
   */
  checkpoint(rowsDone: number): Promise<'go-on' | 'stop'>;
  /** Marks the file as handed to a Distributed Map run, so a redelivered event does not hand it over again. */
  markHandedOver(): Promise<void>;
}

interface Checkpoint<C> {
  readonly sourceVersion: string;
  readonly rowsDone: number;
  readonly counts: C;
  readonly rejectParts: number;
  readonly elapsedMs: number;
  readonly handedOver?: boolean;
}

const S3_MAX_KEY_BYTES = 1024;
/** `reports/<key>.json` */
const REPORT_KEY_EXTRA_BYTES = 'reports/'.length + '.json'.length;
/**
 * The longest feed key intake loads: its work files (`feed-loads/<key>/<16-hex tag>/rejects/seg-000000.csv`,
 * 51 bytes more) must fit S3's 1,024 bytes. A longer one is quarantined (its report still fits).
 */
export const MAX_FEED_KEY_BYTES = 960;

/** A key so long that not even its report fits in S3: nothing can be written for it. */
export class FeedKeyTooLongError extends Error {
  override readonly name = 'FeedKeyTooLongError';
  constructor(keyBytes: number) {
    super(`feed key of ${keyBytes} bytes: no report fits under reports/`);
  }
}

/**
 * Runs `load` on one file: answers a redelivered event with the report already written, resolves the bank
 * from `<prefix>/<bankId>/<name>`, restores a checkpoint, turns a QuarantineError into a quarantined report,
 * and writes the report and rejects when the file is done — or hands it to the next invocation.
 */
export async function processFeedFile<C extends object, R extends FileReport & C>(
  deps: FeedFileDeps,
  input: FeedFileInput,
  prefix: 'incoming' | 'payments',
  emptyCounts: C,
  load: (run: FeedRun<C>) => Promise<LoadResult>,
): Promise<R> {
  const started = deps.stopwatch.readMs();
  const { key, version } = input;
  const keyBytes = Buffer.byteLength(key, 'utf8');
  // Not even a report fits under reports/: the message fails (to the DLQ, alarmed) with this error's name.
  if (keyBytes + REPORT_KEY_EXTRA_BYTES > S3_MAX_KEY_BYTES) throw new FeedKeyTooLongError(keyBytes);
  const already = await reportOfVersion<R>(deps.storage, key, version);
  if (already) return already;
  const keyTooLong = keyBytes > MAX_FEED_KEY_BYTES;
  const bankId = new RegExp(`^${prefix}/([a-z0-9-]{2,32})/[^/]+$`).exec(key)?.[1] ?? '';
  const workPrefix = `feed-loads/${key}/${versionTag(version)}`;
  const saved =
    version && !keyTooLong ? await readCheckpoint<C>(deps.storage, workPrefix, version) : undefined;
  const counts = saved ? { ...emptyCounts, ...saved.counts } : emptyCounts;
  const report = {
    key,
    ...(version ? { sourceVersion: version } : {}),
    bankId,
    ...counts,
    quarantined: false,
    durationMs: 0,
  } as R;
  if (saved?.handedOver) return { ...report, handedOver: true };
  const rejects = new RejectsWriter(deps.storage, `${workPrefix}/rejects`, saved?.rejectParts ?? 0);
  const elapsed = () => (saved?.elapsedMs ?? 0) + Math.round(deps.stopwatch.readMs() - started);
  let result: LoadResult = 'loaded';
  try {
    if (keyTooLong) {
      throw new QuarantineError(
        `the file name is too long: the key is ${keyBytes} bytes, at most ${MAX_FEED_KEY_BYTES} (UTF-8)`,
      );
    }
    const bank = deps.banks.get(bankId);
    if (!bank)
      throw new QuarantineError(bankId ? `unknown bank ${bankId}` : `key is not ${prefix}/<bankId>/<name>`);
    const save = async (checkpoint: Omit<Checkpoint<C>, 'sourceVersion' | 'elapsedMs' | 'rejectParts'>) => {
      // Rejects go out at every checkpoint, so at most CHECKPOINT_ROWS of them are ever held.
      const parts = await rejects.flushPart();
      if (!version) return;
      const body: Checkpoint<C> = {
        sourceVersion: version,
        ...checkpoint,
        rejectParts: parts,
        elapsedMs: elapsed(),
      };
      await deps.storage.put(`${workPrefix}/checkpoint.json`, JSON.stringify(body), 'application/json');
    };
    const budget = input.budget;
    const timeShort = () =>
      deps.continuation !== undefined && budget !== undefined && budget.remainingMs() < HAND_OVER_MARGIN_MS;
    const run: FeedRun<C> = {
      bank,
      key,
      input,
      counts: report,
      resumed: saved !== undefined,
      rowsDone: saved?.rowsDone ?? 0,
      checkpointRows: deps.checkpointRows ?? CHECKPOINT_ROWS,
      workPrefix,
      reject: (reject) => rejects.add(reject),
      timeShort,
      checkpoint: async (rowsDone) => {
        await save({ rowsDone, counts: countsOf(report, emptyCounts) });
        // Without a version there is no checkpoint to continue from: such a run goes on to the end.
        return version && timeShort() ? 'stop' : 'go-on';
      },
      markHandedOver: () => save({ rowsDone: 0, counts: countsOf(report, emptyCounts), handedOver: true }),
    };
    result = await load(run);
  } catch (error) {
    if (!(error instanceof QuarantineError)) throw error;
    report.quarantined = true;
    report.quarantineReason = error.message;
    rejects.discard();
  }
  report.durationMs = elapsed();
  if (result === 'handed-over') return { ...report, handedOver: true };
  if (result === 'stopped') {
    await deps.continuation?.continueLater({
      key,
      version: version ?? '',
      ...(input.versionId ? { versionId: input.versionId } : {}),
      ...(input.size !== undefined ? { size: input.size } : {}),
    });
    return { ...report, continues: true };
  }
  await rejects.writeFile(`rejects/${key}.csv`);
  await deps.storage.put(`reports/${key}.json`, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
  return report;
}

/**
 * The records of a file for one run: read through once first (`check`) unless an earlier run did, so that a
 * fault anywhere in the file (bytes in no supported encoding, a quote left open on the last line)
 * quarantines it before any row is applied; on a resumed run, the rows already done are skipped.
 */
export async function* runRecords(
  storage: FeedStorage,
  run: Pick<FeedRun<unknown>, 'key' | 'input' | 'resumed' | 'rowsDone'>,
  requiredColumns: readonly string[],
  checked = false,
): AsyncGenerator<FeedRecord[]> {
  if (!run.resumed && !checked)
    await assertFeedReadable(storage, run.key, requiredColumns, run.input.versionId);
  const format = formatOfKey(run.key);
  if (!format) return;
  const raw = await storage.open(run.key, run.input.versionId ? { versionId: run.input.versionId } : {});
  let skip = run.rowsDone;
  for await (const batch of feedRecords(raw, format, requiredColumns)) {
    if (skip >= batch.length) {
      skip -= batch.length;
      continue;
    }
    yield skip > 0 ? batch.slice(skip) : batch;
    skip = 0;
  }
}

/** Reads a feed through once without applying anything: a file-level fault raises QuarantineError. */
export async function assertFeedReadable(
  storage: FeedStorage,
  key: string,
  requiredColumns: readonly string[],
  versionId?: string,
  options: Pick<ReadOptions, 'onBytes'> = {},
): Promise<FeedPackaging> {
  const format = formatOfKey(key);
  if (!format) throw new QuarantineError('not a .csv, .csv.gz, .jsonl or .jsonl.gz file');
  const packaging: FeedPackaging = { gzipped: false };
  const raw = await storage.open(key, versionId ? { versionId } : {});
  for await (const _ of feedRecords(raw, format, requiredColumns, { ...options, packaging, check: true })) {
    // Reading is the check.
  }
  return packaging;
}

/**
 * Collects rejects and writes them out in parts once there are many; at the end joins the parts (or writes
 * the few held) into one rejects file, streamed.
 */
export class RejectsWriter {
  private held: RowReject[] = [];

  constructor(
    private readonly storage: FeedStorage,
    private readonly partPrefix: string,
    private parts: number,
  ) {}

  /** Holds a reject until the next checkpoint writes it out (checkpoints come every CHECKPOINT_ROWS rows). */
  add(reject: RowReject): void {
    this.held.push(reject);
  }

  /** Writes the rejects held as the next part; returns the number of parts written. */
  async flushPart(): Promise<number> {
    if (this.held.length === 0) return this.parts;
    const part = this.held;
    this.held = [];
    const index = this.parts++;
    await this.storage.put(this.partKey(index), rejectLines(part), 'text/csv');
    return this.parts;
  }

  discard(): void {
    this.held = [];
    this.parts = 0;
  }

  async writeFile(key: string): Promise<void> {
    if (this.parts === 0) {
      await this.storage.put(key, REJECTS_HEADER + rejectLines(this.held), 'text/csv');
      return;
    }
    await this.flushPart();
    await writeJoinedRejects(
      this.storage,
      key,
      Array.from({ length: this.parts }, (_, i) => this.partKey(i)),
    );
  }

  private partKey(index: number): string {
    return `${this.partPrefix}/${String(index).padStart(6, '0')}.csv`;
  }
}

/** Writes a rejects file from parts in order (each without header), streamed: only one part is held at once. */
export async function writeJoinedRejects(
  storage: FeedStorage,
  key: string,
  partKeys: readonly string[],
): Promise<void> {
  const body = Readable.from(
    (async function* () {
      yield REJECTS_HEADER;
      for (const partKey of partKeys) {
        const text = await storage.readText(partKey);
        if (text === undefined) throw new Error(`a rejects part is missing: ${partKey}`);
        if (text.length > 0) yield text;
      }
    })(),
  );
  await storage.putStream(key, body, 'text/csv');
}

/** A short digest of the version, so that any version id or ETag makes a plain key segment. */
export function versionTag(version: string | undefined): string {
  return version ? createHash('sha256').update(version).digest('hex').slice(0, 16) : 'unversioned';
}

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

async function readCheckpoint<C>(
  storage: FeedStorage,
  workPrefix: string,
  version: string,
): Promise<Checkpoint<C> | undefined> {
  const text = await storage.readText(`${workPrefix}/checkpoint.json`);
  if (text === undefined) return undefined;
  const checkpoint = JSON.parse(text) as Checkpoint<C>;
  return checkpoint.sourceVersion === version ? checkpoint : undefined;
}

/** The counts of a report, as a checkpoint keeps them. */
function countsOf<C extends object>(report: C, emptyCounts: C): C {
  const counts = {} as Record<string, unknown>;
  for (const name of Object.keys(emptyCounts)) counts[name] = (report as Record<string, unknown>)[name];
  return counts as C;
}
