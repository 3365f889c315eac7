/**
 * Reads a bank feed as a stream of records, whatever its packaging: CSV or JSON Lines, gzipped or not,
 * UTF-8 (BOM or not) or GB18030/GBK, detected from the bytes. File-level faults raise QuarantineError.
 */

import { isAscii, isUtf8 } from 'node:buffer';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createGunzip } from 'node:zlib';
import type { BankSettings } from '../domain/bank';
import { containsCardNumber } from '../domain/card-number';
import type { BankDirectory } from '../ports/bank-directory';
import type { Clock } from '../ports/clock';
import type { FeedStorage } from '../ports/feed-storage';
import { CsvReadError, CsvReader, type CsvRow, MAX_RECORD_CHARS } from './csv-reader';

/** A fault of the whole file: it is quarantined and nothing in it is applied. */
export class QuarantineError extends Error {}

export interface FeedRecord {
  /** Column name (trimmed, lower case) → cell text. */
  readonly record: Record<string, string>;
  /** 1-based line number in the decoded file (the header is line 1 of a CSV). */
  readonly line: number;
}

export type FeedFormat = 'csv' | 'jsonl';

/** How much of the file is read before deciding between UTF-8 and GB18030. */
const SNIFF_BYTES = 64 * 1024;

export function formatOfKey(key: string): FeedFormat | undefined {
  if (/\.csv(\.gz)?$/i.test(key)) return 'csv';
  if (/\.jsonl(\.gz)?$/i.test(key)) return 'jsonl';
  return undefined;
}

/** How a feed file was packaged, as reading it found out. */
export interface FeedPackaging {
  gzipped: boolean;
  /** Undefined while (or when) every byte is ASCII, which reads the same in both. */
  encoding?: 'utf-8' | 'gb18030';
}

/**
 * The records of a feed in file order, in batches (one per chunk read: a yield per row would cost more
 * than reading the row). `packaging` is filled in as the bytes reveal it. With `check`, the file is read
 * through for file-level faults only and no record is yielded.
 */
export async function* feedRecords(
  raw: Readable,
  format: FeedFormat,
  requiredColumns: readonly string[],
  packaging: FeedPackaging = { gzipped: false },
  check = false,
): AsyncGenerator<FeedRecord[]> {
  const text = decodeText(await gunzipIfNeeded(raw, packaging), packaging, format === 'csv');
  if (format === 'jsonl') yield* jsonLines(text, check);
  else yield* csvRows(text, packaging, requiredColumns, check);
}

/** Gunzips when the stream starts with the gzip magic bytes, whatever the file is called. */
async function gunzipIfNeeded(raw: Readable, packaging: FeedPackaging): Promise<Readable> {
  const iterator = raw[Symbol.asyncIterator]();
  // The magic is two bytes and nothing promises a first chunk that long: gather until there are two.
  let head = Buffer.alloc(0);
  let next = await iterator.next();
  while (!next.done) {
    head = Buffer.concat([head, Buffer.from(next.value as Buffer | string)]);
    if (head.length >= 2) break;
    next = await iterator.next();
  }
  if (head.length === 0) return Readable.from([]);
  const rest = Readable.from(
    (async function* () {
      yield head;
      if (next.done) return;
      for (let more = await iterator.next(); !more.done; more = await iterator.next()) yield more.value;
    })(),
  );
  if (head[0] !== 0x1f || head[1] !== 0x8b) return rest;
  packaging.gzipped = true;
  const gunzip = createGunzip();
  rest.on('error', (error) => gunzip.destroy(error));
  gunzip.on('error', () => {});
  return rest.pipe(gunzip).on('error', () => {});
}

/**
 * Decodes bytes to text in the encoding `chooseEncoding` picks from the first 64 KiB from the first non-ASCII
 * byte on (GB18030 is a superset of GBK); bytes invalid in the chosen encoding anywhere quarantine the file.
 * ASCII reads the same in both, so it passes through undecided: a GBK file whose first 64 KiB are Latin
 * names and digits must not be judged UTF-8 on them and then quarantined at its first Chinese name.
 * With `utf8AsBytes` (CSV), UTF-8 is validated but passed on one byte per character (see `utf8Bytes`).
 */
