/** A cure (overdue 0) in a feed closes the case and stops the escalation that is running for it. */

import { describe, expect, it } from 'vitest';
import { ingestFeed } from '../../../lambdas/use-cases/ingest-feed';
import { createFakeWorld, DEBTOR, type FakeWorld, feedCsv } from '../../support/fakes';

const RUNNING = 'demo-bank_ACC-001_2026-02-17';

function drop(world: FakeWorld, key: string, row: Record<string, string>) {
  // The bank sends the day's feed on its day: an as_of after today is refused as a typo.
  const day = `${row.as_of}T02:00:00Z`;
  if (row.as_of && day > world.clock.now().toISOString()) world.clock.set(day);
  world.storage.files.set(
    key,
    feedCsv([{ account_id: 'ACC-001', customer_name: DEBTOR.name, mobile: DEBTOR.mobile, ...row }]),
  );
}

async function worldWithOpenCase() {
  const world = createFakeWorld();
  drop(world, 'incoming/demo-bank/feed-2026-03-01.csv', {
    as_of: '2026-03-01',
    overdue_principal: '1500.00',
    due_date: '2026-02-17',
  });
  await ingestFeed(world, { key: 'incoming/demo-bank/feed-2026-03-01.csv' });
  await world.startQueuedEscalations();
  return world;
}

describe('ingest feed: cures stop the running escalation', () => {
  it('stops it when the cure row keeps the due date of the cycle', async () => {
    const world = await worldWithOpenCase();
    drop(world, 'incoming/demo-bank/feed-2026-03-05.csv', {
      as_of: '2026-03-05',
      overdue_principal: '0',
      due_date: '2026-02-17',
    });

    const report = await ingestFeed(world, { key: 'incoming/demo-bank/feed-2026-03-05.csv' });
    await world.startQueuedEscalations();

    expect(report).toMatchObject({ cured: 1, escalationsRequested: 0 });
    expect(world.escalations.stopped).toEqual([RUNNING]);
  });

  it('stops it when the cure row says 0 days past due, which moves the cycle to as_of', async () => {
    const world = await worldWithOpenCase();
    drop(world, 'incoming/demo-bank/feed-2026-03-05.csv', {
      as_of: '2026-03-05',
      overdue_principal: '0',
      days_past_due: '0',
    });

    const report = await ingestFeed(world, { key: 'incoming/demo-bank/feed-2026-03-05.csv' });
    await world.startQueuedEscalations();

    expect(report).toMatchObject({ cured: 1, escalationsRequested: 0 });
    expect(world.cases.all()[0]?.status).toBe('closed');
    expect(world.escalations.stopped).toContain(RUNNING);
  });

  it('stops nothing when the same cure file is loaded again', async () => {
    const world = await worldWithOpenCase();
    const key = 'incoming/demo-bank/feed-2026-03-05.csv';
    drop(world, key, { as_of: '2026-03-05', overdue_principal: '0', due_date: '2026-02-17' });
    await ingestFeed(world, { key });
    await world.startQueuedEscalations();

    const again = await ingestFeed(world, { key });
    await world.startQueuedEscalations();

    expect(again).toMatchObject({ cured: 0, unchanged: 1 });
    expect(world.escalations.stopped).toEqual([RUNNING]);
  });
});
