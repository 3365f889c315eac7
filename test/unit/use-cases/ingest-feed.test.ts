import { describe, expect, it } from 'vitest';
import { ingestFeed } from '../../../lambdas/use-cases/ingest-feed';
import { createFakeWorld, csvOf, DEBTOR, type FakeWorld, FEED_COLUMNS, feedRow } from '../../support/fakes';

const KEY = 'incoming/demo-bank/feed-2026-03-01.csv';

function drop(world: FakeWorld, rows: Record<string, string>[], key = KEY, columns?: readonly string[]) {
  world.storage.files.set(key, csvOf(rows, columns ?? FEED_COLUMNS));
}

function storedCases(world: FakeWorld) {
  return structuredClone([...world.cases.cases.values()]);
}

describe('ingest feed: loading', () => {
  it('creates one open case per valid row, masked, and opens its escalation', async () => {
    const world = createFakeWorld();
    drop(world, [feedRow(), feedRow({ account_id: 'ACC-002', mobile: '13900001111' })]);

    const report = await ingestFeed(world, { key: KEY });

    expect(report).toMatchObject({
      read: 2,
      created: 2,
      rejected: 0,
      escalationsRequested: 2,
      quarantined: false,
    });
    expect(world.escalationQueue.sent.map((request) => request.caseId)).toEqual([
      'demo-bank:ACC-001',
      'demo-bank:ACC-002',
    ]);
    const stored = world.cases.cases.get('demo-bank:ACC-001');
    expect(stored).toMatchObject({
      bankId: 'demo-bank',
      accountId: 'ACC-001',
      status: 'open',
      asOf: '2026-03-01',
      cycle: '2026-02-17',
      daysPastDue: 12,
      bucket: 'M1',
      overdue: { amountMinor: 150000, currency: 'CNY' },
      timeZone: 'Asia/Shanghai',
      language: 'zh-CN',
      policyPack: 'cn',
      masked: { name: '张**', mobile: '138****5678', email: 'z***@example.test' },
      completedSteps: [],
    });
    expect(world.cases.cases.has('demo-bank:ACC-002')).toBe(true);
  });

  it('writes the report and an empty rejects file next to the feed', async () => {
    const world = createFakeWorld();
    drop(world, [feedRow()]);

    const report = await ingestFeed(world, { key: KEY });

    expect(JSON.parse(world.storage.files.get(`reports/${KEY}.json`) ?? '{}')).toEqual(report);
    expect(world.storage.contentTypes.get(`reports/${KEY}.json`)).toBe('application/json');
    expect(world.storage.files.get(`rejects/${KEY}.csv`)).toBe('line,account_id,field,reason\n');
  });

  it('rejects an as_of in the future (a typo that would make every true row after it stale), up to tomorrow', async () => {
    const world = createFakeWorld({ now: '2026-03-02T02:00:00Z' });
    drop(world, [
      feedRow({ account_id: 'ACC-001', as_of: '2030-01-01', due_date: '2029-12-01' }),
      feedRow({ account_id: 'ACC-002', as_of: '2026-03-03', days_past_due: '14' }),
    ]);

    const report = await ingestFeed(world, { key: KEY });

    expect(report).toMatchObject({ read: 2, created: 1, rejected: 1 });
    expect([...world.cases.cases.keys()]).toEqual(['demo-bank:ACC-002']);
    expect(world.storage.files.get(`rejects/${KEY}.csv`)).toContain('2,ACC-001,as_of,is in the future');
  });

  it('rejects bad rows with line number, field and reason while loading the rest', async () => {
    const world = createFakeWorld();
    drop(world, [
      feedRow({ account_id: 'ACC-001' }),
      feedRow({ account_id: 'ACC-002', mobile: '12345' }),
      feedRow({ account_id: 'ACC-003' }),
      feedRow({ account_id: 'ACC-004', overdue_principal: '10.123' }),
    ]);

    const report = await ingestFeed(world, { key: KEY });

    expect(report).toMatchObject({ read: 4, created: 2, rejected: 2 });
    expect([...world.cases.cases.keys()].sort()).toEqual(['demo-bank:ACC-001', 'demo-bank:ACC-003']);
    expect(world.storage.files.get(`rejects/${KEY}.csv`)).toBe(
      [
        'line,account_id,field,reason',
        '3,ACC-002,mobile,not a mobile number',
        '5,ACC-004,overdue_principal,more than 2 decimals for CNY',
        '',
      ].join('\n'),
    );
  });

  it('writes no personal data of a rejected row to the rejects file or the report', async () => {
    const world = createFakeWorld();
    const seeded = { name: '欧阳测试', mobile: '13912345678', email: 'seeded.person@example.test' };
    drop(world, [
      feedRow({
        customer_name: seeded.name,
        mobile: seeded.mobile,
        email: seeded.email,
        as_of: '2026-02-30',
      }),
      // A shifted row: the name landed in the account_id column.
      feedRow({ account_id: seeded.name, customer_name: seeded.mobile }),
    ]);

    const report = await ingestFeed(world, { key: KEY });

    expect(report.rejected).toBe(2);
    const written = [...world.storage.files.entries()].filter(([key]) => key !== KEY).map(([, body]) => body);
    for (const text of written) {
      expect(text).not.toContain(seeded.name);
      expect(text).not.toContain(seeded.mobile);
      expect(text).not.toContain('12345678');
      expect(text).not.toContain(seeded.email);
    }
    expect(world.storage.files.get(`rejects/${KEY}.csv`)).toContain('3,,account_id,');
  });
});

