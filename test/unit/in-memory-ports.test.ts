/** The in-memory ports keep the semantics of the DynamoDB and Step Functions adapters the unit tests stand in for. */

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CollectionCase } from '../../lambdas/domain/collection-case';
import {
  createFakeWorld,
  FakeClock,
  InMemoryCaseStore,
  InMemoryFeedStorage,
  InMemoryTrail,
  RecordingEscalationStarter,
  sealedCase,
} from '../support/fakes';

const CASE_ID = 'demo-bank:ACC-001';

async function feedCase(overrides: Partial<CollectionCase> = {}): Promise<CollectionCase> {
  return { ...(await sealedCase(createFakeWorld().vault)), ...overrides };
}

async function readAll(storage: InMemoryFeedStorage, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.open(key)) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

describe('InMemoryCaseStore (DynamoCaseStore semantics)', () => {
  it('creates an absent case with no progress, whatever the row carried', async () => {
    const store = new InMemoryCaseStore();

    const outcome = await store.upsertFromFeed(
      await feedCase({ completedSteps: ['sms-courtesy'], lastStepAt: '2026-03-01T02:00:00.000Z' }),
    );

    expect(outcome).toBe('created');
    expect(store.cases.get(CASE_ID)?.completedSteps).toEqual([]);
    expect(store.cases.get(CASE_ID)).not.toHaveProperty('lastStepAt');
  });

  it('answers unchanged for the same asOf and stale for an earlier one, writing nothing', async () => {
    const store = new InMemoryCaseStore();
    await store.upsertFromFeed(await feedCase({ asOf: '2026-03-02' }));
    const before = structuredClone(store.cases.get(CASE_ID));

    const same = await store.upsertFromFeed(await feedCase({ asOf: '2026-03-02', daysPastDue: 99 }));
    const older = await store.upsertFromFeed(await feedCase({ asOf: '2026-03-01', daysPastDue: 98 }));

    expect([same, older]).toEqual(['unchanged', 'stale']);
    expect(store.cases.get(CASE_ID)).toEqual(before);
  });

  it('updates from a later asOf and keeps progress and createdAt in the same cycle', async () => {
    const store = new InMemoryCaseStore();
    await store.upsertFromFeed(await feedCase({ createdAt: '2026-03-01T00:00:00.000Z' }));
    await store.markStepCompleted(CASE_ID, 'sms-courtesy', new Date('2026-03-01T02:00:00Z'));

    const outcome = await store.upsertFromFeed(
      await feedCase({ asOf: '2026-03-02', daysPastDue: 13, createdAt: '2026-03-02T00:00:00.000Z' }),
    );

    expect(outcome).toBe('updated');
    expect(store.cases.get(CASE_ID)).toMatchObject({
      asOf: '2026-03-02',
      daysPastDue: 13,
      completedSteps: ['sms-courtesy'],
      lastStepAt: '2026-03-01T02:00:00.000Z',
      createdAt: '2026-03-01T00:00:00.000Z',
    });
  });

  it('resets progress when a newer row starts a new delinquency cycle', async () => {
    const store = new InMemoryCaseStore();
    await store.upsertFromFeed(await feedCase());
    await store.markStepCompleted(CASE_ID, 'sms-courtesy', new Date('2026-03-01T02:00:00Z'));

    await store.upsertFromFeed(
      await feedCase({ asOf: '2026-04-20', cycle: '2026-04-17', dueDate: '2026-04-17' }),
    );

    expect(store.cases.get(CASE_ID)).toMatchObject({ cycle: '2026-04-17', completedSteps: [] });
  });

  it('removes the card and lookup indexes a newer row leaves out', async () => {
    const store = new InMemoryCaseStore();
    await store.upsertFromFeed(await feedCase({ mobileIndex: 'idx-m', cardLast4Index: 'idx-c' }));
    const { cardLast4: _card, ...withoutCard } = await feedCase({ asOf: '2026-03-02' });

    await store.upsertFromFeed(withoutCard);

    const stored = store.cases.get(CASE_ID);
    expect(stored).not.toHaveProperty('cardLast4');
    expect(stored).not.toHaveProperty('mobileIndex');
    expect(stored).not.toHaveProperty('cardLast4Index');
    await expect(store.findByLookup('mobile', 'idx-m')).resolves.toEqual([]);
  });

  it('marks a step once and ignores an unknown case', async () => {
    const store = new InMemoryCaseStore();
    await store.upsertFromFeed(await feedCase());

    await store.markStepCompleted(CASE_ID, 'sms-courtesy', new Date('2026-03-01T02:00:00Z'));
    await store.markStepCompleted(CASE_ID, 'sms-courtesy', new Date('2026-03-05T02:00:00Z'));
    await store.markStepCompleted('demo-bank:NOPE', 'sms-courtesy', new Date('2026-03-01T02:00:00Z'));

    expect(store.cases.get(CASE_ID)).toMatchObject({
      completedSteps: ['sms-courtesy'],
      lastStepAt: '2026-03-01T02:00:00.000Z',
    });
    expect(store.cases.has('demo-bank:NOPE')).toBe(false);
  });

  it('hands out copies, so a caller mutating one changes nothing stored', async () => {
    const store = new InMemoryCaseStore();
    await store.upsertFromFeed(await feedCase());

    const copy = (await store.get(CASE_ID)) as unknown as { completedSteps: string[] };
    copy.completedSteps.push('sms-courtesy');

    expect(store.cases.get(CASE_ID)?.completedSteps).toEqual([]);
  });
});

