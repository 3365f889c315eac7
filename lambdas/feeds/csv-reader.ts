/**
 * A streaming CSV reader (RFC 4180) for bank feeds: comma-separated, double-quoted fields with "" inside,
 * CRLF, LF or CR line ends (mixed as they come, each one line, inside quoted fields too), a leading BOM
 * dropped, empty lines skipped. It is strict where a guess would shift data between columns: a quote
 * inside an unquoted field, text after a closing quote, or a quote never closed raise CsvReadError.
 * Error messages name a line, never the data. A differential fuzz test holds it to csv-parse (with
 * `record_delimiter: ['\r\n', '\n', '\r']`) on malformed input; the differences it allows are listed there.
 *
 * Written for this feed rather than taken from csv-parse (which remains the benchmark's reference): every
 * record carries the line it starts on, a check-only mode reads a whole file without building records,
 * and lines without quotes are split natively, which makes intake several times faster (npm run bench).
 */

export class CsvReadError extends Error {}

export interface CsvRow {
  readonly fields: readonly string[];
  /** 1-based line the record starts on. */
  readonly line: number;
}

/** A record longer than this is a file fault: it bounds memory whatever the bytes. */
export const MAX_RECORD_CHARS = 1 << 20;

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

interface SlowRecord {
  readonly fields: string[];
  readonly next: number;
  readonly lines: number;
  readonly empty: boolean;
}

export class CsvReader {
  private buffer = '';
  private line = 1;
  private started = false;
  private headerSeen = false;
  private utf8Bytes = false;

  /**
   * @param check when true, records are only checked, not built (the header, the first record, always is),
   * and `push` returns at most that first record.
   */
  constructor(private readonly check = false) {}

  /**
   * From now on the text is UTF-8 bytes, one latin1 character each (ASCII before this reads the same):
   * fields holding non-ASCII bytes are decoded, the others kept as they are.
   */
  readUtf8Bytes(): void {
    this.utf8Bytes = true;
  }

  /** Adds decoded text; returns the records it completes. */
  push(chunk: string): CsvRow[] {
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.buffer = this.buffer.length > 0 ? this.buffer + text : text;
    const rows = this.drain(false);
    if (this.buffer.length > MAX_RECORD_CHARS) this.tooLong(this.line);
    return rows;
  }

  private tooLong(line: number): never {
    throw new CsvReadError(`a record starting on line ${line} is longer than ${MAX_RECORD_CHARS} characters`);
  }

  /** Ends the input; returns the last record, if any. */
  end(): CsvRow[] {
    return this.drain(true);
  }

  private drain(final: boolean): CsvRow[] {
    const rows: CsvRow[] = [];
    const text = this.buffer;
    const length = text.length;
    let pos = 0;
    let nextQuote = text.indexOf('"');
    let nextCr = text.indexOf('\r');
    while (pos < length) {
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = text.indexOf('"', pos);
      if (nextCr !== -1 && nextCr < pos) nextCr = text.indexOf('\r', pos);
      const lf = text.indexOf('\n', pos);
      const end = lf === -1 ? length : lf;
      const simple =
        (lf !== -1 || final) && (nextQuote === -1 || nextQuote > end) && (nextCr === -1 || nextCr >= end - 1);
      if (simple) {
        const stop = end > pos && text.charCodeAt(end - 1) === CR ? end - 1 : end;
        // Checked per record, not only on what is left over: the limit must not depend on how the bytes were chunked.
        if (stop - pos > MAX_RECORD_CHARS) this.tooLong(this.line);
        if (stop > pos) {
          if (!this.check || !this.headerSeen) {
            const content = text.slice(pos, stop);
            const fields = content.split(',');
            if (this.utf8Bytes) decodeFieldsOfLine(content, fields);
            rows.push({ fields, line: this.line });
            this.headerSeen = true;
          }
        }
        this.line++;
        pos = lf === -1 ? length : lf + 1;
        continue;
      }
      const record = this.slowRecord(text, pos, final);
      if (!record) break;
      if (record.next - pos > MAX_RECORD_CHARS + 2) this.tooLong(this.line);
      if (!record.empty && (!this.check || !this.headerSeen)) {
        rows.push({ fields: this.utf8Bytes ? decodeFields(record.fields) : record.fields, line: this.line });
        this.headerSeen = true;
      }
      this.line += record.lines;
      pos = record.next;
    }
    this.buffer = pos >= length ? '' : text.slice(pos);
    return rows;
  }

