/** A feed's records, whatever its packaging: CSV or JSON Lines, keyed by column name, each with its line. */

import { type Readable, Transform } from 'node:stream';
import { containsCardNumber } from '../domain/card-number';
import { shownColumnName } from '../domain/feed-row';
import { CsvReader, type CsvRow, MAX_RECORD_CHARS } from './csv-reader';
import { decodeText, type FeedPackaging, gunzipIfNeeded, MAX_GUNZIPPED_BYTES } from './decoding';
import { asQuarantine, QuarantineError } from './quarantine';

export interface FeedRecord {
  /**
   * Column name (trimmed, lower case) → cell text, each an own property: any name a bank writes
   * (`__proto__`, `constructor`, `__invalid`) is a cell like the others. Build with `setCell`.
   */
  readonly record: Record<string, string>;
  /** 1-based line number in the decoded file (the header is line 1 of a CSV). */
  readonly line: number;
  /**
   * Why the row as a whole is rejected (field `row`) before its cells are checked: kept beside the
   * cells, never among them, so that no column can pose as it. The reason names no data.
   */
  readonly invalid?: string;
}

/**
 * Sets a cell. Records are plain objects, not `Object.create(null)`: they are read field by field for every
 * row, and V8 keeps a null-prototype object as a dictionary (7% of intake's CPU in npm run bench). The one
 * name a plain object would not keep as a cell is `__proto__` (an assignment sets the prototype): it is
 * defined as an own property instead, so it is screened and rejected like any other column. Nothing a feed
 * names reaches Object.prototype, and Object.prototype has nothing enumerable for a `for…in` to meet.
 */
export function setCell(record: Record<string, string>, name: string, cell: string): void {
  if (name === '__proto__') {
    Object.defineProperty(record, name, {
      value: cell,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else record[name] = cell;
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
  /** How far a gzip may inflate (MAX_GUNZIPPED_BYTES unless a test wants less). */
  readonly maxGunzippedBytes?: number;
}

/**
 * The records of a feed in file order, in batches (one per chunk read: a yield per row would cost more
 * than reading the row). A gzip inflating past `maxGunzippedBytes` is a file-level fault.
 * However reading ends, `raw` is released: read to its end, or destroyed when a fault quarantines the file
 * part-way or the consumer stops early. In AWS it is the S3 response body, whose socket would otherwise stay
 * open: the decoding stages stop at the fault, and nothing downstream of `raw` destroys it.
 */
export async function* feedRecords(
  raw: Readable,
  format: FeedFormat,
  requiredColumns: readonly string[],
  options: ReadOptions = {},
): AsyncGenerator<FeedRecord[]> {
  try {
    yield* readRecords(raw, format, requiredColumns, options);
  } finally {
    if (!raw.readableEnded) raw.destroy();
  }
}

async function* readRecords(
  raw: Readable,
  format: FeedFormat,
  requiredColumns: readonly string[],
  options: ReadOptions,
): AsyncGenerator<FeedRecord[]> {
  const { packaging = { gzipped: false }, check = false, lineOffset = 0, onBytes } = options;
  let bytes = await gunzipIfNeeded(raw, packaging, options.maxGunzippedBytes ?? MAX_GUNZIPPED_BYTES);
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
    yield batch.map((entry) => ({ ...entry, line: entry.line + lineOffset }));
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
    // A header is what a bank wrote too: a card number there is refused before any name is quoted back.
    if (found.some((name) => containsCardNumber(name)))
      throw new QuarantineError('card number in the header');
    // One pass with a set: a header of 100,000 columns must not cost 100,000² comparisons.
    const seen = new Set<string>();
    const repeated = new Set<string>();
    for (const name of found) {
      if (name === '') continue;
      if (seen.has(name)) repeated.add(shownColumnName(name));
      else seen.add(name);
    }
    const missing = requiredColumns.filter((column) => !seen.has(column));
    if (missing.length > 0) throw new QuarantineError(`missing required column(s): ${missing.join(', ')}`);
    if (repeated.size > 0) throw new QuarantineError(`repeated column(s): ${[...repeated].join(', ')}`);
    return found;
  };
  const batchOf = (rows: readonly CsvRow[]): FeedRecord[] => {
    const batch: FeedRecord[] = [];
    for (const row of rows) {
      if (!names) names = header(row.fields);
      else if (!check) batch.push(csvRecord(names, row));
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
function csvRecord(names: readonly string[], row: CsvRow): FeedRecord {
  const { fields, line } = row;
  let count = fields.length;
  // Trailing empty fields (a spreadsheet's stray commas) are not data.
  while (count > names.length && fields[count - 1] === '') count--;
  const record: Record<string, string> = {};
  if (count !== names.length) {
    const at = names.indexOf('account_id');
    if (at >= 0 && at < count) record.account_id = fields[at] ?? '';
    return { record, line, invalid: `has ${count} fields, the header ${names.length}` };
  }
  for (let i = 0; i < count; i++) {
    const name = names[i];
    if (name) setCell(record, name, fields[i] ?? '');
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
      batch.push({ ...jsonRecord(content.endsWith('\r') ? content.slice(0, -1) : content), line });
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

/**
 * One JSON Lines row as a record; a line that is not a JSON object, names a key twice (`Mobile` and
 * `mobile` alike), or holds a value that is neither a string nor a number (an array, an object, a boolean:
 * the contract's values are cells) is invalid: the row check rejects it. A card number anywhere in the line,
 * nested values included, is the reason given first. JSON.parse makes every key, `__proto__` included, an
 * own property, and `setCell` keeps it one.
 */
function jsonRecord(content: string): Omit<FeedRecord, 'line'> {
  const empty: Record<string, string> = {};
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return { record: empty, invalid: 'not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { record: empty, invalid: 'not a JSON object' };
  const record: Record<string, string> = {};
  let notACell = false;
  for (const [key, cell] of Object.entries(value)) {
    if (cell === null || cell === undefined) continue;
    const name = key.trim().toLowerCase();
    // A key is data a bank wrote on this line, like its cells: a card number in it is screened too.
    if (containsCardNumber(name)) return { record, invalid: 'card number present' };
    if (Object.hasOwn(record, name)) return { record, invalid: 'a key named twice' };
    const text = typeof cell === 'object' ? JSON.stringify(cell) : String(cell);
    if (typeof cell !== 'string' && typeof cell !== 'number') {
      if (containsCardNumber(text)) return { record, invalid: 'card number present' };
      notACell = true;
    }
    setCell(record, name, text);
  }
  if (!notACell) return { record };
  // The row is rejected either way; a card number in any of its cells is the reason to give.
  const withCard = Object.values(record).some((cell) => containsCardNumber(cell));
  return { record, invalid: withCard ? 'card number present' : 'a value that is not a string or a number' };
}
