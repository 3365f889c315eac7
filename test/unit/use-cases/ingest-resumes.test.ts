/** A later feed row restarts an escalation that is not running: reopened, parked, or paused by a lifted flag. */

import { describe, expect, it } from 'vitest';
import { caseIdOf } from '../../../lambdas/domain/collection-case';
import { ingestFeed } from '../../../lambdas/use-cases/ingest-feed';
import { createFakeWorld, DEBTOR, type FakeWorld, feedCsv } from '../../support/fakes';

const CASE = caseIdOf('demo-bank', 'ACC-001');
const CYCLE = '2026-02-17';

async function drop(world: FakeWorld, asOf: string, row: Record<string, string> = {}) {
  const key = `incoming/demo-bank/feed-${asOf}.csv`;
  // The bank sends the day's feed on its day: an as_of after today is refused as a typo.
  if (`${asOf}T02:00:00Z` > world.clock.now().toISOString()) world.clock.set(`${asOf}T02:00:00Z`);
  world.storage.files.set(
    key,
    feedCsv([
      {
        account_id: 'ACC-001',
        customer_name: DEBTOR.name,
        mobile: DEBTOR.mobile,
        as_of: asOf,
        overdue_principal: '1500.00',
        due_date: CYCLE,
        ...row,
      },
    ]),
  );
  const before = world.escalationQueue.sent.length;
  const report = await ingestFeed(world, { key });
  const requests = world.escalationQueue.sent.slice(before);
  await world.startQueuedEscalations();
  return { report, requests };
}

describe('ingest feed: a later row restarts an escalation that stopped running', () => {
  it('resumes one paused by a feed flag once the bank lifts the flag, and not before', async () => {
    const world = createFakeWorld();
    await drop(world, '2026-03-01', { flags: 'dispute' });
    await world.cases.setEscalationState(CASE, {
      cycle: CYCLE,
      run: 0,
      state: 'paused',
      reason: 'flag:dispute',
    });

    const still = await drop(world, '2026-03-02', { flags: 'dispute' });
    expect(still.requests).toEqual([]);

    const lifted = await drop(world, '2026-03-03');
    expect(lifted.requests).toEqual([{ action: 'resume', caseId: CASE, cycle: CYCLE, fromRun: 0 }]);
    expect(lifted.report.escalationsRequested).toBe(1);
    expect(await world.cases.get(CASE)).toMatchObject({ escalationRun: 1, escalationState: 'running' });
  });

  it('leaves a pause set by a person (a hold, an agreement) to whoever set it', async () => {
    const world = createFakeWorld();
    await drop(world, '2026-03-01');
    await world.cases.setEscalationState(CASE, {
      cycle: CYCLE,
      run: 0,
      state: 'paused',
      reason: 'hold:complaint',
    });
    expect((await drop(world, '2026-03-02')).requests).toEqual([]);
  });

  it('restarts a parked one on the next row, and a reopened case under the next run', async () => {
    const world = createFakeWorld();
    await drop(world, '2026-03-01');
    await world.cases.setEscalationState(CASE, {
      cycle: CYCLE,
      run: 0,
      state: 'parked',
      reason: 'KMSInternalException',
    });
    expect((await drop(world, '2026-03-02')).requests).toEqual([
      { action: 'resume', caseId: CASE, cycle: CYCLE, fromRun: 0 },
    ]);

    // Paid, then overdue again in the same cycle: the closed run's name is not used again.
    const paid = await drop(world, '2026-03-03', { overdue_principal: '0' });
    expect(paid.requests).toEqual([{ action: 'stop', caseId: CASE, cycle: CYCLE, run: 1 }]);
    const reopened = await drop(world, '2026-03-04');
    expect(reopened.requests).toEqual([{ action: 'resume', caseId: CASE, cycle: CYCLE, fromRun: 1 }]);
    expect(await world.cases.get(CASE)).toMatchObject({ escalationRun: 2, startedRun: 2 });
  });

  it('asks again for a run that was taken but never started (a crash in the consumer)', async () => {
    const world = createFakeWorld();
    await drop(world, '2026-03-01');
    await world.cases.beginRun(CASE, CYCLE, 0);
    const next = await drop(world, '2026-03-02');
    expect(next.requests).toEqual([{ action: 'start', caseId: CASE, cycle: CYCLE, run: 1 }]);
    expect(next.report.escalationsRequeued).toBe(1);
  });
});