  /** One record read character by character; undefined when the text ends inside it and more may come. */
  private slowRecord(text: string, start: number, final: boolean): SlowRecord | undefined {
    const length = text.length;
    const fields: string[] = [];
    let i = start;
    let lines = 0;
    for (;;) {
      if (i < length && text.charCodeAt(i) === QUOTE) {
        let value = '';
        let segment = i + 1;
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q === -1) {
            if (!final) return undefined;
            throw new CsvReadError(`a quoted field opened on line ${this.line + lines} is never closed`);
          }
          if (q + 1 >= length && !final) return undefined;
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(segment, q + 1);
            from = q + 2;
            segment = from;
            continue;
          }
          value += text.slice(segment, q);
          lines += countLineBreaks(text, i, q);
          i = q + 1;
          break;
        }
        fields.push(value);
        if (i >= length) {
          if (!final) return undefined;
          return { fields, next: i, lines, empty: false };
        }
        const c = text.charCodeAt(i);
        if (c === COMMA) {
          i++;
          continue;
        }
        if (c === LF) return { fields, next: i + 1, lines: lines + 1, empty: false };
        if (c === CR) {
          if (i + 1 >= length && !final) return undefined;
          return {
            fields,
            next: text.charCodeAt(i + 1) === LF ? i + 2 : i + 1,
            lines: lines + 1,
            empty: false,
          };
        }
        throw new CsvReadError(`text after a closing quote on line ${this.line + lines}`);
      }
      let j = i;
      for (; j < length; j++) {
        const c = text.charCodeAt(j);
        if (c === COMMA || c === LF || c === CR || c === QUOTE) break;
      }
      if (j >= length) {
        if (!final) return undefined;
        fields.push(text.slice(i, j));
        return { fields, next: j, lines, empty: fields.length === 1 && j === start };
      }
      const c = text.charCodeAt(j);
      if (c === QUOTE)
        throw new CsvReadError(`a quote inside an unquoted field on line ${this.line + lines}`);
      fields.push(text.slice(i, j));
      if (c === COMMA) {
        i = j + 1;
        continue;
      }
      const empty = fields.length === 1 && j === start;
      if (c === LF) return { fields, next: j + 1, lines: lines + 1, empty };
      if (j + 1 >= length && !final) return undefined;
      return { fields, next: text.charCodeAt(j + 1) === LF ? j + 2 : j + 1, lines: lines + 1, empty };
    }
  }
}

const NON_ASCII = /[\u0080-\uffff]/;
const NEXT_NON_ASCII = /[\u0080-\uffff]/g;

/**
 * Decodes, in place, the fields of an unquoted line (`fields` is `line` split at commas) that hold
 * non-ASCII bytes: each non-ASCII byte found in the line leads to its field, the rest are not looked at.
 */
function decodeFieldsOfLine(line: string, fields: string[]): void {
  NEXT_NON_ASCII.lastIndex = 0;
  let start = 0;
  let i = 0;
  for (let found = NEXT_NON_ASCII.exec(line); found !== null; found = NEXT_NON_ASCII.exec(line)) {
    const at = found.index;
    while (start + (fields[i] as string).length < at) start += (fields[i++] as string).length + 1;
    const field = fields[i] as string;
    fields[i] = decodedUtf8(field);
    start += field.length + 1;
    i++;
    NEXT_NON_ASCII.lastIndex = start;
  }
}

/** Fields read from UTF-8 bytes (validated upstream), each non-ASCII one decoded. */
function decodeFields(fields: string[]): string[] {
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    if (NON_ASCII.test(field)) fields[i] = decodedUtf8(field);
  }
  return fields;
}

/** A field of UTF-8 bytes (one latin1 character each, validated upstream) as the text they encode. */
function decodedUtf8(field: string): string {
  return Buffer.from(field, 'latin1').toString('utf8');
}

/** Line breaks in text[from, to): CRLF, LF or a lone CR, each one, as between records. */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) count++;
  for (let at = text.indexOf('\r', from); at !== -1 && at < to; at = text.indexOf('\r', at + 1))
    if (text.charCodeAt(at + 1) !== LF) count++;
  return count;
}
