/** A feed's records, whatever its packaging: CSV or JSON Lines, keyed by column name, each with its line. */

import { type Readable, Transform } from 'node:stream';
import { CsvReader, type CsvRow, MAX_RECORD_CHARS } from './csv-reader';
import { decodeText, type FeedPackaging, gunzipIfNeeded } from './decoding';
import { asQuarantine, QuarantineError } from './quarantine';

export interface FeedRecord {
  /** Column name (trimmed, lower case) → cell text. */
  readonly record: Record<string, string>;
  /** 1-based line number in the decoded file (the header is line 1 of a CSV). */
  readonly line: number;
}

export type FeedFormat = 'csv' | 'jsonl';

export function formatOfKey(key: string): FeedFormat | undefined {
  if (/\.csv(\.gz)?$/i.test(key)) return 'csv';
  if (/\.jsonl(\.gz)?$/i.test(key)) return 'jsonl';
  return undefined;
}

export interface ReadOptions {
  /** Filled in as the bytes reveal it; an `encoding` set beforehand is used as it is (see `presetEncoding`). */
  readonly packaging?: FeedPackaging;
  /** The encoding a whole-file check found: for reading a segment as the whole file was read. */
  readonly presetEncoding?: 'utf-8' | 'gb18030';
  /** Read through for file-level faults only: no record is yielded. */
  readonly check?: boolean;
  /** Added to every line number: a segment read after the header starts deep in the file. */
  readonly lineOffset?: number;
  /** Sees the raw (gunzipped) bytes as they pass, e.g. to cut the file into segments. */
  readonly onBytes?: (bytes: Buffer) => void;
}

/**
 * The records of a feed in file order, in batches (one per chunk read: a yield per row would cost more
 * than reading the row).
 */
export async function* feedRecords(
  raw: Readable,
  format: FeedFormat,
  requiredColumns: readonly string[],
  options: ReadOptions = {},
): AsyncGenerator<FeedRecord[]> {
  const { packaging = { gzipped: false }, check = false, lineOffset = 0, onBytes } = options;
  let bytes = await gunzipIfNeeded(raw, packaging);
  if (onBytes) {
    const source = bytes;
    bytes = source.pipe(tap(onBytes));
    source.on('error', (error) => bytes.destroy(error));
  }
  const text = decodeText(bytes, packaging, format === 'csv', options.presetEncoding);
  const records =
    format === 'jsonl' ? jsonLines(text, check) : csvRows(text, packaging, requiredColumns, check);
  if (lineOffset === 0) {
    yield* records;
    return;
  }
  for await (const batch of records) {
    yield batch.map(({ record, line }) => ({ record, line: line + lineOffset }));
  }
}

/** Passes bytes through unchanged, showing each chunk to `see` first. */
function tap(see: (bytes: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      see(chunk);
      callback(null, chunk);
    },
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
