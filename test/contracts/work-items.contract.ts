/**
 * The work items' contract, as the DynamoDB table with a conditional create behaves: an item opened is read
 * back whole, task token included; a second open of the same id (a retried task) changes nothing; a
 * missing id reads as undefined.
 */

import { describe, expect, it } from 'vitest';
import type { WorkItem, WorkItems } from '../../lambdas/ports/notifier';

let sequence = 0;

const legalReview = (overrides: Partial<WorkItem> = {}): WorkItem => {
  sequence++;
  return {
    itemId: `demo-bank:ACC-${sequence}#2026-02-17#legal-review`,
    bankId: 'demo-bank',
    caseId: `demo-bank:ACC-${sequence}`,
    kind: 'review',
    subject: 'legal-referral',
    taskToken: `AQCEAAAAKgAAAAMAAAAA${'x'.repeat(600)}${sequence}`,
    dueBy: '2026-03-20T01:00:00.000Z',
    createdAt: '2026-03-13T01:00:00.000Z',
    ...overrides,
  };
};

export function workItemsContract(name: string, items: () => Promise<WorkItems> | WorkItems): void {
  describe(`WorkItems contract: ${name}`, () => {
    it('reads an opened item back whole, its task token included', async () => {
      const store = await items();
      const item = legalReview();

      await store.open(item);

      expect(await store.get(item.itemId)).toEqual(item);
    });

    it('keeps one item per id, holding the newest task token and deadline (a retried task gets a new token)', async () => {
      const store = await items();
      const first = legalReview();

      await store.open(first);
      await store.open({
        ...first,
        subject: 'charge-off',
        taskToken: 'another-token',
        dueBy: '2027-01-01T00:00:00.000Z',
      });

      expect(await store.get(first.itemId)).toEqual({
        ...first,
        taskToken: 'another-token',
        dueBy: '2027-01-01T00:00:00.000Z',
      });
    });

    it('opens an item nothing waits on (no task token), a call for the worklist', async () => {
      const store = await items();
      const call = legalReview({ kind: 'call', subject: 'collection-call' });
      const { taskToken: _, ...withoutToken } = call;

      await store.open(withoutToken);

      expect(await store.get(call.itemId)).toEqual(withoutToken);
    });

    it('reads a missing id as undefined', async () => {
      const store = await items();
      expect(await store.get('demo-bank:ACC-404#2026-02-17#legal-review')).toBeUndefined();
    });
  });
}