function decodeText(bytes: Readable, packaging: FeedPackaging, utf8AsBytes: boolean): Readable {
  let decoder: ChunkDecoder | undefined;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let asciiPassed = false;
  /** Picks the decoder from what is pending; returns the pending bytes, without a BOM, to decode first. */
  const decide = (): Buffer => {
    let prefix = Buffer.concat(pending);
    pending = [];
    // After ASCII has passed, the decoder starts mid-file, where EF BB BF is a character, not a BOM.
    const encoding = chooseEncoding(prefix, asciiPassed);
    packaging.encoding = encoding;
    if (encoding === 'utf-8' && utf8AsBytes) {
      if (!asciiPassed && prefix[0] === 0xef && prefix[1] === 0xbb && prefix[2] === 0xbf)
        prefix = prefix.subarray(3);
      decoder = utf8Bytes();
    } else decoder = textDecoder(encoding, asciiPassed);
    return prefix;
  };
  const decoding = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        if (!decoder) {
          if (pendingBytes === 0 && isAscii(chunk)) {
            asciiPassed ||= chunk.length > 0;
            return callback(null, chunk.length > 0 ? chunk.toString('latin1') : undefined);
          }
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes < SNIFF_BYTES) return callback();
          chunk = decide();
        }
        const text = decoder?.decode(chunk) ?? '';
        callback(null, text.length > 0 ? text : undefined);
      } catch {
        callback(new QuarantineError('undecodable bytes'));
      }
    },
    flush(callback: TransformCallback) {
      try {
        const rest = decoder ? Buffer.alloc(0) : decide();
        const text = (decoder?.decode(rest) ?? '') + (decoder?.end() ?? '');
        callback(null, text.length > 0 ? text : undefined);
      } catch {
        callback(new QuarantineError('undecodable bytes'));
      }
    },
  });
  bytes.on('error', (error) => decoding.destroy(error));
  return bytes.pipe(decoding);
}

/** Bytes in, text out, in file order; throws on bytes invalid in its encoding. */
interface ChunkDecoder {
  decode(chunk: Buffer): string;
  /** The end of the file: throws if it cuts a character. */
  end(): string;
}

function textDecoder(encoding: 'utf-8' | 'gb18030', ignoreBOM: boolean): ChunkDecoder {
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM });
  return { decode: (chunk) => decoder.decode(chunk, { stream: true }), end: () => decoder.decode() };
}

/**
 * UTF-8, validated, passed on as one latin1 character per byte. Comma, quote, CR and LF never occur inside
 * a multi-byte sequence, so the CSV reader splits these strings exactly as it would the text, then decodes
 * only the fields that hold non-ASCII bytes. Decoding whole chunks made every field of a row with a Chinese
 * name a two-byte string, and everything downstream (checks, sealing, hashing, marshalling) slower.
 */
function utf8Bytes(): ChunkDecoder {
  let tail: Buffer | undefined;
  return {
    decode(chunk) {
      const bytes = tail ? Buffer.concat([tail, chunk]) : chunk;
      const whole = wholeCharacters(bytes);
      const head = bytes.subarray(0, whole);
      if (!isUtf8(head)) throw new QuarantineError('undecodable bytes');
      tail = whole < bytes.length ? Buffer.from(bytes.subarray(whole)) : undefined;
      return head.toString('latin1');
    },
    end() {
      if (tail) throw new QuarantineError('undecodable bytes');
      return '';
    },
  };
}

/** How many leading bytes end on a character boundary: a sequence cut by the chunk's end waits for the next. */
function wholeCharacters(bytes: Uint8Array): number {
  const length = bytes.length;
  for (let back = 1; back <= 3 && back <= length; back++) {
    const byte = bytes[length - back] as number;
    if (byte < 0x80) return length;
    if (byte >= 0xc0) {
      const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return needs > back ? length - back : length;
    }
  }
  return length;
}

