/**
 * Our CsvReader against csv-parse on malformed input: random bytes, stray quotes in and out of fields,
 * `""`, CR/LF/CRLF mixes, text after closing quotes, unclosed quotes, empty lines, and the text pushed in
 * chunks cut anywhere. On every case both read the same records, or both refuse the file.
 *
 * `npm test` runs a fixed seed; `npm run fuzz` runs many more cases from a random seed, printed first
 * (CSV_FUZZ_RUNS and CSV_FUZZ_SEED set them).
 */

import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvReadError, CsvReader, type CsvRow } from '../../../lambdas/feeds/csv-reader';

/**
 * csv-parse set to the feed contract: records of any length (the row check counts fields), empty lines
 * skipped, a leading BOM dropped, and CRLF, LF and a lone CR each ending a record anywhere in the file.
 */
const CSV_PARSE_OPTIONS = {
  relax_column_count: true,
  skip_empty_lines: true,
  bom: true,
  record_delimiter: ['\r\n', '\n', '\r'],
};

/*
 * DELIBERATE DIFFERENCES: where the two differ on purpose; everything else must agree. The feed
 * contract says the same.
 * 1. Line ends: csv-parse, by default, takes the first line end it meets as the only one and reads the
 *    others as data; the contract accepts CRLF, LF and a lone CR anywhere (a file assembled from parts,
 *    or an old Mac export). Compared with `record_delimiter: ['\r\n', '\n', '\r']`, where they agree.
 * 2. Line numbers: ours are the line a record starts on, each CRLF, LF or lone CR one line break, inside
 *    quoted fields too. csv-parse's `info.lines` is the line a record ends on and counts the CR and the
 *    LF of a CRLF inside a quoted field as two lines. Checked here on the text with its line ends made
 *    LF, where csv-parse counts as ours does.
 * 3. Record size: ours refuses a record past 1 MiB (MAX_RECORD_CHARS); csv-parse has no limit by
 *    default. Generated cases stay far below it (a unit test in csv-reader.test.ts covers the limit).
 * 4. A NUL right after a closing quote ("a"<NUL>): ours refuses it as text after a closing quote, like
 *    any other character there; csv-parse 7 takes it into the field (its check `!nextChr` reads the byte
 *    0 as the end of the input). `nulAfterClosingQuote` allows exactly this case.
 */

/**
 * Difference 4: csv-parse accepted and ours refused only because a NUL follows a closing quote. With
 * each such NUL made an ordinary character, csv-parse must refuse too.
 */
function nulAfterClosingQuote(text: string): boolean {
  return text.includes('"\u0000') && theirs(text.replaceAll('"\u0000', '"x')).refused;
}

const FUZZING = process.env.CSV_FUZZ_RUNS !== undefined;
const NUM_RUNS = FUZZING ? Number(process.env.CSV_FUZZ_RUNS) : 2_000;
const SEED = process.env.CSV_FUZZ_SEED
  ? Number(process.env.CSV_FUZZ_SEED)
  : FUZZING
    ? (Date.now() ^ (Math.random() * 2 ** 31)) | 0
    : 20_260_301;
if (FUZZING)
  console.log(`csv differential fuzz: ${NUM_RUNS} runs, seed ${SEED} (CSV_FUZZ_SEED=${SEED} repeats it)`);

type Outcome = { readonly refused: true } | { readonly refused: false; readonly rows: CsvRow[] };

/** Our reader on `text` pushed in pieces cut at `cuts`; only CsvReadError counts as a refusal. */
function ours(
  text: string,
  cuts: readonly number[],
  options: { check?: boolean; utf8Bytes?: boolean } = {},
): Outcome {
  const reader = new CsvReader(options.check);
  let input = text;
  if (options.utf8Bytes) {
    reader.readUtf8Bytes();
    // As decodeText passes UTF-8 on: a leading BOM's bytes dropped, the rest one byte per character.
    input = Buffer.from(text.replace(/^\uFEFF/, ''), 'utf8').toString('latin1');
  }
  const rows: CsvRow[] = [];
  try {
    let from = 0;
    for (const cut of [...cuts.map((c) => c % (input.length + 1)), input.length].sort((a, b) => a - b)) {
      rows.push(...reader.push(input.slice(from, cut)));
      from = cut;
    }
    rows.push(...reader.end());
  } catch (error) {
    if (error instanceof CsvReadError) return { refused: true };
    throw error;
  }
  return { refused: false, rows };
}

