/** Planning the next escalation step: the bank's ladder, the guard on the contact history, pauses and ends. */

import { describe, expect, it } from 'vitest';
import { debtorKeyOf } from '../../../lambdas/domain/contact-record';
import { planNextStep } from '../../../lambdas/use-cases/plan-next-step';
import { type CaseOptions, createFakeWorld, DEBTOR, sealedCase } from '../../support/fakes';

const input = { caseId: 'demo-bank:ACC-001', cycle: '2026-02-17', run: 0 };
const WITH_EMAIL = { name: DEBTOR.name, mobile: DEBTOR.mobileE164, email: DEBTOR.email };

async function worldWith(now: string, options: CaseOptions = {}) {
  const world = createFakeWorld({ now });
  world.cases.seed(await sealedCase(world.vault, options));
  return world;
}

describe('plan next step', () => {
  it('pins the person the ledger knows on the first plan, and keeps it when a later row drops the national id', async () => {
    const world = await worldWith('2026-02-18T02:00:00Z', { nationalIdIndex: 'n-1', mobileIndex: 'm-1' });

    await planNextStep(world, input);
    const pinned = world.cases.cases.get(input.caseId);
    expect(pinned?.debtorKey).toBe('nid:n-1');
    // The bank's next row leaves the national id out: the person's contact history stays where it was.
    if (pinned) world.cases.cases.set(input.caseId, { ...pinned, nationalIdIndex: undefined });

    await planNextStep(world, input);
    const kept = world.cases.cases.get(input.caseId);
    expect(kept && debtorKeyOf(kept)).toBe('nid:n-1');
  });

  it('plans the first step at once during lawful hours, with its template version', async () => {
    // 10:00 Shanghai, one day past due.
    const world = await worldWith('2026-02-18T02:00:00Z');

    expect(await planNextStep(world, input)).toEqual({
      action: 'sms',
      stepId: 'sms-courtesy',
      template: 'courtesy-reminder',
      templateVersion: 1,
      at: '2026-02-18T02:00:00.000Z',
    });
  });

  it('moves a step due at 23:00 Shanghai time to 08:00 the next morning (CN-1)', async () => {
    const world = await worldWith('2026-02-18T15:00:00Z');

    expect(await planNextStep(world, input)).toMatchObject({
      stepId: 'sms-courtesy',
      at: '2026-02-19T00:00:00.000Z',
    });
  });

  it('plans a future step at 09:00 debtor time on its day, a day after the last step at the earliest', async () => {
    const world = await worldWith('2026-02-18T02:00:00Z', {
      personal: WITH_EMAIL,
      completedSteps: ['sms-courtesy'],
      stepTimes: { 'sms-courtesy': '2026-02-18T02:00:00.000Z' },
    });
    // email-statement is due 3 days after 17 February, 09:00 Shanghai.
    expect(await planNextStep(world, input)).toMatchObject({
      action: 'email',
      stepId: 'email-statement',
      at: '2026-02-20T01:00:00.000Z',
    });
  });

  it('takes only the latest due step of several, records the ones passed over, and never plans them again', async () => {
    // 13 days past due: the courtesy SMS, the statement email and the first call are all due.
    const world = await worldWith('2026-03-02T02:00:00Z', { personal: WITH_EMAIL });

    const plan = await planNextStep(world, input);

    expect(plan).toMatchObject({ action: 'call-task', stepId: 'call-first', taskTimeoutSeconds: 2 * 86_400 });
    expect(world.trail.ofKind('step.skipped').map((entry) => entry.detail.step)).toEqual([
      'sms-courtesy',
      'email-statement',
    ]);
    expect((await world.cases.get(input.caseId))?.completedSteps).toEqual([
      'sms-courtesy',
      'email-statement',
    ]);
  });

  it('pauses while a cease flag or a staff hold stands, and records why on the case and in the trail', async () => {
    const disputed = await worldWith('2026-02-18T02:00:00Z', { flags: ['dispute'] });
    expect(await planNextStep(disputed, input)).toEqual({ action: 'pause', reason: 'flag:dispute' });
    expect(await disputed.cases.get(input.caseId)).toMatchObject({
      escalationState: 'paused',
      escalationReason: 'flag:dispute',
    });
    expect(disputed.trail.ofKind('escalation.paused')).toHaveLength(1);

    const held = await worldWith('2026-02-18T02:00:00Z', { holds: ['complaint'] });
    expect(await planNextStep(held, input)).toEqual({ action: 'pause', reason: 'hold:complaint' });
  });

  it('ends the escalation of a closed case and records it ended', async () => {
    const world = await worldWith('2026-03-02T02:00:00Z', { status: 'closed', closedReason: 'paid' });

    expect(await planNextStep(world, input)).toEqual({ action: 'end', reason: 'case closed' });
    expect(await world.cases.get(input.caseId)).toMatchObject({
      escalationState: 'ended',
      escalationReason: 'paid',
    });
  });

  it('ends a run that a newer cycle or a newer run superseded, touching nothing', async () => {
    const newCycle = await worldWith('2026-04-21T02:00:00Z', { dueDate: '2026-04-17', cycle: '2026-04-17' });
    expect(await planNextStep(newCycle, input)).toEqual({ action: 'end', reason: 'cycle superseded' });

    const resumed = await worldWith('2026-02-18T02:00:00Z', { escalationRun: 1 });
    expect(await planNextStep(resumed, input)).toEqual({ action: 'end', reason: 'run superseded' });
    expect(await planNextStep(resumed, { ...input, run: 1 })).toMatchObject({ stepId: 'sms-courtesy' });
  });

  it('ends when the ladder is complete', async () => {
    const all = [
      'sms-courtesy',
      'email-statement',
      'call-first',
      'sms-second',
      'letter-first',
      'sms-firm',
      'call-plan',
      'letter-second',
      'credit-report-notice',
      'freeze-request',
      'legal-review',
    ];
    const world = await worldWith('2026-07-21T02:00:00Z', { completedSteps: all });

    expect(await planNextStep(world, input)).toEqual({ action: 'end', reason: 'ladder complete' });
  });

  it('passes over, on record, an SMS step for a debtor with no mobile on file, and plans the email', async () => {
    const world = await worldWith('2026-02-18T02:00:00Z', {
      personal: { name: DEBTOR.name, email: DEBTOR.email },
    });

    expect(await planNextStep(world, input)).toMatchObject({ action: 'email', stepId: 'email-statement' });
    expect(world.trail.ofKind('contact.refused')[0]?.detail).toMatchObject({
      step: 'sms-courtesy',
      rule: 'NO-ADDRESS',
    });
  });

  it('pins the ladder version of the cycle on the case', async () => {
    const world = await worldWith('2026-02-18T02:00:00Z');
    await planNextStep(world, input);
    expect((await world.cases.get(input.caseId))?.ladderVersion).toBe(1);
  });

  it('holds a reminder to the next day when the same person got one today on another account (one a day)', async () => {
    const world = await worldWith('2026-02-18T02:00:00Z', { nationalIdIndex: 'nid-1' });
    const view = await world.contacts.read('nid:nid-1', undefined, new Date('2026-02-18T01:00:00Z'));
    await world.contacts.reserve(view, {
      contactId: 'demo-bank:ACC-002#2026-02-17#sms-courtesy',
      debtorKey: 'nid:nid-1',
      caseId: 'demo-bank:ACC-002',
      channel: 'sms',
      at: '2026-02-18T01:00:00.000Z',
      outcome: 'reserved',
      automated: true,
      purpose: 'reminder',
    });

    const plan = await planNextStep(world, input);

    expect(plan).toMatchObject({ stepId: 'sms-courtesy', at: '2026-02-19T00:00:00.000Z' });
  });

  it('ends when the case does not exist', async () => {
    const world = createFakeWorld();

    expect(await planNextStep(world, input)).toEqual({ action: 'end', reason: 'case not found' });
  });
});
