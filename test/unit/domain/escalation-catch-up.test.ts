/** An account that arrives far overdue gets the one step that fits where it stands, not a burst of all of them. */

import { describe, expect, it } from 'vitest';
import { DEFAULT_LADDER, planNextStep } from '../../../lambdas/domain/escalation-ladder';

const position = { dueDate: '2026-01-01', timeZone: 'Asia/Shanghai', closed: false };
const NOW = new Date('2026-03-01T02:00:00Z'); // 59 days past due, 10:00 in Shanghai

describe('escalation catch-up', () => {
  it('takes only the latest step already due for an account that arrives 59 days past due', () => {
    const plan = planNextStep(DEFAULT_LADDER, { ...position, completedSteps: [] }, NOW);
    expect(plan).toMatchObject({ action: 'sms', stepId: 'sms-firm', dueAt: NOW.toISOString() });
  });

  it('never goes back to a step it passed over', () => {
    const plan = planNextStep(DEFAULT_LADDER, { ...position, completedSteps: ['sms-firm'] }, NOW);
    expect(plan).toEqual({ action: 'end', reason: 'ladder complete' });
  });

  it('still takes the steps one by one when they fall due one by one', () => {
    const early = new Date('2026-01-02T02:00:00Z'); // 1 day past due
    const plan = planNextStep(DEFAULT_LADDER, { ...position, completedSteps: [] }, early);
    expect(plan).toMatchObject({ stepId: 'sms-courtesy' });
    const next = planNextStep(DEFAULT_LADDER, { ...position, completedSteps: ['sms-courtesy'] }, early);
    expect(next).toMatchObject({ stepId: 'sms-second', dueAt: '2026-01-16T01:00:00.000Z' });
  });

  it('reads the ladder in days-past-due order whatever order the bank configured it in', () => {
    const shuffled = [DEFAULT_LADDER[2], DEFAULT_LADDER[0], DEFAULT_LADDER[1]].filter((s) => s !== undefined);
    const plan = planNextStep(
      shuffled,
      { ...position, completedSteps: ['sms-courtesy'] },
      new Date('2026-01-02T02:00:00Z'),
    );
    expect(plan).toMatchObject({ stepId: 'sms-second' });
  });
});

describe('spacing between steps', () => {
  it('puts a day between two reminders even when the next step falls due an hour after the last', () => {
    const lastStepAt = '2026-01-31T00:00:00.000Z'; // 08:00 Shanghai, 30 days past due
    const plan = planNextStep(
      DEFAULT_LADDER,
      { ...position, completedSteps: ['sms-courtesy', 'sms-second'], lastStepAt },
      new Date('2026-01-31T01:00:00Z'),
    );
    expect(plan).toMatchObject({ stepId: 'sms-firm', dueAt: '2026-02-01T00:00:00.000Z' });
  });
});