describe('ingest feed: an account named twice in one file', () => {
  it('loads its first row and rejects the later ones, naming the first line', async () => {
    const world = createFakeWorld();
    drop(world, [
      feedRow({ account_id: 'ACC-1', overdue_principal: '100.00' }),
      feedRow({ account_id: 'ACC-2' }),
      feedRow({ account_id: 'ACC-1', overdue_principal: '200.00' }),
      feedRow({ account_id: 'ACC-1', overdue_principal: '300.00' }),
    ]);

    const report = await ingestFeed(world, { key: KEY });

    expect(report).toMatchObject({ read: 4, created: 2, rejected: 2 });
    expect(world.cases.cases.get('demo-bank:ACC-1')?.overdue.amountMinor).toBe(10_000);
    const rejects = world.storage.files.get(`rejects/${KEY}.csv`) ?? '';
    expect(rejects).toContain('4,ACC-1,account_id,appears again in this file (first at line 2)');
    expect(rejects).toContain('5,ACC-1,account_id,appears again in this file (first at line 2)');
  });
});

describe('ingest feed: quarantine', () => {
  it('quarantines a feed for an unknown bank and applies nothing', async () => {
    const world = createFakeWorld();
    const key = 'incoming/other-bank/feed.csv';
    drop(world, [feedRow()], key);

    const report = await ingestFeed(world, { key });

    expect(report).toMatchObject({ quarantined: true, quarantineReason: 'unknown bank other-bank', read: 0 });
    expect(world.cases.cases.size).toBe(0);
    expect(world.escalations.calls).toEqual([]);
    expect(world.storage.files.has(`reports/${key}.json`)).toBe(true);
  });

  it('loads a key of 960 bytes, quarantines a longer one, and fails one whose report would not fit in S3', async () => {
    const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
    // 张 is 3 bytes in UTF-8: S3 counts a key's bytes, not its characters.
    const keyOf = (bytes: number) => {
      const head = 'incoming/demo-bank/';
      const name = `${'张'.repeat(Math.floor((bytes - head.length - 4) / 3))}.csv`;
      return `${head}${'x'.repeat(bytes - head.length - Buffer.byteLength(name))}${name}`;
    };
    const longest = keyOf(960);
    const tooLong = keyOf(961);
    const noRoom = keyOf(1015);
    expect([longest, tooLong, noRoom].map((key) => Buffer.byteLength(key))).toEqual([960, 961, 1015]);
    for (const key of [longest, tooLong, noRoom]) drop(world, [feedRow()], key);

    expect(await ingestFeed(world, { key: longest, version: 'v1' })).toMatchObject({ created: 1 });
    expect(await ingestFeed(world, { key: tooLong, version: 'v1' })).toMatchObject({
      quarantined: true,
      quarantineReason: 'the file name is too long: the key is 961 bytes, at most 960 (UTF-8)',
      read: 0,
    });
    expect(world.storage.files.has(`reports/${tooLong}.json`)).toBe(true);
    await expect(ingestFeed(world, { key: noRoom, version: 'v1' })).rejects.toMatchObject({
      name: 'FeedKeyTooLongError',
    });
    expect(world.cases.cases.size).toBe(1);
  });

  it('quarantines a key that is not incoming/<bankId>/<name>', async () => {
    const world = createFakeWorld();

    const report = await ingestFeed(world, { key: 'incoming/feed.csv' });

    expect(report).toMatchObject({
      quarantined: true,
      quarantineReason: 'key is not incoming/<bankId>/<name>',
    });
  });

  it('quarantines a feed missing a required column and applies nothing', async () => {
    const world = createFakeWorld();
    drop(
      world,
      [feedRow()],
      KEY,
      FEED_COLUMNS.filter((column) => column !== 'customer_name'),
    );

    const report = await ingestFeed(world, { key: KEY });

    expect(report.quarantined).toBe(true);
    expect(report.quarantineReason).toContain('customer_name');
    expect(world.cases.cases.size).toBe(0);
    expect(world.escalations.calls).toEqual([]);
  });

  it('accepts header names in any case and with spaces', async () => {
    const world = createFakeWorld();
    const csv = csvOf([feedRow()], FEED_COLUMNS).replace('account_id,as_of', ' Account_ID , AS_OF');
    world.storage.files.set(KEY, csv);

    const report = await ingestFeed(world, { key: KEY });

    expect(report).toMatchObject({ quarantined: false, created: 1 });
  });
});

