/** Feeds load with an exactly-once effect: redelivered events, re-dropped files and crashed runs included. */

import { describe, expect, it } from 'vitest';
import type { CollectionCase } from '../../../lambdas/domain/collection-case';
import { handleFeedMessages } from '../../../lambdas/handlers/ingest-feed';
import { applyFeedRows, emptyRowCounts, ingestFeed } from '../../../lambdas/use-cases/ingest-feed';
import { createFakeWorld, csvOf, feedRow } from '../../support/fakes';

const KEY = 'incoming/demo-bank/daily.csv';

function feedOf(count: number, bad: number[] = []): string {
  return csvOf(
    Array.from({ length: count }, (_, i) =>
      feedRow({
        account_id: `ACC-${String(i).padStart(4, '0')}`,
        mobile: `1390000${String(i).padStart(4, '0')}`,
        ...(bad.includes(i) ? { as_of: 'not-a-date' } : {}),
      }),
    ),
  );
}

/** The SQS message that carries S3's notification of an upload, as the feed-events queue delivers it. */
function s3Message(key: string, eTag: string, messageId = 'm-1') {
  const notification = {
    Records: [{ eventName: 'ObjectCreated:Put', s3: { object: { key, eTag, size: 100 } } }],
  };
  return { Records: [{ messageId, body: JSON.stringify(notification) }] } as never;
}

describe('exactly-once intake', () => {
  it('loads a file once when S3 delivers the same event three times', async () => {
    const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
    world.storage.files.set(KEY, feedOf(5));

    const reports = [];
    for (let delivery = 0; delivery < 3; delivery++) {
      const { failures, reports: delivered } = await handleFeedMessages(
        () => world,
        s3Message(KEY, '"etag-1"'),
      );
      expect(failures).toEqual([]);
      reports.push(...delivered);
    }
    await world.startQueuedEscalations();

    expect(reports.map((r) => ('created' in r ? r.created : -1))).toEqual([5, 5, 5]); // the same report each time
    expect(world.storage.writes.filter((key) => key.startsWith('reports/'))).toHaveLength(1);
    expect(world.escalationQueue.sent).toHaveLength(5);
    expect(world.escalations.calls).toHaveLength(5);
    expect(world.cases.cases.size).toBe(5);
  });

  it('changes nothing when the same file is dropped again as a new upload', async () => {
    const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
    world.storage.files.set(KEY, feedOf(4));
    await ingestFeed(world, { key: KEY, version: 'v1' });
    const before = structuredClone([...world.cases.cases.values()]);

    const again = await ingestFeed(world, { key: KEY, version: 'v2' });

    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    expect([...world.cases.cases.values()]).toEqual(before);
    await world.startQueuedEscalations();
    expect(world.escalations.started.size).toBe(4);
  });

  it('ends with every row applied or rejected exactly once after a crash part-way and the retry', async () => {
    const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
    world.storage.files.set(KEY, feedOf(40, [7, 23]));
    const realUpsert = world.cases.upsertFromFeed.bind(world.cases);
    let writes = 0;
    world.cases.upsertFromFeed = async (collectionCase: CollectionCase) => {
      if (++writes === 21) throw new Error('Lambda timed out');
      return realUpsert(collectionCase);
    };
    // Requests sit in intake's buffer until ten are gathered: a crash loses the unsent ones.

    await expect(ingestFeed(world, { key: KEY, version: 'v1' })).rejects.toThrow('Lambda timed out');
    const appliedBeforeCrash = world.cases.cases.size;
    expect(appliedBeforeCrash).toBeGreaterThan(0);
    expect(appliedBeforeCrash).toBeLessThan(38);
    expect(world.storage.files.has(`reports/${KEY}.json`)).toBe(false);

    const retry = await ingestFeed(world, { key: KEY, version: 'v1' });
    await world.startQueuedEscalations();

    expect(retry.read).toBe(40);
    expect(retry.rejected).toBe(2);
    expect(retry.created + retry.unchanged).toBe(38);
    expect(retry.created).toBe(38 - appliedBeforeCrash);
    expect(world.cases.cases.size).toBe(38);
    // Rows written before the crash are asked for again (their start is not yet known to run): none is
    // lost, and the repeats are absorbed by the start's own idempotency.
    expect(retry.escalationsRequested).toBe(38 - appliedBeforeCrash);
    expect(retry.escalationsRequeued).toBe(appliedBeforeCrash);
    expect(world.escalations.calls.length).toBeGreaterThan(38);
    expect(world.escalations.started.size).toBe(38);
    expect([...world.cases.cases.values()].every((c) => c.escalationCycle === c.cycle)).toBe(true);
    const rejects = world.storage.files.get(`rejects/${KEY}.csv`)?.trim().split('\n') ?? [];
    expect(rejects.slice(1).map((line) => line.split(',')[1])).toEqual(['ACC-0007', 'ACC-0023']);
  });

  it('lets the writes in flight finish before a fault in the middle of the stream is reported', async () => {
    const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
    const realUpsert = world.cases.upsertFromFeed.bind(world.cases);
    let inFlight = 0;
    world.cases.upsertFromFeed = async (collectionCase: CollectionCase) => {
      inFlight++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return realUpsert(collectionCase);
    };
    const rows = Array.from({ length: 30 }, (_, i) => ({
      record: feedRow({ account_id: `ACC-${i}` }),
      line: i + 2,
    }));
    async function* batches() {
      yield rows.slice(0, 20);
      yield rows.slice(20);
      throw new Error('connection reset');
    }
    const bank = world.banks.get('demo-bank');
    if (!bank) throw new Error('no demo bank');
    const counts = emptyRowCounts();

    await expect(
      applyFeedRows(world, bank, batches(), counts, {
        reject: () => {},
        timeShort: () => false,
        checkpoint: async () => 'go-on',
        checkpointRows: 1_000,
      }),
    ).rejects.toThrow('connection reset');

    expect(inFlight).toBe(0);
    expect(world.cases.cases.size).toBe(30);
    expect(counts).toMatchObject({ read: 30, created: 30 });
  });
});
