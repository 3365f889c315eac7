/** Property-based intake: random and malformed rows and files never crash it, and bad rows never stop good ones. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsCardNumber } from '../../../lambdas/domain/card-number';
import { ingestFeed } from '../../../lambdas/use-cases/ingest-feed';
import { createFakeWorld, csvOf, FEED_COLUMNS, feedRow } from '../../support/fakes';

const KEY = 'incoming/demo-bank/fuzz.csv';
const PANS = ['4111111111111111', '5500 0000 0000 0004', '3782-822463-10005'];

/** Ways to break one row, each certain to make it invalid. */
const corruptions: Array<(row: Record<string, string>, noise: string) => Record<string, string>> = [
  (row) => ({ ...row, account_id: '' }),
  (row, noise) => ({ ...row, as_of: `x${noise}` }),
  (row, noise) => ({ ...row, mobile: `abc${noise}`.slice(0, 12), email: '' }),
  (row) => ({ ...row, mobile: '', email: '' }),
  (row, noise) => ({ ...row, currency: `Q${noise}`.slice(0, 3).padEnd(3, 'Q') }),
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