describe('ingest feed: replays, stale rows and cures', () => {
  it('changes nothing when the same file is loaded again', async () => {
    const world = createFakeWorld();
    drop(world, [feedRow(), feedRow({ account_id: 'ACC-002' })]);
    await ingestFeed(world, { key: KEY });
    await world.startQueuedEscalations();
    const before = storedCases(world);

    const second = await ingestFeed(world, { key: KEY });

    expect(second).toMatchObject({
      read: 2,
      created: 0,
      updated: 0,
      unchanged: 2,
      escalationsRequested: 0,
      escalationsRequeued: 0,
    });
    expect(storedCases(world)).toEqual(before);
  });

  it('ignores a row older than the stored one', async () => {
    const world = createFakeWorld();
    drop(world, [feedRow()]);
    await ingestFeed(world, { key: KEY });
    const olderKey = 'incoming/demo-bank/feed-2026-02-28.csv';
    drop(world, [feedRow({ as_of: '2026-02-28', days_past_due: '11', overdue_principal: '9.99' })], olderKey);

    const report = await ingestFeed(world, { key: olderKey });

    expect(report).toMatchObject({ stale: 1, updated: 0, created: 0 });
    expect(world.cases.cases.get('demo-bank:ACC-001')).toMatchObject({
      asOf: '2026-03-01',
      overdue: { amountMinor: 150000 },
    });
  });

  it('updates a case from a newer row and keeps its progress in the same cycle', async () => {
    const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
    drop(world, [feedRow()]);
    await ingestFeed(world, { key: KEY });
    await world.cases.markStepCompleted('demo-bank:ACC-001', '2026-02-17', 'sms-courtesy', world.clock.now());
    world.clock.set('2026-03-02T02:00:00Z');
    const nextKey = 'incoming/demo-bank/feed-2026-03-02.csv';
    drop(
      world,
      [feedRow({ as_of: '2026-03-02', days_past_due: '13', overdue_principal: '1600.00' })],
      nextKey,
    );

    const report = await ingestFeed(world, { key: nextKey });

    expect(report).toMatchObject({ updated: 1, escalationsRequested: 0 });
    expect(world.cases.cases.get('demo-bank:ACC-001')).toMatchObject({
      asOf: '2026-03-02',
      daysPastDue: 13,
      overdue: { amountMinor: 160000 },
      completedSteps: ['sms-courtesy'],
      lastStepAt: '2026-03-01T02:00:00.000Z',
      createdAt: '2026-03-01T02:00:00.000Z',
      updatedAt: '2026-03-02T02:00:00.000Z',
    });
  });

  it('starts a new escalation with a fresh ladder when a new delinquency cycle begins', async () => {
    const world = createFakeWorld();
    drop(world, [feedRow()]);
    await ingestFeed(world, { key: KEY });
    await world.cases.markStepCompleted('demo-bank:ACC-001', '2026-02-17', 'sms-courtesy', world.clock.now());
    const nextKey = 'incoming/demo-bank/feed-2026-04-20.csv';
    drop(world, [feedRow({ as_of: '2026-04-20', due_date: '2026-04-17', days_past_due: '3' })], nextKey);
    world.clock.set('2026-04-20T02:00:00Z');

    const report = await ingestFeed(world, { key: nextKey });
    await world.startQueuedEscalations();

    expect(report).toMatchObject({ updated: 1, escalationsRequested: 1 });
    expect(world.cases.cases.get('demo-bank:ACC-001')).toMatchObject({
      cycle: '2026-04-17',
      completedSteps: [],
      escalationCycle: '2026-04-17',
    });
    expect([...world.escalations.started.keys()]).toEqual([
      'demo-bank_ACC-001_2026-02-17',
      'demo-bank_ACC-001_2026-04-17',
    ]);
  });

  it('closes a case whose overdue amount falls to zero, without escalating', async () => {
    const world = createFakeWorld();
    drop(world, [feedRow()]);
    await ingestFeed(world, { key: KEY });
    const nextKey = 'incoming/demo-bank/feed-2026-03-02.csv';
    drop(world, [feedRow({ as_of: '2026-03-02', days_past_due: '13', overdue_principal: '0.00' })], nextKey);

    const report = await ingestFeed(world, { key: nextKey });

    expect(report).toMatchObject({ cured: 1, updated: 0, escalationsRequested: 0 });
    expect(world.cases.cases.get('demo-bank:ACC-001')?.status).toBe('closed');
    expect(world.escalationQueue.sent.map((request) => request.action)).toEqual(['start', 'stop']);
    await world.startQueuedEscalations();
    expect(world.escalations.stopped).toEqual(['demo-bank_ACC-001_2026-02-17']);
  });

  it('opens a new account that owes nothing as closed and starts no escalation', async () => {
    const world = createFakeWorld();
    drop(world, [feedRow({ overdue_principal: '0' })]);

    const report = await ingestFeed(world, { key: KEY });

    expect(report).toMatchObject({ cured: 1, created: 0, escalationsRequested: 0 });
    expect(world.cases.cases.get('demo-bank:ACC-001')?.status).toBe('closed');
    expect(world.escalationQueue.sent).toEqual([]);
  });
});

