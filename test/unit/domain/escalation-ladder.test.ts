import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LADDER,
  type EscalationPosition,
  type LadderStep,
  planNextStep,
} from '../../../lambdas/domain/escalation-ladder';

function position(overrides: Partial<EscalationPosition> = {}): EscalationPosition {
  return {
    completedSteps: [],
    dueDate: '2026-03-01',
    timeZone: 'Asia/Shanghai',
    closed: false,
    ...overrides,
  };
}

describe('escalation ladder', () => {
  it('plans the first step at 09:00 debtor time on the day it falls due', () => {
    const plan = planNextStep(DEFAULT_LADDER, position(), new Date('2026-03-01T04:00:00Z'));
    expect(plan).toEqual({
      action: 'sms',
      stepId: 'sms-courtesy',
      template: 'courtesy-reminder',
      dueAt: '2026-03-02T01:00:00.000Z',
    });
  });

  it('plans the step after the completed ones', () => {
    const plan = planNextStep(
      DEFAULT_LADDER,
      position({ completedSteps: ['sms-courtesy'] }),
      new Date('2026-03-02T04:00:00Z'),
    );
    expect(plan).toMatchObject({ stepId: 'sms-second', template: 'second-reminder' });
    // 15 days after 1 March, 09:00 Shanghai.
    expect(plan).toMatchObject({ dueAt: '2026-03-16T01:00:00.000Z' });
  });

  it('makes a step that is already overdue due now', () => {
    const now = new Date('2026-03-05T06:30:00Z');
    expect(planNextStep(DEFAULT_LADDER, position(), now)).toMatchObject({
      stepId: 'sms-courtesy',
      dueAt: now.toISOString(),
    });
  });

  it('takes only the latest due step when the account arrives past several, due now', () => {
    // 40 days past due: courtesy (1), second (15) and firm (30) are all due; one reminder, the firm one.
    const now = new Date('2026-04-10T06:30:00Z');
    expect(planNextStep(DEFAULT_LADDER, position(), now)).toMatchObject({
      stepId: 'sms-firm',
      dueAt: now.toISOString(),
    });
  });

  it('never goes back to a step passed over', () => {
    const plan = planNextStep(
      DEFAULT_LADDER,
      position({ completedSteps: ['sms-second'] }),
      new Date('2026-03-17T00:00:00Z'),
    );
    expect(plan).toMatchObject({ stepId: 'sms-firm', dueAt: '2026-03-31T01:00:00.000Z' });
  });

  it('orders a ladder given out of order by days past due', () => {
    const ladder: LadderStep[] = [
      { id: 'late', fromDaysPastDue: 20, action: 'sms', template: 'firm-reminder' },
      { id: 'early', fromDaysPastDue: 2, action: 'sms', template: 'courtesy-reminder' },
    ];
    expect(planNextStep(ladder, position(), new Date('2026-03-01T00:00:00Z'))).toMatchObject({
      stepId: 'early',
    });
  });

  it('schedules 09:00 in the debtor zone, daylight time included', () => {
    const plan = planNextStep(
      DEFAULT_LADDER,
      position({ dueDate: '2026-03-07', timeZone: 'America/New_York' }),
      new Date('2026-03-07T12:00:00Z'),
    );
    // 8 March 09:00 EDT (UTC-4), the first day of daylight time.
    expect(plan).toMatchObject({ dueAt: '2026-03-08T13:00:00.000Z' });
  });

  it('ends when the case is closed', () => {
    expect(
      planNextStep(DEFAULT_LADDER, position({ closed: true }), new Date('2026-03-02T00:00:00Z')),
    ).toEqual({
      action: 'end',
      reason: 'case closed',
    });
  });

  it('ends when the last step is done', () => {
    const completedSteps = ['sms-firm'];
    expect(
      planNextStep(DEFAULT_LADDER, position({ completedSteps }), new Date('2026-05-01T00:00:00Z')),
    ).toEqual({
      action: 'end',
      reason: 'ladder complete',
    });
  });

  it('follows a bank ladder given as data', () => {
    const ladder: LadderStep[] = [
      { id: 'early', fromDaysPastDue: 3, action: 'sms', template: 'firm-reminder' },
    ];
    expect(planNextStep(ladder, position(), new Date('2026-03-01T00:00:00Z'))).toMatchObject({
      stepId: 'early',
      template: 'firm-reminder',
      dueAt: '2026-03-04T01:00:00.000Z',
    });
  });
});
