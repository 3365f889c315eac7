/**
 * A daily feed finishes: intake checkpoints as it goes, hands a file it cannot finish in time to the next
 * invocation, and a run that dies is retried from its last checkpoint — with the same result as one run.
 */

import { describe, expect, it } from 'vitest';
import type { FeedHandOver } from '../../../lambdas/ports/workflow';
import { type FeedReport, ingestFeed } from '../../../lambdas/use-cases/ingest-feed';
import { postPayments } from '../../../lambdas/use-cases/post-payments';
import { createFakeWorld, csvOf, type FakeWorld, feedRow } from '../../support/fakes';

const KEY = 'incoming/demo-bank/daily.csv';
const ROWS = 250;

function dailyFeed(): string {
  return csvOf(
    Array.from({ length: ROWS }, (_, i) =>
      feedRow({ account_id: `ACC-${String(i).padStart(4, '0')}`, ...(i % 40 === 7 ? { as_of: 'bad' } : {}) }),
    ),
  );
}

/** A world whose invocations have a time budget: `rowsPerInvocation` rows' worth before the margin is reached. */
function worldWithBudget(rowsPerInvocation: number) {
  const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
  world.storage.drop(KEY, dailyFeed());
  const handOvers: FeedHandOver[] = [];
  const deps = {
    ...world,
    checkpointRows: 50,
    continuation: { continueLater: async (file: FeedHandOver) => void handOvers.push(file) },
  };
  const budget = () => {
    const writesAtStart = world.cases.writes.length;
    // Time is short once this invocation has written its share of rows.
    return {
      remainingMs: () => (world.cases.writes.length - writesAtStart >= rowsPerInvocation ? 1_000 : 600_000),
    };
  };
  return { world, deps, handOvers, budget };
}

function oneRun(): Promise<{ world: FakeWorld; report: FeedReport }> {
  const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
  world.storage.drop(KEY, dailyFeed());
  return ingestFeed(world, { key: KEY, version: 'v1' }).then((report) => ({ world, report }));
}

describe('a feed too long for one invocation', () => {
  it('checkpoints, hands over to the next invocation, and ends with the report one run would write', async () => {
    const { world, deps, handOvers, budget } = worldWithBudget(90);

    const reports: FeedReport[] = [];
    let file = { key: KEY, version: 'v1', size: 1234 };
    for (let invocation = 0; invocation < 10; invocation++) {
      const report = await ingestFeed(deps, { ...file, budget: budget() });
      reports.push(report);
      if (!report.continues) break;
      const handOver = handOvers.at(-1);
      if (!handOver) throw new Error('continued without a hand-over');
      file = { key: handOver.key, version: handOver.version, size: handOver.size ?? 0 };
    }

    expect(reports.length).toBeGreaterThan(2);
    expect(reports.slice(0, -1).every((report) => report.continues)).toBe(true);
    expect(handOvers.every((h) => h.key === KEY && h.version === 'v1' && h.size === 1234)).toBe(true);
    const final = reports.at(-1) as FeedReport;
    const single = await oneRun();
    for (const count of ['read', 'created', 'rejected', 'unchanged', 'escalationsRequested'] as const) {
      expect(final[count], count).toBe(single.report[count]);
    }
    // Each row written once: a continuation skips the rows before its checkpoint.
    expect(world.cases.writes).toHaveLength(single.world.cases.writes.length);
    expect(world.storage.files.get(`rejects/${KEY}.csv`)).toBe(
      single.world.storage.files.get(`rejects/${KEY}.csv`),
    );
    // Rejects left memory at every checkpoint, as parts, and were joined into the file as a stream.
    const parts = [...world.storage.files.keys()].filter((key) => /\/rejects\/\d{6}\.csv$/.test(key));
    expect(parts.length).toBeGreaterThan(1);
    expect(world.storage.streamed).toContain(`rejects/${KEY}.csv`);
    const written = JSON.parse(world.storage.files.get(`reports/${KEY}.json`) ?? '{}');
    expect(written).toMatchObject({ read: ROWS });
    expect(written).not.toHaveProperty('continues');
    expect(final.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('resumes a run that died after a checkpoint from that checkpoint, not from the start', async () => {
    const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
    world.storage.drop(KEY, dailyFeed());
    const deps = { ...world, checkpointRows: 50 };
    const realUpsert = world.cases.upsertFromFeed.bind(world.cases);
    world.cases.upsertFromFeed = async (collectionCase) => {
      if (world.cases.writes.length === 130) throw new Error('Task timed out after 900.00 seconds');
      return realUpsert(collectionCase);
    };
    await expect(ingestFeed(deps, { key: KEY, version: 'v1' })).rejects.toThrow('timed out');
    const checkpoint = JSON.parse(world.storage.files.get(checkpointKey(world)) ?? '{}');
    expect(checkpoint).toMatchObject({ sourceVersion: 'v1', rowsDone: 128 });

    world.cases.upsertFromFeed = realUpsert;
    const writesBefore = world.cases.writes.length;
    const report = await ingestFeed(deps, { key: KEY, version: 'v1' });

    expect(report).toMatchObject({ read: ROWS });
    expect(report.continues).toBeUndefined();
    expect(report.created + report.unchanged).toBe(ROWS - report.rejected);
    // Only the rows after the checkpoint are read again (the few written after it count as unchanged).
    expect(world.cases.writes.length - writesBefore).toBeLessThan(ROWS - 120);
    expect(world.cases.cases.size).toBe(ROWS - report.rejected);
  });

  it('checkpoints payments the same way', async () => {
    const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
    world.storage.drop(KEY, dailyFeed());
    await ingestFeed(world, { key: KEY });
    const paymentsKey = 'payments/demo-bank/today.csv';
    world.storage.drop(
      paymentsKey,
      csvOf(
        Array.from({ length: 120 }, (_, i) => ({
          payment_id: `P-${i}`,
          account_id: `ACC-${String(i).padStart(4, '0')}`,
          amount: '10.00',
          paid_at: '2026-03-01T09:30:00+08:00',
        })),
      ),
    );
    const handOvers: FeedHandOver[] = [];
    let budgetLeft = 2;
    const deps = {
      ...world,
      checkpointRows: 50,
      continuation: { continueLater: async (f: FeedHandOver) => void handOvers.push(f) },
    };

    const first = await postPayments(deps, {
      key: paymentsKey,
      version: 'p1',
      budget: { remainingMs: () => (--budgetLeft > 0 ? 600_000 : 0) },
    });
    const second = await postPayments(deps, { key: paymentsKey, version: 'p1' });

    expect(first.continues).toBe(true);
    expect(handOvers).toHaveLength(1);
    expect(second).toMatchObject({ read: 120, applied: 117, rejected: 3, duplicate: 0 });
    expect(world.trail.ofKind('payment.posted')).toHaveLength(117);
  });
});

function checkpointKey(world: FakeWorld): string {
  const key = [...world.storage.files.keys()].find((k) => k.endsWith('/checkpoint.json'));
  if (!key) throw new Error('no checkpoint written');
  return key;
}
