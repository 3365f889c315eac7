/** The rejects file opens safely in a spreadsheet and reads back as the rejects it was written from. */

import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RowReject, rejectsCsv } from '../../../lambdas/feeds/rejects';

const reject = (overrides: Partial<RowReject>): RowReject => ({
  line: 2,
  accountId: 'ACC-1',
  field: 'row',
  reason: 'has 5 fields, the header 6',
  ...overrides,
});

const rowsOf = (csv: string) => (parse(csv, { record_delimiter: '\n' }) as string[][]).slice(1);

describe('rejectsCsv', () => {
  it('neutralises a formula in any column: a field starting with = + - @ tab or CR gets a leading quote', () => {
    const csv = rejectsCsv([
      reject({ accountId: '-ACC-1', field: '=cmd|/C calc!A0', reason: '+SUM(A1:A9)' }),
      reject({ accountId: '@ACC', field: '\t=1+1', reason: '\r=1+1' }),
    ]);
    expect(rowsOf(csv)).toEqual([
      ['2', "'-ACC-1", "'=cmd|/C calc!A0", "'+SUM(A1:A9)"],
      ['2', "'@ACC", "'\t=1+1", "'\r=1+1"],
    ]);
  });

  it('quotes a field holding CR, LF, a comma or a quote, so that each reject stays one record', () => {
    const csv = rejectsCsv([reject({ reason: 'a\rb' }), reject({ reason: 'c\nd, "e"' })]);
    expect(csv).toContain('"a\rb"');
    expect(csv.split('\n')[0]).toBe('line,account_id,field,reason');
    expect(rowsOf(csv).map((row) => row[3])).toEqual(['a\rb', 'c\nd, "e"']);
  });

  it('reads back as written for any text, no field starting a formula', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', '1', ',', '"', '\r', '\n', '=', '+', '-', '@', '\t', ' '),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), text, text, text), { maxLength: 5 }), (rows) => {
        const rejects = rows.map(([line, accountId, field, reason]) => ({ line, accountId, field, reason }));
        const read = rowsOf(rejectsCsv(rejects));
        expect(read).toHaveLength(rejects.length);
        read.forEach((fields, i) => {
          const expected = Object.values(rejects[i] as RowReject).map(String);
          fields.forEach((field, j) => {
            expect(field).not.toMatch(/^[=+\-@\t\r]/);
            expect(field.replace(/^'(?=[=+\-@\t\r])/, '')).toBe(expected[j]);
          });
        });
      }),
      { numRuns: 500, seed: 4180 },
    );
  });
});
