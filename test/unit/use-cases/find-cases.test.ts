import { createHmac } from 'node:crypto';
/** Staff find cases by phone, national ID or card last four through blind indexes, never by decrypting. */

import { describe, expect, it } from 'vitest';
import { HmacBlindIndex } from '../../../lambdas/adapters/hmac-blind-index';
import { LocalIndexKeySource } from '../../../lambdas/adapters/local/local-index-key-source';
import { ValidationError } from '../../../lambdas/domain/errors';
import type { StaffMember } from '../../../lambdas/domain/staff';
import { makeFindCasesHandler } from '../../../lambdas/handlers/api-find-cases';
import { findCases } from '../../../lambdas/use-cases/find-cases';
import { ingestFeed } from '../../../lambdas/use-cases/ingest-feed';
import { createFakeWorld, csvOf, DEBTOR, DEMO_BANK_CONFIG, feedRow } from '../../support/fakes';

const collector: StaffMember = { userId: 'staff-7', bankId: 'demo-bank', groups: ['collector'] };
const OTHER_BANK = { ...DEMO_BANK_CONFIG, bankId: 'other-bank', displayName: 'Other Bank' };

async function worldWithFeeds() {
  const world = createFakeWorld({ now: '2026-03-01T02:00:00Z', banks: [DEMO_BANK_CONFIG, OTHER_BANK] });
  world.storage.files.set(
    'incoming/demo-bank/a.csv',
    csvOf([
      feedRow({ account_id: 'ACC-1' }),
      feedRow({ account_id: 'ACC-2', mobile: '13900001111', card_last4: '9999' }),
    ]),
  );
  // The same person is a customer of another bank too.
  world.storage.files.set('incoming/other-bank/b.csv', csvOf([feedRow({ account_id: 'ACC-1' })]));
  await ingestFeed(world, { key: 'incoming/demo-bank/a.csv' });
  await ingestFeed(world, { key: 'incoming/other-bank/b.csv' });
  return world;
}

