/** The payment ledger's contract: each payment id posted once per case, the balance never below 0, races included. */

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Payment } from '../../lambdas/domain/payment-row';
import type { CaseStore } from '../../lambdas/ports/case-store';
import type { PaymentLedger } from '../../lambdas/ports/payment-ledger';
import type { Trail } from '../../lambdas/ports/trail';
import { aCase } from './case-store.contract';

export interface LedgerParts {
  readonly ledger: PaymentLedger;
  readonly cases: CaseStore;
  readonly trail: Trail;
}

const pay = (paymentId: string, amountMinor: number, currency = 'CNY'): Payment => ({
  paymentId,
  accountId: 'x',
  amount: { amountMinor, currency },
  paidAt: '2026-03-01T01:30:00.000Z',
});
const AT = new Date('2026-03-01T02:00:00Z');

export function paymentLedgerContract(name: string, parts: () => LedgerParts): void {
  async function openCase(): Promise<string> {
    const opened = aCase({
      accountId: `P${randomUUID().slice(0, 10)}`,
      overdue: { amountMinor: 150_000, currency: 'CNY' },
    });
    await parts().cases.upsertFromFeed(opened);
    return opened.caseId;
  }

  describe(`PaymentLedger contract: ${name}`, () => {
    it('applies a payment once, however often it is posted', async () => {
      const caseId = await openCase();
      const { ledger, cases, trail } = parts();
      expect(await ledger.post(caseId, pay('P1', 20_000), AT)).toMatchObject({
        outcome: 'applied',
        remainingMinor: 130_000,
      });
      expect(await ledger.post(caseId, pay('P1', 20_000), AT)).toEqual({ outcome: 'duplicate' });
      expect((await cases.get(caseId))?.overdue.amountMinor).toBe(130_000);
      expect((await trail.list(caseId)).map((e) => e.entryId)).toEqual(['payment#P1']);
    });

    it('applies each of many concurrent payments exactly once, and duplicates not at all', async () => {
      const caseId = await openCase();
      const { ledger, cases } = parts();
      const postings = await Promise.all(
        ['A', 'B', 'C', 'D', 'A', 'B'].map((id) => ledger.post(caseId, pay(id, 10_000), AT)),
      );
      expect(postings.filter((p) => p.outcome === 'applied')).toHaveLength(4);
      expect(postings.filter((p) => p.outcome === 'duplicate')).toHaveLength(2);
      expect((await cases.get(caseId))?.overdue.amountMinor).toBe(110_000);
    });

    it('closes the case at zero, never below, and says why', async () => {
      const caseId = await openCase();
      const { ledger, cases } = parts();
      expect(await ledger.post(caseId, pay('BIG', 999_999), AT)).toMatchObject({
        outcome: 'applied',
        paidInFull: true,
      });
      expect(await cases.get(caseId)).toMatchObject({
        overdue: { amountMinor: 0 },
        status: 'closed',
        closedReason: 'paid',
      });
    });

    it('records a payment on a zero balance without reporting it as paying in full', async () => {
      const caseId = await openCase();
      const { ledger, cases, trail } = parts();
      await ledger.post(caseId, pay('FULL', 150_000), AT);
      expect(await ledger.post(caseId, pay('MORE', 500), AT)).toMatchObject({
        outcome: 'applied',
        remainingMinor: 0,
        paidInFull: false,
      });
      expect((await trail.list(caseId)).map((e) => e.entryId).sort()).toEqual([
        'payment#FULL',
        'payment#MORE',
      ]);
      expect((await cases.get(caseId))?.status).toBe('closed');
    });

    it('refuses an unknown account and a payment in another currency, changing nothing', async () => {
      const caseId = await openCase();
      const { ledger, cases } = parts();
      expect(await ledger.post('demo-bank:NOBODY', pay('P1', 100), AT)).toEqual({
        outcome: 'unknown-account',
      });
      expect(await ledger.post(caseId, pay('P2', 100, 'USD'), AT)).toEqual({ outcome: 'currency-mismatch' });
      expect((await cases.get(caseId))?.overdue.amountMinor).toBe(150_000);
    });
  });
}
