/** Large feeds: intake hands them to a Distributed Map run whose batches and last step give the same result. */

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makeFeedLoadBatchHandler } from '../../../lambdas/handlers/feed-load-batch';
import { makeFeedLoadFinishHandler } from '../../../lambdas/handlers/feed-load-finish';
import type { FeedLoadInput } from '../../../lambdas/ports/workflow';
import { ingestFeed } from '../../../lambdas/use-cases/ingest-feed';
import { createFakeWorld, csvOf, feedRow } from '../../support/fakes';

const KEY = 'incoming/demo-bank/huge.csv';

function worldWithLoader() {
  const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
  const handedOver: FeedLoadInput[] = [];
  const deps = {
    ...world,
    largeFeeds: {
      thresholdBytes: 100,
      loader: {
        startFeedLoad: async (input: FeedLoadInput) => {
          handedOver.push(input);
        },
      },
    },
  };
  return { world, deps, handedOver };
}

describe('hand-over of large feeds', () => {
  it('hands a plain UTF-8 CSV above the threshold to a Distributed Map run and applies nothing itself', async () => {
    const { world, deps, handedOver } = worldWithLoader();
    world.storage.files.set(KEY, csvOf([feedRow({ account_id: 'ACC-1' }), feedRow({ account_id: 'ACC-2' })]));

    const report = await ingestFeed(deps, { key: KEY, version: 'v1', size: 5_000 });

    expect(report).toMatchObject({ handedOver: true, read: 0 });
    expect(handedOver).toEqual([
      { key: KEY, bankId: 'demo-bank', version: 'v1', startedAt: '2026-03-01T02:00:00.000Z' },
    ]);
    expect(world.cases.cases.size).toBe(0);
    expect(world.storage.files.has(`reports/${KEY}.json`)).toBe(false);
  });

  it('still quarantines a large file with a fault before handing anything over', async () => {
    const { world, deps, handedOver } = worldWithLoader();
    world.storage.files.set(KEY, `${csvOf([feedRow()])}ACC-9,"open quote\n`);
    const report = await ingestFeed(deps, { key: KEY, size: 5_000 });
    expect(report.quarantined).toBe(true);
    expect(handedOver).toEqual([]);
  });

  it('loads in the invocation a large GBK file whose first 64 KiB are ASCII, and a gzipped one', async () => {
    const { world, deps, handedOver } = worldWithLoader();
    const latin = Array.from({ length: 900 }, (_, i) =>
      feedRow({ account_id: `ACC-${i}`, customer_name: 'Li Lei' }),
    );
    const text = Buffer.from(csvOf([...latin, feedRow({ account_id: 'ACC-LAST', customer_name: 'NAME' })]));
    const at = text.indexOf('NAME');
    expect(at).toBeGreaterThan(64 * 1024);
    const gbk = Buffer.concat([
      text.subarray(0, at),
      Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]),
      text.subarray(at + 4),
    ]);
    world.storage.bytes.set(KEY, gbk);
    const open = world.storage.open.bind(world.storage);
    let opened = 0;
    world.storage.open = async (key: string) => {
      opened++;
      return open(key);
    };
    const report = await ingestFeed(deps, { key: KEY, size: gbk.length });
    expect(opened, 'the check pass and the load, nothing more').toBe(2);
    expect(report).toMatchObject({ created: 901, rejected: 0 });
    expect(world.cases.cases.get('demo-bank:ACC-LAST')?.masked.name).toBe('张*');
    world.storage.bytes.set(KEY, gzipSync(csvOf([feedRow({ account_id: 'ACC-GZ' })])));
    expect(await ingestFeed(deps, { key: KEY, size: 5_000 })).toMatchObject({ created: 1 });
    expect(handedOver).toEqual([]);
  });

  it('loads small files, and large files the CSV reader cannot read (JSON Lines), in the invocation', async () => {
    const { world, deps, handedOver } = worldWithLoader();
    world.storage.files.set(KEY, csvOf([feedRow({ account_id: 'ACC-1' })]));
    expect(await ingestFeed(deps, { key: KEY, size: 50 })).toMatchObject({ created: 1 });
    world.storage.files.set('incoming/demo-bank/big.jsonl', JSON.stringify(feedRow({ account_id: 'ACC-2' })));
    expect(await ingestFeed(deps, { key: 'incoming/demo-bank/big.jsonl', size: 5_000 })).toMatchObject({
      created: 1,
    });
    expect(handedOver).toEqual([]);
  });
});

describe('the Distributed Map run', () => {
  it('loads batches through the same row loop and writes one report summing them, rejects in line order', async () => {
    const { world } = worldWithLoader();
    const batch = makeFeedLoadBatchHandler(() => world);
    // Header names as the CSV item reader passes them: as written in the file.
    const rows = [
      { ...feedRow({ account_id: 'ACC-1' }), ' Account_ID ': undefined },
      feedRow({ account_id: 'ACC-2', as_of: 'bad' }),
      feedRow({ account_id: 'ACC-3' }),
    ].map((row, index) => ({
      row: Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)),
      index,
    }));
    const first = await batch({ Items: rows.slice(0, 2), BatchInput: { bankId: 'demo-bank' } });
    const second = await batch({ Items: rows.slice(2), BatchInput: { bankId: 'demo-bank' } });
    expect(world.cases.cases.size).toBe(2);

    // What the ResultWriter leaves: a manifest and result files of child executions.
    world.storage.files.set(
      'feed-loads/run-1/SUCCEEDED_0.json',
      JSON.stringify([{ Output: JSON.stringify(second) }, { Output: JSON.stringify(first) }]),
    );
    world.storage.files.set(
      'feed-loads/run-1/manifest.json',
      JSON.stringify({
        ResultFiles: { SUCCEEDED: [{ Key: 'feed-loads/run-1/SUCCEEDED_0.json' }], FAILED: [] },
      }),
    );
    const report = await makeFeedLoadFinishHandler(() => world)({
      key: KEY,
      bankId: 'demo-bank',
      version: 'v1',
      startedAt: '2026-03-01T01:59:00.000Z',
      manifestKey: 'feed-loads/run-1/manifest.json',
    });

    expect(report).toMatchObject({
      read: 3,
      created: 2,
      rejected: 1,
      sourceVersion: 'v1',
      durationMs: 60_000,
    });
    expect(world.storage.files.get(`rejects/${KEY}.csv`)).toBe(
      'line,account_id,field,reason\n3,ACC-2,as_of,must be a YYYY-MM-DD date\n',
    );
    // A redelivered event for the same version now finds the run's report and loads nothing.
    expect(await ingestFeed(world, { key: KEY, version: 'v1', size: 5_000 })).toMatchObject({ created: 2 });
  });

  it('fails the last step when a batch failed, rather than writing a report that misses rows', async () => {
    const { world } = worldWithLoader();
    world.storage.files.set(
      'feed-loads/run-2/manifest.json',
      JSON.stringify({ ResultFiles: { SUCCEEDED: [], FAILED: [{ Key: 'feed-loads/run-2/FAILED_0.json' }] } }),
    );
    await expect(
      makeFeedLoadFinishHandler(() => world)({
        key: KEY,
        bankId: 'demo-bank',
        version: '',
        startedAt: '2026-03-01T01:59:00.000Z',
        manifestKey: 'feed-loads/run-2/manifest.json',
      }),
    ).rejects.toThrow('failed or pending batches');
    expect(world.storage.files.has(`reports/${KEY}.json`)).toBe(false);
  });
});
