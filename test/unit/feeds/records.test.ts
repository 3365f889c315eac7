/** A feed's records: every name a bank writes is a cell like the others, screened and never echoed. */

import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { type FeedRecord, feedRecords } from '../../../lambdas/feeds/records';
import { ingestFeed } from '../../../lambdas/use-cases/ingest-feed';
import { postPayments } from '../../../lambdas/use-cases/post-payments';
import { createFakeWorld, csvOf, type FakeWorld, feedRow } from '../../support/fakes';

const CARD = '4111 1111 1111 1111';
const KEY = 'incoming/demo-bank/f';

async function recordsOf(
  text: string,
  format: 'csv' | 'jsonl',
  required: string[] = [],
): Promise<FeedRecord[]> {
  const records: FeedRecord[] = [];
  for await (const batch of feedRecords(Readable.from([Buffer.from(text)]), format, required))
    records.push(...batch);
  return records;
}

async function ingest(text: string, format: 'csv' | 'jsonl'): Promise<{ world: FakeWorld; rejects: string }> {
  const world = createFakeWorld();
  world.storage.files.set(`${KEY}.${format}`, text);
  await ingestFeed(world, { key: `${KEY}.${format}` });
  return { world, rejects: world.storage.files.get(`rejects/${KEY}.${format}.csv`) ?? '' };
}

/** Everything the fake world stored or wrote, the dropped feed left out. */
function everythingStored(world: FakeWorld): string {
  const written = [...world.storage.files.entries()].filter(([key]) => !key.startsWith('incoming/'));
  return JSON.stringify([written, [...world.cases.cases.values()]]);
}

const MARKER_NAMES = ['__invalid', '__proto__', 'constructor', 'toString', 'hasOwnProperty'];

describe('columns and JSON keys named like internal markers', () => {
  it('a CSV column named __invalid is an unknown column: its text is neither a reason nor stored', async () => {
    const rows = [
      { ...feedRow({ account_id: 'ACC-1' }), __invalid: 'Li Lei owes a lot' },
      { ...feedRow({ account_id: 'ACC-2' }), __invalid: '' },
    ];
    const { world, rejects } = await ingest(csvOf(rows), 'csv');
    expect(world.cases.cases.size).toBe(2);
    expect(rejects).toBe('line,account_id,field,reason\n');
    expect(everythingStored(world)).not.toContain('owes a lot');
  });

  it('a CSV column named like any marker is screened for card numbers like any other cell', async () => {
    for (const name of MARKER_NAMES) {
      const csv = csvOf([{ ...feedRow({ account_id: 'ACC-1' }), [name]: CARD }]);
      const { world, rejects } = await ingest(csv, 'csv');
      expect(world.cases.cases.size, name).toBe(0);
      expect(rejects, name).toContain(`2,ACC-1,${name.toLowerCase()},card number present`);
      expect(everythingStored(world), name).not.toMatch(/4111/);
    }
  });

  it('a JSON key named like any marker is screened like any other cell, and never echoed', async () => {
    for (const name of MARKER_NAMES) {
      const line = (account: string, cell: string) =>
        `{"${name}": ${JSON.stringify(cell)}, ${JSON.stringify(feedRow({ account_id: account })).slice(1)}`;
      const { world, rejects } = await ingest(
        `${line('ACC-1', CARD)}\n${line('ACC-2', 'Han Meimei, 13800001234')}\n`,
        'jsonl',
      );
      expect(world.cases.cases.has('demo-bank:ACC-1'), name).toBe(false);
      expect(world.cases.cases.has('demo-bank:ACC-2'), name).toBe(true);
      expect(rejects, name).toContain(`1,ACC-1,${name.toLowerCase()},card number present`);
      expect(rejects.split('\n'), name).toHaveLength(3);
      expect(everythingStored(world), name).not.toMatch(/4111|Han Meimei/);
    }
  });

  it('a JSON key that holds a card number rejects its row without naming it', async () => {
    const row = JSON.stringify({ ...feedRow({ account_id: 'ACC-1' }), [CARD]: 'x' });
    const { world, rejects } = await ingest(`${row}\n`, 'jsonl');
    expect(world.cases.cases.size).toBe(0);
    expect(rejects).toContain('1,ACC-1,row,card number present');
    expect(everythingStored(world)).not.toMatch(/4111/);
  });

  it('a JSON line naming a key twice (in any case) is rejected rather than one value silently kept', async () => {
    const row = `{"Mobile": "${CARD}", ${JSON.stringify(feedRow({ account_id: 'ACC-1' })).slice(1)}`;
    const { world, rejects } = await ingest(`${row}\n`, 'jsonl');
    expect(world.cases.cases.size).toBe(0);
    expect(rejects).toMatch(/^1,ACC-1,row,(a key named twice|card number present)$/m);
  });

  it('keeps every name a bank writes as a cell of its own, and none reaches Object.prototype', async () => {
    const [json] = await recordsOf('{"__proto__": {"polluted": "yes"}, "constructor": "c"}\n', 'jsonl');
    const [csv] = await recordsOf('__proto__,constructor\nx,y\n', 'csv').then((records) => records);
    for (const record of [json?.record, csv?.record]) {
      expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
      expect(Object.keys(record ?? {})).toEqual(['__proto__', 'constructor']);
      expect(Object.hasOwn(record ?? {}, '__proto__')).toBe(true);
    }
    expect(Object.getOwnPropertyDescriptor(json?.record, '__proto__')?.value).toBe('{"polluted":"yes"}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a payments feed column named __invalid is a cell like the others', async () => {
    const world = createFakeWorld();
    world.storage.files.set(
      'payments/demo-bank/p.csv',
      csvOf([
        {
          payment_id: 'P1',
          account_id: 'ACC-1',
          amount: '1',
          paid_at: '2026-03-01T09:30:00Z',
          __invalid: CARD,
        },
      ]),
    );
    await postPayments(world, { key: 'payments/demo-bank/p.csv' });
    const rejects = world.storage.files.get('rejects/payments/demo-bank/p.csv.csv') ?? '';
    expect(rejects).toContain('2,ACC-1,__invalid,card number present');
    expect(rejects).not.toMatch(/4111/);
  });
});

describe('the header of a CSV feed', () => {
  it('finds a repeated column among 100,000 in one pass, not 100,000² comparisons', async () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `c${i}`);
    const header = [...names, 'account_id', 'c99999'].join(',');
    // Counted, not timed: one set lookup per column (and per required column) is linear whatever the machine.
    const lookups = vi.spyOn(Set.prototype, 'has');
    try {
      await expect(recordsOf(`${header}\n`, 'csv', ['account_id'])).rejects.toThrow(
        'repeated column(s): c99999',
      );
      expect(lookups.mock.calls.length).toBeGreaterThanOrEqual(names.length);
      expect(lookups.mock.calls.length).toBeLessThan(2 * names.length);
    } finally {
      lookups.mockRestore();
    }
    const unique = [...names, 'account_id'].join(',');
    expect(await recordsOf(`${unique}\n${'x,'.repeat(100_000)}y\n`, 'csv', ['account_id'])).toHaveLength(1);
  });

  it('quarantines a header holding a card number, without quoting it', async () => {
    const csv = `account_id,as_of,${CARD}\nACC-1,2026-03-01,x\n`;
    const { world } = await ingest(csv, 'csv');
    const report = world.storage.files.get(`reports/${KEY}.csv.json`) ?? '';
    expect(JSON.parse(report)).toMatchObject({
      quarantined: true,
      quarantineReason: 'card number in the header',
    });
    expect(everythingStored(world)).not.toMatch(/4111/);
  });
});