/**
 * Picks UTF-8 or GB18030 for the bytes of the sniff window. Bytes invalid as UTF-8 are GB18030; bytes
 * invalid as GB18030 are UTF-8. Bytes valid as both are common when the non-ASCII text is short: 平 in GBK
 * (C6 BD) is also the UTF-8 of ƽ, 茅 (C3 A9) that of é. Then the UTF-8 reading wins only if it looks like
 * text: any character beyond U+07FF (CJK and the like, which GBK bytes almost never form), or only letters
 * of Latin, Greek or Cyrillic that stand beside another letter of their script, as in José or Дмитрий.
 * A lone é between commas, or ƽ, is how GBK Chinese reads as UTF-8, and the file is read as GB18030.
 */
export function chooseEncoding(prefix: Uint8Array, ignoreBOM = false): 'utf-8' | 'gb18030' {
  const options = { fatal: true, ignoreBOM };
  let asUtf8: string;
  try {
    asUtf8 = new TextDecoder('utf-8', options).decode(prefix, { stream: true });
  } catch {
    return 'gb18030';
  }
  // Valid UTF-8 that reads as text is UTF-8 whether or not the bytes are also valid GB18030: the second
  // decoding is needed only for the rest.
  if (looksLikeUtf8Text(asUtf8)) return 'utf-8';
  try {
    new TextDecoder('gb18030', options).decode(prefix, { stream: true });
  } catch {
    return 'utf-8';
  }
  return 'gb18030';
}

type Script = 'latin' | 'greek' | 'cyrillic';

/** The script of a letter a name in a feed plausibly holds, or undefined for anything else. */
function scriptOf(code: number | undefined): Script | undefined {
  if (code === undefined) return undefined;
  if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) return 'latin';
  if (code >= 0xc0 && code <= 0x17f && code !== 0xd7 && code !== 0xf7) return 'latin';
  if (code >= 0x386 && code <= 0x3ce) return 'greek';
  if (code >= 0x400 && code <= 0x45f) return 'cyrillic';
  return undefined;
}

function looksLikeUtf8Text(text: string): boolean {
  // Beyond U+07FF (surrogate halves included): the common case, Chinese, decided without a code point list.
  if (/[\u0800-\uffff]/.test(text)) return true;
  const codes = Array.from(text, (char) => char.codePointAt(0) ?? 0);
  return codes.every((code, i) => {
    if (code < 0x80) return true;
    const script = scriptOf(code);
    return script !== undefined && (scriptOf(codes[i - 1]) === script || scriptOf(codes[i + 1]) === script);
  });
}

async function* csvRows(
  text: Readable,
  packaging: FeedPackaging,
  requiredColumns: readonly string[],
  check: boolean,
): AsyncGenerator<FeedRecord[]> {
  const reader = new CsvReader(check);
  let names: string[] | undefined;
  const header = (fields: readonly string[]): string[] => {
    const found = fields.map((name) => name.trim().toLowerCase());
    const missing = requiredColumns.filter((column) => !found.includes(column));
    if (missing.length > 0) throw new QuarantineError(`missing required column(s): ${missing.join(', ')}`);
    const repeated = found.filter((name, i) => name !== '' && found.indexOf(name) !== i);
    // Only names shaped like column names are quoted back: a header row of data may hold anything.
    if (repeated.length > 0) {
      const shown = new Set(repeated.map((name) => (/^[a-z_]{1,40}$/.test(name) ? name : '(not shown)')));
      throw new QuarantineError(`repeated column(s): ${[...shown].join(', ')}`);
    }
    return found;
  };
  const batchOf = (rows: readonly CsvRow[]): FeedRecord[] => {
    const batch: FeedRecord[] = [];
    for (const row of rows) {
      if (!names) names = header(row.fields);
      else if (!check) batch.push(recordOf(names, row));
    }
    return batch;
  };
  try {
    for await (const chunk of text) {
      // Set before the first non-ASCII text arrives: the encoding is chosen before any is passed on.
      if (packaging.encoding === 'utf-8') reader.readUtf8Bytes();
      const batch = batchOf(reader.push(chunk as string));
      if (batch.length > 0) yield batch;
    }
    const last = batchOf(reader.end());
    if (last.length > 0) yield last;
  } catch (error) {
    throw asQuarantine(error);
  }
  if (!names) throw new QuarantineError('no header row');
}

