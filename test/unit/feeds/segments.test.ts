/** Segments of a feed file read with its header give exactly the records, and lines, of the whole file. */

import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FeedPackaging } from '../../../lambdas/feeds/decoding';
import { type FeedFormat, type FeedRecord, feedRecords } from '../../../lambdas/feeds/records';
import { SegmentScanner } from '../../../lambdas/feeds/segments';
import { encodeGb18030 } from '../../support/gb18030';

async function read(bytes: Buffer, format: FeedFormat, options: Parameters<typeof feedRecords>[3] = {}) {
  const records: FeedRecord[] = [];
  // Chunks of 7 bytes: characters and records cut anywhere, as S3 streams them.
  const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) =>
    bytes.subarray(i * 7, i * 7 + 7),
  );
  for await (const batch of feedRecords(Readable.from(chunks), format, [], options)) records.push(...batch);
  return records;
}

/** Reads the file whole, then segment by segment (header bytes + segment bytes), as the map's children do. */
async function bothWays(bytes: Buffer, format: FeedFormat, perSegment: number) {
  const packaging: FeedPackaging = { gzipped: false };
  const scanner = new SegmentScanner(format, perSegment);
  const whole = await read(bytes, format, { packaging, onBytes: (chunk) => scanner.push(chunk) });
  const plan = scanner.end();
  const pieces: FeedRecord[] = [];
  for (const segment of plan.segments) {
    const joined = Buffer.concat([
      bytes.subarray(plan.header.start, plan.header.end),
      bytes.subarray(segment.start, segment.end),
    ]);
    pieces.push(
      ...(await read(joined, format, {
        ...(packaging.encoding ? { presetEncoding: packaging.encoding } : {}),
        lineOffset: segment.line - plan.header.endLine,
      })),
    );
  }
  return { whole, pieces, plan };
}

const cell = fc.string({
  unit: fc.constantFrom('a', 'b', '1', ' ', ',', '"', '\r', '\n', 'é', '张', '😀'),
  maxLength: 6,
});
const quoted = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
const lineEnd = fc.constantFrom('\n', '\r\n', '\r');
const csvFile = fc
  .tuple(
    fc.integer({ min: 1, max: 4 }),
    fc.array(fc.tuple(fc.array(cell, { minLength: 4, maxLength: 4 }), lineEnd, fc.boolean()), {
      maxLength: 30,
    }),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([columns, rows, bom, finalEnd]) => {
    const header = ['account_id', 'as_of', 'customer_name', 'x'].slice(0, columns).join(',');
    let text = `${bom ? '\uFEFF' : ''}${header}\n`;
    rows.forEach(([cells, end, blank], i) => {
      text += cells.slice(0, columns).map(quoted).join(',');
      // A row of one empty cell is a blank line, which the reader skips: as in real files.
      text += i < rows.length - 1 || finalEnd ? end : '';
      if (blank && i < rows.length - 1) text += end;
    });
    return text;
  });

describe('segments of a feed file', () => {
  it('read with the header, give the whole file’s records and line numbers (CSV, UTF-8)', async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, fc.integer({ min: 1, max: 5 }), async (text, perSegment) => {
        const { whole, pieces } = await bothWays(Buffer.from(text, 'utf8'), 'csv', perSegment);
        expect(pieces).toEqual(whole);
      }),
      { seed: 20261129, numRuns: 300 },
    );
  });

  it('do the same for GB18030 bytes, whose trailing bytes are never a quote, comma or line break', async () => {
    await fc.assert(
      fc.asyncProperty(csvFile, fc.integer({ min: 1, max: 5 }), async (text, perSegment) => {
        const gbk = text.replace(/[😀é]/gu, '张').replace('\uFEFF', '');
        const { whole, pieces } = await bothWays(encodeGb18030(gbk), 'csv', perSegment);
        expect(pieces).toEqual(whole);
      }),
      { seed: 7, numRuns: 150 },
    );
  });

  it('cut JSON Lines at line ends only, quotes and lone CRs being data there', async () => {
    const lines = [
      '{"account_id":"A\\"1","x":"\r"}',
      '',
      '{"account_id":"A2"}',
      'not json',
      '{"account_id":"A3"}',
    ];
    const { whole, pieces, plan } = await bothWays(Buffer.from(`\uFEFF${lines.join('\n')}`), 'jsonl', 1);
    expect(pieces).toEqual(whole);
    expect(whole.map((record) => record.line)).toEqual([1, 3, 4, 5]);
    expect(plan.header).toEqual({ start: 0, end: 3, endLine: 1 });
  });

  it('puts a header-only file in no segment, and the whole of a file without line ends in the header', () => {
    const scanner = new SegmentScanner('csv', 10);
    scanner.push(Buffer.from('account_id,as_of'));
    expect(scanner.end()).toEqual({ header: { start: 0, end: 16, endLine: 1 }, segments: [], records: 0 });
  });
});
