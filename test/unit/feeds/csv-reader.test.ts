/** The feed's CSV reader: RFC 4180 as csv-parse reads it, with start lines, strict quoting and any chunking. */

import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvReadError, CsvReader, type CsvRow, MAX_RECORD_CHARS } from '../../../lambdas/feeds/csv-reader';

function readAll(text: string, chunk = text.length || 1, check = false): CsvRow[] {
  const reader = new CsvReader(check);
  const rows: CsvRow[] = [];
  for (let at = 0; at < text.length; at += chunk) rows.push(...reader.push(text.slice(at, at + chunk)));
  rows.push(...reader.end());
  return rows;
}

describe('CsvReader', () => {
  it('splits fields and records, with the line each record starts on', () => {
    const text = 'a,b,c\n1,2,3\r\n\n"x\ny","say ""hi""",\n4,5,6';
    expect(readAll(text)).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['1', '2', '3'], line: 2 },
      { fields: ['x\ny', 'say "hi"', ''], line: 4 },
      { fields: ['4', '5', '6'], line: 6 },
    ]);
  });

  it('reads CR line ends, drops a leading BOM, and keeps a BOM anywhere else', () => {
    expect(readAll('\uFEFFa,b\r1,2\r"3",4\r')).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1', '2'], line: 2 },
      { fields: ['3', '4'], line: 3 },
    ]);
    expect(readAll('a\n\uFEFFb\n')[1]?.fields).toEqual(['\uFEFFb']);
  });

  it('gives the same records whatever the chunking, chunks of one character included', () => {
    const text = 'h1,h2\r\n"a\r\nb",c\r\n"",""""\r\nlast,"q"';
    const whole = readAll(text);
    for (const size of [1, 2, 3, 5, 7]) expect(readAll(text, size), `chunks of ${size}`).toEqual(whole);
  });

  it('rejects quoting that would shift data between columns, naming the line and no data', () => {
    const faults: Array<[string, RegExp]> = [
      ['a,b\n1,zq"wv\n', /a quote inside an unquoted field on line 2/],
      ['a,b\n1,"zq"wv\n', /text after a closing quote on line 2/],
      ['a,b\n1,"secret 13800001234\n', /a quoted field opened on line 2 is never closed/],
    ];
    for (const [text, message] of faults) {
      expect(() => readAll(text)).toThrow(CsvReadError);
      expect(() => readAll(text)).toThrow(message);
      expect(() => readAll(text)).not.toThrow(/secret|13800001234|zq|wv/);
    }
  });

  it('refuses a record longer than the limit instead of holding it in memory', () => {
    const reader = new CsvReader();
    reader.push('a\n"');
    const block = 'x'.repeat(64 * 1024);
    expect(() => {
      for (let i = 0; i <= MAX_RECORD_CHARS / block.length; i++) reader.push(block);
    }).toThrow(/longer than/);
  });

  it('refuses a record over the limit however the bytes were chunked, quoted or not', () => {
    const long = 'x'.repeat(MAX_RECORD_CHARS + 10);
    for (const record of [long, `"${long}"`]) {
      // The whole record and the line after it in one chunk: nothing is left over to measure.
      const reader = new CsvReader();
      expect(() => reader.push(`a,b\n1,${record}\n2,y\n`)).toThrow(/line 2 is longer than/);
      const fine = new CsvReader();
      expect(fine.push(`a,b\n1,${'x'.repeat(1000)}\n2,y\n`)).toHaveLength(3);
    }
  });

  it('in check mode, returns the header only but still finds faults anywhere', () => {
    expect(readAll('a,b\n1,2\n3,4\n', 3, true)).toEqual([{ fields: ['a', 'b'], line: 1 }]);
    expect(() => readAll('a,b\n1,2\n3,"4\n', 3, true)).toThrow(/never closed/);
  });

  it('reads every well-formed file exactly as csv-parse does, whatever the chunking', () => {
    const cell = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 6 }),
      fc.constantFrom('"', '""', '\n', '\r\n', ',', ' ', '张三', '\uFEFF'),
    );
    const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(cell, fc.boolean()), { minLength: 1, maxLength: 5 }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 1, max: 40 }),
        (records, newline, chunk) => {
          // A cell is written plain only when it needs no quoting, as any CSV writer does.
          const lines = records.map((fields) =>
            fields
              .map(([text, quote]) =>
                quote || /[",\r\n\uFEFF]/.test(text) || text === '' ? quoted(text) : text,
              )
              .join(','),
          );
          const text = `${lines.join(newline)}${newline}`;
          const expected = parse(text, { relax_column_count: true, bom: true }) as string[][];
          expect(readAll(text, chunk).map((row) => row.fields)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads UTF-8 bytes given one per character exactly as the decoded text, whatever the chunking', () => {
    // Plain fields with one, two or no non-ASCII characters anywhere in the line, and quoted ones.
    const cell = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', '1', ' ', 'é', '张', '𠀋', '·'), maxLength: 5 }),
      fc.constantFrom('', 'José', '张三丰', 'x张', '张x', '"王, 五"', '北京\n朝阳'),
    );
    const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 30 }),
        (records, chunk) => {
          const text = `${records.map((fields) => fields.map((f) => (/[",\r\n]/.test(f) ? quoted(f) : f)).join(',')).join('\n')}\n`;
          const bytes = Buffer.from(text, 'utf8').toString('latin1');
          const reader = new CsvReader();
          reader.readUtf8Bytes();
          const rows: CsvRow[] = [];
          for (let at = 0; at < bytes.length; at += chunk)
            rows.push(...reader.push(bytes.slice(at, at + chunk)));
          rows.push(...reader.end());
          expect(rows).toEqual(readAll(text));
        },
      ),
      { numRuns: 500 },
    );
  });
});