describe('ingest feed: escalations and sealing', () => {
  it('names the escalation after bank, account and cycle, and starts it once across replays', async () => {
    const world = createFakeWorld();
    drop(world, [feedRow()]);

    await ingestFeed(world, { key: KEY });
    await world.startQueuedEscalations();
    await ingestFeed(world, { key: KEY });
    await world.startQueuedEscalations();

    // The replay finds the escalation recorded as running and asks for nothing.
    expect(world.escalations.calls.map((call) => call.name)).toEqual(['demo-bank_ACC-001_2026-02-17']);
    expect([...world.escalations.started.entries()]).toEqual([
      ['demo-bank_ACC-001_2026-02-17', { caseId: 'demo-bank:ACC-001', cycle: '2026-02-17', run: 0 }],
    ]);
  });

  it('stores personal fields sealed, with no plain value, and they open back to the row values', async () => {
    const world = createFakeWorld();
    drop(world, [feedRow()]);

    await ingestFeed(world, { key: KEY });

    const stored = world.cases.cases.get('demo-bank:ACC-001');
    if (!stored) throw new Error('case not stored');
    const text = JSON.stringify(stored);
    for (const plain of [DEBTOR.name, DEBTOR.mobile, DEBTOR.email, '12345678'])
      expect(text).not.toContain(plain);
    expect([...stored.pii.fields].sort()).toEqual(['email', 'mobile', 'name']);
    const context = { bankId: 'demo-bank', accountId: 'ACC-001' };
    await expect(world.vault.open(context, stored.pii, 'name')).resolves.toBe(DEBTOR.name);
    await expect(world.vault.open(context, stored.pii, 'mobile')).resolves.toBe(DEBTOR.mobileE164);
    await expect(world.vault.open(context, stored.pii, 'email')).resolves.toBe(DEBTOR.email);
  });

  it('asks for one data key for a whole feed', async () => {
    const world = createFakeWorld();
    drop(
      world,
      Array.from({ length: 40 }, (_, index) => feedRow({ account_id: `ACC-${index}` })),
    );

    await ingestFeed(world, { key: KEY });

    expect(world.keys.calls).toBe(1);
  });
});
