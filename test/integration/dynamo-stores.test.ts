/** The DynamoDB adapters against a real DynamoDB Local, on the tables exactly as the CDK app declares them. */

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '../../lambdas/adapters/aws/dynamo-case-store';
import { DynamoTrail } from '../../lambdas/adapters/aws/dynamo-trail';
import type { CollectionCase } from '../../lambdas/domain/collection-case';
import { type DynamoTestBed, startDynamoTestBed } from '../support/dynamodb';

let bed: DynamoTestBed;
let cases: DynamoCaseStore;
let trail: DynamoTrail;

beforeAll(async () => {
  bed = await startDynamoTestBed();
  cases = new DynamoCaseStore(bed.documents, bed.casesTable);
  trail = new DynamoTrail(bed.documents, bed.trailTable);
});

afterAll(async () => {
  await bed?.dynamo.stop();
});

function aCase(overrides: Partial<CollectionCase> = {}): CollectionCase {
  const accountId = overrides.accountId ?? `A${randomUUID().slice(0, 12)}`;
  return {
    caseId: `demo-bank:${accountId}`,
    bankId: 'demo-bank',
    accountId,
    status: 'open',
    asOf: '2026-11-20',
    cycle: '2026-11-10',
    dueDate: '2026-11-10',
    daysPastDue: 10,
    bucket: 'M1',
    overdue: { amountMinor: 123456, currency: 'CNY' },
    timeZone: 'Asia/Shanghai',
    language: 'zh-CN',
    flags: [],
    policyPack: 'cn',
    pii: { wrappedKey: 'v1.d3JhcHBlZA==', fields: ['name'], ciphertext: 'c2VhbGVk' },
    masked: { name: '王*' },
    completedSteps: [],
    createdAt: '2026-11-20T01:00:00.000Z',
    updatedAt: '2026-11-20T01:00:00.000Z',
    ...overrides,
  };
}

describe('DynamoCaseStore on DynamoDB Local', () => {
  it('creates a case and reads it back whole', async () => {
    const fresh = aCase();
    expect(await cases.upsertFromFeed(fresh)).toBe('created');
    expect(await cases.get(fresh.caseId)).toEqual(fresh);
  });

  it('treats a replayed row (same as_of) as unchanged and an older one as stale', async () => {
    const fresh = aCase();
    await cases.upsertFromFeed(fresh);
    expect(await cases.upsertFromFeed({ ...fresh, daysPastDue: 99 })).toBe('unchanged');
    expect(await cases.upsertFromFeed({ ...fresh, asOf: '2026-11-19', daysPastDue: 9 })).toBe('stale');
    expect((await cases.get(fresh.caseId))?.daysPastDue).toBe(10);
  });

  it('updates from a newer row but keeps the steps done and the creation time', async () => {
    const fresh = aCase();
    await cases.upsertFromFeed(fresh);
    await cases.markStepCompleted(fresh.caseId, 'sms-courtesy', new Date('2026-11-20T02:00:00Z'));
    const outcome = await cases.upsertFromFeed({
      ...fresh,
      asOf: '2026-11-21',
      daysPastDue: 11,
      createdAt: '2026-11-21T01:00:00.000Z',
    });
    const stored = await cases.get(fresh.caseId);
    expect(outcome).toBe('updated');
    expect(stored?.daysPastDue).toBe(11);
    expect(stored?.completedSteps).toEqual(['sms-courtesy']);
    expect(stored?.createdAt).toBe(fresh.createdAt);
  });

  it('starts the ladder again when a new delinquency cycle arrives', async () => {
    const fresh = aCase();
    await cases.upsertFromFeed(fresh);
    await cases.markStepCompleted(fresh.caseId, 'sms-courtesy', new Date());
    await cases.upsertFromFeed({ ...fresh, asOf: '2027-01-20', cycle: '2027-01-10', dueDate: '2027-01-10' });
    expect((await cases.get(fresh.caseId))?.completedSteps).toEqual([]);
  });

  it('records a step once however often it is marked', async () => {
    const fresh = aCase();
    await cases.upsertFromFeed(fresh);
    await Promise.all([1, 2, 3].map(() => cases.markStepCompleted(fresh.caseId, 'sms-courtesy', new Date())));
    expect((await cases.get(fresh.caseId))?.completedSteps).toEqual(['sms-courtesy']);
  });

  it('keeps the newest snapshot when rows for one account race', async () => {
    const fresh = aCase();
    const days = ['2026-11-21', '2026-11-25', '2026-11-22', '2026-11-24', '2026-11-23'];
    await Promise.all(days.map((asOf) => cases.upsertFromFeed({ ...fresh, asOf })));
    expect((await cases.get(fresh.caseId))?.asOf).toBe('2026-11-25');
  });
});

describe('DynamoTrail on DynamoDB Local', () => {
  it('appends an entry id once, so a redelivered step records nothing twice', async () => {
    const caseId = `demo-bank:T${randomUUID().slice(0, 8)}`;
    const entry = {
      caseId,
      kind: 'contact.sent' as const,
      at: new Date('2026-11-20T02:00:00Z'),
      actor: 'system:test',
      entryId: 'contact#2026-11-10#sms-courtesy',
      detail: { channel: 'sms' },
    };
    expect(await trail.append(entry)).toBe(true);
    expect(await trail.append({ ...entry, at: new Date('2026-11-20T03:00:00Z') })).toBe(false);
    const listed = await trail.list(caseId);
    expect(listed).toHaveLength(1);
    expect(listed[0]?.at.toISOString()).toBe('2026-11-20T02:00:00.000Z');
  });

  it('lists a case’s entries oldest first', async () => {
    const caseId = `demo-bank:T${randomUUID().slice(0, 8)}`;
    for (const [entryId, at] of [
      ['b', '2026-11-22T00:00:00Z'],
      ['a', '2026-11-23T00:00:00Z'],
      ['c', '2026-11-21T00:00:00Z'],
    ] as const) {
      await trail.append({ caseId, kind: 'case.viewed', at: new Date(at), actor: 'u1', entryId, detail: {} });
    }
    expect((await trail.list(caseId)).map((e) => e.entryId)).toEqual(['c', 'b', 'a']);
  });
});

describe('DynamoCaseStore optional attributes', () => {
  it('drops the card last four digits when a newer row leaves them out', async () => {
    const fresh = aCase({ cardLast4: '4321' });
    await cases.upsertFromFeed(fresh);
    const { cardLast4: _, ...withoutCard } = { ...fresh, asOf: '2026-11-21' };
    await cases.upsertFromFeed(withoutCard);
    expect((await cases.get(fresh.caseId))?.cardLast4).toBeUndefined();
  });
});