describe('InMemoryTrail (DynamoTrail semantics)', () => {
  it('appends an entry id once per case and lists a case in time order', async () => {
    const trail = new InMemoryTrail();
    const entry = {
      caseId: CASE_ID,
      kind: 'contact.sent' as const,
      at: new Date('2026-03-02T02:00:00Z'),
      actor: 'system:test',
      entryId: 'contact.sent#x',
      detail: {},
    };

    const first = await trail.append(entry);
    const again = await trail.append({ ...entry, at: new Date('2026-03-03T02:00:00Z') });
    await trail.append({ ...entry, entryId: 'earlier', at: new Date('2026-03-01T02:00:00Z') });

    expect([first, again]).toEqual([true, false]);
    expect((await trail.list(CASE_ID)).map((e) => e.entryId)).toEqual(['earlier', 'contact.sent#x']);
    expect(await trail.list('demo-bank:OTHER')).toEqual([]);
  });
});

describe('RecordingEscalationStarter (Step Functions names)', () => {
  it('starts a name once and answers false to a repeat, like ExecutionAlreadyExists', async () => {
    const starter = new RecordingEscalationStarter();
    const input = { caseId: CASE_ID, cycle: '2026-02-17' };

    const results = [await starter.start('n-1', input), await starter.start('n-1', input)];

    expect(results).toEqual([true, false]);
    expect(starter.started.size).toBe(1);
    expect(starter.calls).toHaveLength(2);
  });
});

describe('InMemoryFeedStorage and FakeClock', () => {
  it('streams text and binary objects back byte for byte, and fails on a missing key', async () => {
    const storage = new InMemoryFeedStorage();
    const gzipped = gzipSync('a,b\n1,2\n');
    storage.drop('incoming/demo-bank/a.csv', 'a,b\n').drop('incoming/demo-bank/b.csv.gz', gzipped);

    expect((await readAll(storage, 'incoming/demo-bank/a.csv')).toString()).toBe('a,b\n');
    expect((await readAll(storage, 'incoming/demo-bank/b.csv.gz')).equals(gzipped)).toBe(true);
    await expect(storage.open('incoming/demo-bank/none.csv')).rejects.toThrow(/NoSuchKey/);
    await expect(storage.readText('reports/none.json')).resolves.toBeUndefined();
  });

  it('moves the clock only when told to', () => {
    const clock = new FakeClock('2026-03-01T15:00:00Z');

    expect(clock.now().toISOString()).toBe('2026-03-01T15:00:00.000Z');
    expect(clock.advance(9 * 3_600_000).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(clock.set('2026-03-15T01:00:00Z').toISOString()).toBe('2026-03-15T01:00:00.000Z');
  });
});