/** A data row keyed by header name; a row whose field count differs from the header's is rejected. */
function recordOf(names: readonly string[], row: CsvRow): FeedRecord {
  const { fields, line } = row;
  let count = fields.length;
  // Trailing empty fields (a spreadsheet's stray commas) are not data.
  while (count > names.length && fields[count - 1] === '') count--;
  const record: Record<string, string> = {};
  if (count !== names.length) {
    const at = names.indexOf('account_id');
    if (at >= 0 && at < count) record.account_id = fields[at] ?? '';
    record.__invalid = `has ${count} fields, the header ${names.length}`;
    return { record, line };
  }
  for (let i = 0; i < count; i++) {
    const name = names[i];
    if (name) record[name] = fields[i] ?? '';
  }
  return { record, line };
}

async function* jsonLines(text: Readable, check: boolean): AsyncGenerator<FeedRecord[]> {
  let rest = '';
  let line = 0;
  const batchOf = (lines: readonly string[]): FeedRecord[] => {
    const batch: FeedRecord[] = [];
    for (const content of lines) {
      line++;
      if (check || content.trim() === '') continue;
      batch.push({ record: jsonRecord(content.endsWith('\r') ? content.slice(0, -1) : content), line });
    }
    return batch;
  };
  try {
    // Lines end at LF (CRLF included), as JSON Lines defines them.
    for await (const chunk of text) {
      const buffered = rest + (chunk as string);
      const cut = buffered.lastIndexOf('\n');
      if (cut === -1) {
        rest = buffered;
        if (rest.length > MAX_RECORD_CHARS)
          throw new QuarantineError(`line ${line + 1} is longer than ${MAX_RECORD_CHARS} characters`);
        continue;
      }
      rest = buffered.slice(cut + 1);
      const batch = batchOf(buffered.slice(0, cut).split('\n'));
      if (batch.length > 0) yield batch;
    }
    const last = rest === '' ? [] : batchOf([rest]);
    if (last.length > 0) yield last;
  } catch (error) {
    throw asQuarantine(error);
  }
}

/** One JSON Lines row as a record; a line that is not a JSON object becomes a record the row check rejects. */
function jsonRecord(content: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return { __invalid: 'not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { __invalid: 'not a JSON object' };
  const record: Record<string, string> = {};
  for (const [name, cell] of Object.entries(value)) {
    if (cell === null || cell === undefined) continue;
    record[name.trim().toLowerCase()] = typeof cell === 'object' ? JSON.stringify(cell) : String(cell);
  }
  return record;
}

function asQuarantine(error: unknown): QuarantineError {
  if (error instanceof QuarantineError) return error;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof QuarantineError) return cause;
  // CsvReader messages name a line, never the data.
  if (error instanceof CsvReadError) return new QuarantineError(`unreadable CSV: ${error.message}`);
  // zlib's codes name the fault without quoting data; any other error (storage, network) is no fault
  // of the file and propagates, so that the invocation is retried.
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('Z_'))
    return new QuarantineError(`not a valid gzip file: ${code}`);
  throw error;
}

export interface RowReject {
  readonly line: number;
  readonly accountId: string;
  readonly field: string;
  readonly reason: string;
}

/** Account ids go into the rejects file only when they look like ids, so a misplaced name never does. */
export function safeAccountId(value: string | undefined): string {
  const id = value?.trim() ?? '';
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) && !containsCardNumber(id) ? id : '';
}

export function rejectsCsv(rejects: readonly RowReject[]): string {
  const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const lines = rejects.map((r) => [String(r.line), r.accountId, r.field, r.reason].map(quote).join(','));
  return `${['line,account_id,field,reason', ...lines].join('\n')}\n`;
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
