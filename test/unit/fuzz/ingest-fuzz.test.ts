/** Property-based intake: random and malformed rows and files never crash it, and bad rows never stop good ones. */

import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsCardNumber, passesLuhn } from '../../../lambdas/domain/card-number';
import { ingestFeed } from '../../../lambdas/use-cases/ingest-feed';
import { createFakeWorld, csvOf, FEED_COLUMNS, feedRow } from '../../support/fakes';
import { encodeGb18030 } from '../../support/gb18030';

const KEY = 'incoming/demo-bank/fuzz.csv';
const PANS = ['4111111111111111', '5500 0000 0000 0004', '3782-822463-10005'];

/** Ways to break one row, each certain to make it invalid. */
const corruptions: Array<(row: Record<string, string>, noise: string) => Record<string, string>> = [
  (row) => ({ ...row, account_id: '' }),
  (row, noise) => ({ ...row, as_of: `x${noise}` }),
  (row, noise) => ({ ...row, mobile: `abc${noise}`.slice(0, 12), email: '' }),
  (row) => ({ ...row, mobile: '', email: '' }),
  // A digit first: no ISO 4217 code has one (a letter first could spell QAR, a real currency).
  (row, noise) => ({ ...row, currency: `9${noise}`.slice(0, 3).padEnd(3, 'Q') }),
  (row) => ({ ...row, overdue_principal: '-1.00' }),
  (row) => ({ ...row, overdue_principal: '1.001' }),
  (row) => ({ ...row, days_past_due: '99999', due_date: '2026-02-17' }),
  (row, noise) => ({ ...row, flags: `unknown_${noise.replace(/[;\s]/g, '')}` }),
  (row, noise) => ({ ...row, customer_name: `${noise} ${PANS[noise.length % PANS.length]}` }),
  (row) => ({ ...row, timezone: 'Mars/Olympus' }),
];

const name = fc
  .string({ minLength: 1, maxLength: 30, unit: 'grapheme' })
  .filter((text) => text.trim().length > 0 && !containsCardNumber(text));

const rowsArbitrary = fc.array(
  fc.record({ good: fc.boolean(), name, corruption: fc.nat(corruptions.length - 1), noise: fc.string() }),
  { minLength: 1, maxLength: 40 },
);

describe('intake under random input', () => {
  it('loads every good row and rejects every bad one, with a field and a reason, whatever the mix', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArbitrary, async (specs) => {
        const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
        const rows = specs.map((spec, i) => {
          const row = feedRow({ account_id: `ACC-${i}`, customer_name: spec.name });
          return spec.good
            ? row
            : ((corruptions[spec.corruption] ?? corruptions[0])?.(row, spec.noise) ?? row);
        });
        world.storage.files.set(KEY, csvOf(rows, FEED_COLUMNS));

        const report = await ingestFeed(world, { key: KEY });

        const good = specs.filter((spec) => spec.good).length;
        expect(report.quarantined).toBe(false);
        expect(report.read).toBe(specs.length);
        expect(report.created).toBe(good);
        expect(report.rejected).toBe(specs.length - good);
        const rejectLines = (world.storage.files.get(`rejects/${KEY}.csv`) ?? '').trim().split('\n').slice(1);
        expect(rejectLines).toHaveLength(specs.length - good);
        for (const line of rejectLines) expect(line).toMatch(/^\d+,[^,]*,[a-z_0-9]+,.+$/);
        const outputs = [...world.storage.files.entries()].filter(([key]) => key !== KEY).map(([, v]) => v);
        for (const pan of PANS) expect(outputs.join('\n')).not.toContain(pan);
      }),
      { numRuns: 150 },
    );
  });

  it('never throws on arbitrary bytes: it loads, rejects or quarantines', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
        world.storage.open = async () => (await import('node:stream')).Readable.from([Buffer.from(bytes)]);
        const report = await ingestFeed(world, { key: KEY });
        expect(report.read).toBeGreaterThanOrEqual(0);
        expect(report.created + report.rejected).toBeLessThanOrEqual(report.read);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on CSV with random headers, quotes and cells', async () => {
    const cell = fc.oneof(fc.string(), fc.constantFrom('"', '""', '\n', '\r\n', ',', '\uFEFF', ...PANS));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom(...FEED_COLUMNS), fc.string()), { minLength: 1, maxLength: 8 }),
        fc.array(fc.array(cell, { maxLength: 8 }), { maxLength: 20 }),
        async (header, cells) => {
          const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
          const text = [header.join(','), ...cells.map((line) => line.join(','))].join('\n');
          world.storage.files.set(KEY, text);
          const report = await ingestFeed(world, { key: KEY });
          const outputs = [...world.storage.files.entries()].filter(([key]) => key !== KEY).map(([, v]) => v);
          expect(report.key).toBe(KEY);
          for (const pan of PANS) expect(outputs.join('\n')).not.toContain(pan);
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** A Luhn-valid 16-digit PAN (a check digit appended to 15 random digits). */
const panDigits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 15, maxLength: 15 }).map((body) => {
  const head = body.join('');
  const check = '0123456789'.split('').find((digit) => passesLuhn(head + digit)) ?? '0';
  return head + check;
});