interface ParsedRecord {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

/** csv-parse's records, or its refusal; only its CSV errors count as a refusal. */
function theirs(text: string): { refused: true } | { refused: false; records: ParsedRecord[] } {
  try {
    return {
      refused: false,
      records: parse(text, { ...CSV_PARSE_OPTIONS, info: true }) as unknown as ParsedRecord[],
    };
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('CSV_') || code.endsWith('_QUOTE')) return { refused: true };
    throw error;
  }
}

/**
 * The line each record starts on, per csv-parse: with every line end made LF it counts lines as the
 * contract does, and gives the line a record ends on, from which its fields' line breaks are taken back.
 * (A text without CR is already LF-only: its records are reused rather than parsed again.)
 */
function startLines(text: string, records: readonly ParsedRecord[]): number[] {
  const lf = text.includes('\r') ? theirs(text.replace(/\r\n?/g, '\n')) : { refused: false, records };
  if (lf.refused) throw new Error('a text csv-parse reads must read with LF line ends too');
  return lf.records.map(({ record, info }) => info.lines - record.join('').split('\n').length + 1);
}

// ---------------------------------------------------------------------------------------------------------
// Generated input
// ---------------------------------------------------------------------------------------------------------

const LINE_END = fc.constantFrom('\n', '\r\n', '\r');

/** Pieces of CSV, the troublesome ones often: quotes alone and doubled, every line end, a BOM, NUL. */
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', '1', ' ', 'é', '张', '\t') },
  { weight: 3, arbitrary: fc.constantFrom(',', '"', '""', '"""') },
  { weight: 3, arbitrary: LINE_END },
  { weight: 1, arbitrary: fc.constantFrom('\uFEFF', '\u0000', '\n\n', '\r\r', '\n\r') },
);
const soup = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(''));

/** Bytes of any value, each one character (as a GBK or Latin-1 file might read). */
const latin1Bytes = fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.from(bytes).toString('latin1'));
/** Bytes of any value read as UTF-8 (invalid sequences become U+FFFD), biased to CSV's own bytes. */
const utf8Bytes = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x22, 0x2c, 0x0a, 0x0d)), {
    maxLength: 60,
  })
  .map((bytes) => Buffer.from(bytes).toString('utf8'));

/** A well-formed file: cells quoted when they must be (or by choice), any line end per record. */
const cell = fc.oneof(
  fc.string({ maxLength: 5 }),
  fc.constantFrom('', '"', '""', ',', '\n', '\r', '\r\n', ' x ', '张三', '\uFEFF'),
);
const wellFormed = fc
  .array(fc.tuple(fc.array(fc.tuple(cell, fc.boolean()), { minLength: 1, maxLength: 5 }), LINE_END), {
    minLength: 1,
    maxLength: 6,
  })
  .chain((records) =>
    fc.boolean().map((lastLineEnd) =>
      records
        .map(([fields, end], i) => {
          const line = fields
            .map(([text, quote]) => (quote || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text))
            .join(',');
          return i < records.length - 1 || lastLineEnd ? line + end : line;
        })
        .join(''),
    ),
  );

/** A well-formed file with something inserted or taken out somewhere: a stray quote, a line end, a byte. */
const broken = fc
  .tuple(
    wellFormed,
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat({ max: 2 }),
        fc.constantFrom('"', '""', '\r', '\n', '\r\n', ',', 'x', ' ', '\uFEFF'),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([text, edits]) =>
    edits.reduce((acc, [at, removed, inserted]) => {
      const i = at % (acc.length + 1);
      return acc.slice(0, i) + inserted + acc.slice(i + removed);
    }, text),
  );