describe('find cases by blind index', () => {
  it('finds the case by mobile in any common writing of the number', async () => {
    const world = await worldWithFeeds();
    for (const value of [DEBTOR.mobile, DEBTOR.mobileE164, '138-1234-5678', '138 1234 5678']) {
      const found = await findCases(world, { staff: collector, kind: 'mobile', value });
      expect(found.map((c) => c.caseId)).toEqual(['demo-bank:ACC-1']);
    }
  });

  it('finds by card last four and returns masked views only', async () => {
    const world = await worldWithFeeds();
    const found = await findCases(world, { staff: collector, kind: 'cardLast4', value: '9999' });
    expect(found.map((c) => c.caseId)).toEqual(['demo-bank:ACC-2']);
    expect(JSON.stringify(found)).not.toContain('13900001111');
    expect(found[0]?.customer.mobile).toBe('139****1111');
  });

  it('never returns another bank’s case for the same person', async () => {
    const world = await worldWithFeeds();
    const outsider: StaffMember = { userId: 'staff-9', bankId: 'other-bank', groups: ['collector'] };
    const found = await findCases(world, { staff: outsider, kind: 'mobile', value: DEBTOR.mobile });
    expect(found.map((c) => c.caseId)).toEqual(['other-bank:ACC-1']);
  });

  it('keys the index per bank, so the same phone indexes differently in two banks', async () => {
    const world = await worldWithFeeds();
    const mine = world.cases.cases.get('demo-bank:ACC-1')?.mobileIndex;
    const theirs = world.cases.cases.get('other-bank:ACC-1')?.mobileIndex;
    expect(mine).toBeDefined();
    expect(theirs).toBeDefined();
    expect(mine).not.toBe(theirs);
    expect(JSON.stringify(world.cases.cases.get('demo-bank:ACC-1'))).not.toContain(DEBTOR.mobile);
  });

  it('records each case shown by a search in the audit trail', async () => {
    const world = await worldWithFeeds();
    await findCases(world, { staff: collector, kind: 'mobile', value: DEBTOR.mobile });
    await findCases(world, { staff: collector, kind: 'mobile', value: DEBTOR.mobile });
    // Two searches at the same instant: two records each, never one dropped as a repeat.
    const viewed = world.trail.ofKind('case.viewed');
    expect(viewed).toHaveLength(2);
    expect(viewed[0]).toMatchObject({
      caseId: 'demo-bank:ACC-1',
      actor: 'staff-7',
      detail: { via: 'search:mobile' },
    });
  });

  it('rejects a value that cannot be a mobile number, naming the field', async () => {
    const world = await worldWithFeeds();
    const error = await findCases(world, { staff: collector, kind: 'mobile', value: '12' }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('mobile');
  });

  it('derives each bank key once however many rows are indexed', async () => {
    const source = new LocalIndexKeySource(Buffer.alloc(32, 1));
    const index = new HmacBlindIndex(source);
    const a = await index.compute('demo-bank', 'mobile', '+8613812345678');
    const b = await index.compute('demo-bank', 'mobile', '+8613812345678');
    await index.compute('demo-bank', 'cardLast4', '1234');
    expect(a).toBe(b);
    expect(source.calls).toBe(1);
    expect(await index.compute('demo-bank', 'cardLast4', '1234')).not.toBe(
      await index.compute('demo-bank', 'mobile', '1234'),
    );
  });
  it('indexes a batch with the same keyed hash as one lookup, the memoised last four digits included', async () => {
    const source = new LocalIndexKeySource(Buffer.alloc(32, 1));
    const index = new HmacBlindIndex(source);
    const key = await source.bankKey('demo-bank');
    const expected = (kind: string, value: string) =>
      createHmac('sha256', key).update(`${kind}|${value}`).digest('base64url');
    const forDemo = await index.forBank('demo-bank');
    for (const last4 of ['1234', '1234', '9876']) {
      expect(forDemo('cardLast4', last4)).toBe(expected('cardLast4', last4));
      expect(await index.compute('demo-bank', 'cardLast4', last4)).toBe(forDemo('cardLast4', last4));
    }
    expect(forDemo('mobile', '+8613812345678')).toBe(expected('mobile', '+8613812345678'));
    // Memoised per bank: another bank's index of the same digits is its own.
    expect((await index.forBank('other-bank'))('cardLast4', '1234')).not.toBe(forDemo('cardLast4', '1234'));
  });

  it('asks for a bank key again after a failed derivation', async () => {
    let calls = 0;
    const index = new HmacBlindIndex({
      bankKey: async () => {
        calls++;
        if (calls === 1) throw new Error('KMS unavailable');
        return Buffer.alloc(32, 3);
      },
    });
    await expect(index.forBank('demo-bank')).rejects.toThrow('KMS unavailable');
    await expect(index.compute('demo-bank', 'cardLast4', '1234')).resolves.toMatch(/^[\w-]{43}$/);
    expect(calls).toBe(2);
  });
});

describe('GET /cases handler', () => {
  const claims = { sub: 'staff-7', 'custom:bankId': 'demo-bank', 'cognito:groups': ['collector'] };
  const event = (query: Record<string, string> | null) =>
    ({ queryStringParameters: query, requestContext: { authorizer: { claims } } }) as never;

  it('answers 400 naming the query when no identifier or two are given', async () => {
    const world = await worldWithFeeds();
    const handler = makeFindCasesHandler(() => world);
    for (const query of [null, { mobile: DEBTOR.mobile, cardLast4: '4321' }]) {
      const response = await handler(event(query));
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body).field).toBe('query');
    }
  });

  it('answers 400 naming the parameter when it is given twice (API Gateway would hand over the last)', async () => {
    const world = await worldWithFeeds();
    const response = await makeFindCasesHandler(() => world)({
      queryStringParameters: { mobile: DEBTOR.mobile },
      multiValueQueryStringParameters: { mobile: ['13900000000', DEBTOR.mobile] },
      requestContext: { authorizer: { claims } },
    } as never);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ field: 'mobile' });
  });

  it('answers 200 with the masked matches', async () => {
    const world = await worldWithFeeds();
    const response = await makeFindCasesHandler(() => world)(event({ cardLast4: '4321' }));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).cases.map((c: { caseId: string }) => c.caseId)).toEqual([
      'demo-bank:ACC-1',
    ]);
  });
});
