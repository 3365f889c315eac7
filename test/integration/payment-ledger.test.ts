/** The payment ledger's transaction on a real DynamoDB Local: once per payment id, races included. */

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '../../lambdas/adapters/aws/dynamo-case-store';
import { DynamoPaymentLedger } from '../../lambdas/adapters/aws/dynamo-payment-ledger';
import { DynamoTrail } from '../../lambdas/adapters/aws/dynamo-trail';
import type { Payment } from '../../lambdas/domain/payment-row';
import { type DynamoTestBed, startDynamoTestBed } from '../support/dynamodb';
import { localVault, sealedCase } from '../support/fakes';

let bed: DynamoTestBed;
let cases: DynamoCaseStore;
let ledger: DynamoPaymentLedger;

beforeAll(async () => {
  bed = await startDynamoTestBed();
  cases = new DynamoCaseStore(bed.documents, bed.casesTable);
  ledger = new DynamoPaymentLedger(bed.documents, bed.casesTable, bed.trailTable);
});

afterAll(async () => {
  await bed?.dynamo.stop();
});

async function openCase(): Promise<string> {
  const accountId = `P${randomUUID().slice(0, 10)}`;
  const stored = await sealedCase(localVault().vault, { accountId }); // 1500.00 CNY overdue
  await cases.upsertFromFeed(stored);
  return stored.caseId;
}

const pay = (paymentId: string, amountMinor: number, currency = 'CNY'): Payment => ({
  paymentId,
  accountId: 'x',
  amount: { amountMinor, currency },
  paidAt: '2026-03-01T01:30:00.000Z',
});
const AT = new Date('2026-03-01T02:00:00Z');

describe('DynamoPaymentLedger on DynamoDB Local', () => {
  it('applies a payment once, however often it is posted', async () => {
    const caseId = await openCase();
    expect(await ledger.post(caseId, pay('P1', 20_000), AT)).toMatchObject({
      outcome: 'applied',
      remainingMinor: 130_000,
    });
    expect(await ledger.post(caseId, pay('P1', 20_000), AT)).toEqual({ outcome: 'duplicate' });
    expect((await cases.get(caseId))?.overdue.amountMinor).toBe(130_000);
    const entries = await new DynamoTrail(bed.documents, bed.trailTable).list(caseId);
    expect(entries.map((e) => e.entryId)).toEqual(['payment#P1']);
  });

  it('applies each of many concurrent payments exactly once, and duplicates not at all', async () => {
    const caseId = await openCase();
    const postings = await Promise.all(
      ['A', 'B', 'C', 'D', 'A', 'B'].map((id) => ledger.post(caseId, pay(id, 10_000), AT)),
    );
    expect(postings.filter((p) => p.outcome === 'applied')).toHaveLength(4);
    expect(postings.filter((p) => p.outcome === 'duplicate')).toHaveLength(2);
    expect((await cases.get(caseId))?.overdue.amountMinor).toBe(110_000);
  });

  it('closes the case at zero, never below', async () => {
    const caseId = await openCase();
    expect(await ledger.post(caseId, pay('BIG', 999_999), AT)).toMatchObject({
      outcome: 'applied',
      paidInFull: true,
    });
    const paid = await cases.get(caseId);
    expect(paid?.overdue.amountMinor).toBe(0);
    expect(paid?.status).toBe('closed');
  });

  it('records a payment on a zero balance without reporting it as paying in full', async () => {
    const caseId = await openCase();
    await ledger.post(caseId, pay('FULL', 150_000), AT);
    expect(await ledger.post(caseId, pay('MORE', 500), AT)).toMatchObject({
      outcome: 'applied',
      remainingMinor: 0,
      paidInFull: false,
    });
    const entries = await new DynamoTrail(bed.documents, bed.trailTable).list(caseId);
    expect(entries.map((e) => e.entryId).sort()).toEqual(['payment#FULL', 'payment#MORE']);
    expect((await cases.get(caseId))?.status).toBe('closed');
  });

  it('refuses an unknown account and a payment in another currency, changing nothing', async () => {
    const caseId = await openCase();
    expect(await ledger.post('demo-bank:NOBODY', pay('P1', 100), AT)).toEqual({ outcome: 'unknown-account' });
    expect(await ledger.post(caseId, pay('P2', 100, 'USD'), AT)).toEqual({ outcome: 'currency-mismatch' });
    expect((await cases.get(caseId))?.overdue.amountMinor).toBe(150_000);
  });
});