/** The way a person writes a card: in groups of four with spaces, dashes, full-width digits, or none. */
const writtenPan = fc
  .tuple(panDigits, fc.constantFrom('', ' ', '-', ' - ', '\u3000'), fc.boolean())
  .map(([digits, separator, fullWidth]) => {
    const grouped = (digits.match(/\d{4}/g) ?? []).join(separator);
    const text = fullWidth ? grouped.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))) : grouped;
    return { digits, text };
  });

/** Names GBK can write in two bytes, so that every packaging below can carry them. */
const gbkName = fc
  .array(fc.constantFrom(...'张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高明华国建平文英 LiWang'.split('')), {
    minLength: 1,
    maxLength: 8,
  })
  .map((chars) => chars.join('').trim())
  .filter((text) => text.length > 0);

const packaging = fc.record({
  format: fc.constantFrom('csv', 'jsonl'),
  encoding: fc.constantFrom('utf-8', 'utf-8-bom', 'gb18030'),
  gzip: fc.boolean(),
  chunk: fc.integer({ min: 1, max: 70_000 }),
});

describe('intake under random packaging', () => {
  it('gives the same outcome in every packaging and encoding, and no generated card number leaks', async () => {
    const rowSpec = fc.record({
      good: fc.boolean(),
      name: gbkName,
      pan: writtenPan,
      where: fc.constantFrom('customer_name', 'address', 'note'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(rowSpec, { minLength: 1, maxLength: 30 }), packaging, async (specs, pack) => {
        const rows = specs.map((spec, i) => {
          const row = {
            ...feedRow({ account_id: `ACC-${i}`, customer_name: spec.name }),
            address: '',
            note: '',
          };
          return spec.good ? row : { ...row, [spec.where]: `${spec.name} ${spec.pan.text}` };
        });
        const columns = [...FEED_COLUMNS, 'address', 'note'];
        const text =
          pack.format === 'csv'
            ? csvOf(rows, columns)
            : `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;
        let bytes = pack.encoding === 'gb18030' ? encodeGb18030(text) : Buffer.from(text);
        if (pack.encoding === 'utf-8-bom') bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
        if (pack.gzip) bytes = gzipSync(bytes);
        const chunks: Buffer[] = [];
        for (let at = 0; at < bytes.length; at += pack.chunk)
          chunks.push(bytes.subarray(at, at + pack.chunk));
        const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
        world.storage.open = async () => Readable.from(chunks);
        const key = `incoming/demo-bank/fuzz.${pack.format}${pack.gzip ? '.gz' : ''}`;

        const report = await ingestFeed(world, { key });

        const good = specs.filter((spec) => spec.good).length;
        expect(report).toMatchObject({ quarantined: false, read: specs.length, created: good });
        expect(report.rejected).toBe(specs.length - good);
        const rejects = world.storage.files.get(`rejects/${key}.csv`) ?? '';
        for (const line of rejects.trim().split('\n').slice(1)) expect(line).toMatch(/,card number present$/);
        for (const [i, spec] of specs.entries()) {
          expect(world.cases.cases.get(`demo-bank:ACC-${i}`)?.masked.name.at(0)).toBe(
            spec.good ? spec.name.at(0) : undefined,
          );
        }
        const outputs = [rejects, world.storage.files.get(`reports/${key}.json`) ?? ''].join('\n');
        const stored = JSON.stringify([...world.cases.cases.values()]);
        for (const spec of specs) {
          const anySpacing = new RegExp(spec.pan.digits.split('').join('\\D*'));
          expect(outputs.normalize('NFKC')).not.toMatch(anySpacing);
          expect(stored.normalize('NFKC')).not.toMatch(anySpacing);
        }
      }),
      { numRuns: 120 },
    );
  });
});
