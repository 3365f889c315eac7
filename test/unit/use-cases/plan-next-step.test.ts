import { describe, expect, it } from 'vitest';
import { planNextStep } from '../../../lambdas/use-cases/plan-next-step';
import { type CaseOptions, createFakeWorld, sealedCase } from '../../support/fakes';

const input = { caseId: 'demo-bank:ACC-001', cycle: '2026-02-17' };

async function worldWith(now: string, options: CaseOptions = {}) {
  const world = createFakeWorld({ now });
  world.cases.seed(await sealedCase(world.vault, options));
  return world;
}

describe('plan next step', () => {
  it('plans an overdue step at once during lawful hours', async () => {
    // 10:00 Shanghai.
    const world = await worldWith('2026-03-02T02:00:00Z');

    expect(await planNextStep(world, input)).toEqual({
      action: 'sms',
      stepId: 'sms-courtesy',
      template: 'courtesy-reminder',
      at: '2026-03-02T02:00:00.000Z',
    });
  });

  it('moves an overdue step planned at 23:00 Shanghai time to 08:00 the next morning', async () => {
    const world = await worldWith('2026-03-01T15:00:00Z');

    const plan = await planNextStep(world, input);

    expect(plan).toMatchObject({ action: 'sms', stepId: 'sms-courtesy', at: '2026-03-02T00:00:00.000Z' });
  });

  it('plans a future step at 09:00 debtor time on its day', async () => {
    const world = await worldWith('2026-02-18T02:00:00Z', { completedSteps: ['sms-courtesy'] });

    // sms-second is due 15 days after 17 February.
    expect(await planNextStep(world, input)).toMatchObject({
      stepId: 'sms-second',
      at: '2026-03-04T01:00:00.000Z',
    });
  });

  it('spaces the next step a day after the last one carried out', async () => {
    // sms-courtesy went out at 10:00 on 3 March; sms-second falls due at 09:00 on 4 March.
    const world = await worldWith('2026-03-03T03:00:00Z', {
      completedSteps: ['sms-courtesy'],
      lastStepAt: '2026-03-03T02:00:00.000Z',
    });

    expect(await planNextStep(world, input)).toMatchObject({
      stepId: 'sms-second',
      at: '2026-03-04T02:00:00.000Z',
    });
  });

  it('ends the escalation while the debtor disputes the debt', async () => {
    const world = await worldWith('2026-03-02T02:00:00Z', { flags: ['dispute'] });

    expect(await planNextStep(world, input)).toEqual({ action: 'end', reason: 'collection ceased' });
  });

  it('ends the escalation of a closed case', async () => {
    const world = await worldWith('2026-03-02T02:00:00Z', { status: 'closed' });

    expect(await planNextStep(world, input)).toEqual({ action: 'end', reason: 'case closed' });
  });

  it('ends an escalation whose cycle a newer delinquency cycle superseded', async () => {
    const world = await worldWith('2026-04-21T02:00:00Z', { dueDate: '2026-04-17', cycle: '2026-04-17' });

    expect(await planNextStep(world, input)).toEqual({ action: 'end', reason: 'cycle superseded' });
  });

  it('ends when the ladder is complete', async () => {
    const world = await worldWith('2026-04-21T02:00:00Z', {
      completedSteps: ['sms-courtesy', 'sms-second', 'sms-firm'],
    });

    expect(await planNextStep(world, input)).toEqual({ action: 'end', reason: 'ladder complete' });
  });

  it('ends rather than plan an SMS for a debtor with an email but no mobile on file', async () => {
    const world = await worldWith('2026-03-02T02:00:00Z', {
      personal: { name: '张三丰', email: 'zhang.sanfeng@example.test' },
    });

    expect(await planNextStep(world, input)).toEqual({ action: 'end', reason: 'no mobile on file' });
  });

  it('ends when the case does not exist', async () => {
    const world = createFakeWorld();

    expect(await planNextStep(world, input)).toEqual({ action: 'end', reason: 'case not found' });
  });
});