const anyText = fc.oneof(
  { weight: 3, arbitrary: soup },
  { weight: 3, arbitrary: broken },
  { weight: 2, arbitrary: wellFormed },
  { weight: 1, arbitrary: latin1Bytes },
  { weight: 1, arbitrary: utf8Bytes },
  // A BOM first, as exported by spreadsheets.
  { weight: 1, arbitrary: fc.oneof(soup, broken).map((text) => `\uFEFF${text}`) },
);
const cuts = fc.array(fc.nat(), { maxLength: 8 });

// ---------------------------------------------------------------------------------------------------------

describe('CsvReader and csv-parse on malformed input', () => {
  it(
    'read the same records or both refuse, whatever the input and however it is cut into chunks',
    () => {
      fc.assert(
        fc.property(anyText, cuts, (text, at) => {
          const expected = theirs(text);
          const read = ours(text, at);
          if (read.refused && !expected.refused && nulAfterClosingQuote(text)) return;
          expect(read.refused, 'one refuses, the other does not').toBe(expected.refused);
          if (read.refused || expected.refused) return;
          expect(read.rows.map((row) => row.fields)).toEqual(expected.records.map((r) => r.record));
          expect(read.rows.map((row) => row.line)).toEqual(startLines(text, expected.records));
        }),
        { numRuns: NUM_RUNS, seed: SEED },
      );
    },
    FUZZING ? 0 : 30_000,
  );

  it(
    'read the same from UTF-8 bytes given one per character, and check mode refuses exactly when reading does',
    () => {
      fc.assert(
        fc.property(anyText, cuts, (text, at) => {
          const expected = ours(text, at);
          const fromBytes = ours(text, at, { utf8Bytes: true });
          const checked = ours(text, at, { check: true });
          expect(fromBytes).toEqual(expected);
          expect(checked.refused).toBe(expected.refused);
          if (!checked.refused && !expected.refused) expect(checked.rows).toEqual(expected.rows.slice(0, 1));
        }),
        { numRuns: NUM_RUNS, seed: SEED },
      );
    },
    FUZZING ? 0 : 30_000,
  );

  it('differ on a NUL after a closing quote only as listed: ours refuses it, csv-parse keeps it', () => {
    expect(ours('a\n"b"\u0000\n', []).refused).toBe(true);
    expect(theirs('a\n"b"\u0000\n')).toMatchObject({ refused: false });
    expect(nulAfterClosingQuote('a\n"b"\u0000\n')).toBe(true);
    // Not an excuse for a NUL that opens a quoted field's content, which both read.
    expect(nulAfterClosingQuote('"\u0000"')).toBe(false);
  });

  it('agree on the cases that once told them apart', () => {
    const cases = [
      // A lone CR inside a quoted field is a line: the record after it starts a line later.
      'a\r"b\rc"\rd',
      '"x\r\r"\ry',
      // CRLF inside a quoted field is one line, not two.
      'a\n"b\r\nc"\nd',
      // Text after a closing quote, a quote inside a field, a quote never closed.
      '"a" ,b',
      'a,b"c',
      '"abc',
      '"a"""b"',
      // A record that is a single quoted empty field is a record, not an empty line.
      'a\n""\nb',
    ];
    for (const text of cases) {
      const expected = theirs(text);
      const read = ours(text, []);
      expect(read.refused, JSON.stringify(text)).toBe(expected.refused);
      if (!read.refused && !expected.refused) {
        const label = JSON.stringify(text);
        expect(
          read.rows.map((row) => row.fields),
          label,
        ).toEqual(expected.records.map((r) => r.record));
        expect(
          read.rows.map((row) => row.line),
          label,
        ).toEqual(startLines(text, expected.records));
      }
    }
  });
});
