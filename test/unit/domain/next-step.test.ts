import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BankSettings,
  currentLadder,
  ladderVersion,
  withDefaultLadders,
} from '../../../lambdas/domain/bank';
import { CN_DEFAULT_LADDER, US_DEFAULT_LADDER } from '../../../lambdas/domain/default-ladders';
import type { Ladder, LadderStep } from '../../../lambdas/domain/escalation-ladder';
import {
  type EscalationPosition,
  MIN_HOURS_BETWEEN_STEPS,
  planNextStep,
} from '../../../lambdas/domain/next-step';

const DUE = '2026-01-01';
/** 09:00 Shanghai on the day the account is `days` past due. */
const morning = (days: number) => new Date(Date.UTC(2026, 0, 1 + days, 1)).toISOString();
/** 10:00 Shanghai on that day. */
const at = (days: number) => new Date(Date.UTC(2026, 0, 1 + days, 2));

function position(overrides: Partial<EscalationPosition> = {}): EscalationPosition {
  return {
    stepsDone: {},
    dueDate: DUE,
    timeZone: 'Asia/Shanghai',
    closed: false,
    overdueMinor: 500_000,
    agreementInGoodStanding: false,
    effectiveNotices: [],
    ...overrides,
  };
}

const ladderOf = (...steps: LadderStep[]): Ladder => ({ id: 'test', version: 1, pack: 'cn', steps });

describe('planning the next step', () => {
  it('plans the first step at 09:00 debtor time on the day it falls due, with its template version', () => {
    expect(planNextStep(CN_DEFAULT_LADDER, position(), new Date('2026-01-01T04:00:00Z'))).toEqual({
      action: 'sms',
      stepId: 'sms-courtesy',
      template: 'courtesy-reminder',
      templateVersion: 1,
      dueAt: morning(1),
      skipped: [],
    });
  });

  it('schedules 09:00 in the debtor zone, daylight time included', () => {
    const plan = planNextStep(
      US_DEFAULT_LADDER,
      position({ dueDate: '2026-03-07', timeZone: 'America/New_York' }),
      new Date('2026-03-07T12:00:00Z'),
    );
    // 8 March 09:00 EDT (UTC-4), the first day of daylight time.
    expect(plan).toMatchObject({
      stepId: 'validation-letter',
      action: 'letter',
      dueAt: '2026-03-08T13:00:00.000Z',
    });
  });

  it('plans the step after the ones done, a call task with its timeout', () => {
    const plan = planNextStep(
      CN_DEFAULT_LADDER,
      position({ stepsDone: { 'sms-courtesy': morning(1), 'email-statement': morning(3) } }),
      at(3),
    );
    expect(plan).toMatchObject({
      action: 'call-task',
      stepId: 'call-first',
      dueAt: morning(7),
      taskTimeoutSeconds: 2 * 86_400,
      skipped: [],
    });
  });

  it('puts a day between two steps even when the next falls due an hour after the last', () => {
    const lastAt = new Date(Date.UTC(2026, 0, 16, 0)).toISOString(); // day 15, 08:00 Shanghai
    const plan = planNextStep(
      ladderOf(
        { id: 'a', fromDaysPastDue: 15, action: 'sms', template: 'second-reminder' },
        { id: 'b', fromDaysPastDue: 15, action: 'email', template: 'overdue-statement' },
      ),
      position({ stepsDone: { a: lastAt } }),
      new Date(Date.UTC(2026, 0, 16, 1)),
    );
    expect(plan).toMatchObject({ stepId: 'b', dueAt: '2026-01-17T00:00:00.000Z' });
    expect(MIN_HOURS_BETWEEN_STEPS).toBe(24);
  });

  it('ends when the case is closed, and when the ladder is done', () => {
    expect(planNextStep(CN_DEFAULT_LADDER, position({ closed: true }), at(2))).toEqual({
      action: 'end',
      reason: 'case closed',
      skipped: [],
    });
    expect(
      planNextStep(CN_DEFAULT_LADDER, position({ stepsDone: { 'legal-review': morning(130) } }), at(140)),
    ).toEqual({ action: 'end', reason: 'ladder complete', skipped: [] });
  });
});

describe('catch-up', () => {
  it('takes only the latest due reminder of several, reporting the ones passed over', () => {
    // 20 days past due: courtesy SMS, statement email, first call and second SMS are all due.
    const plan = planNextStep(CN_DEFAULT_LADDER, position(), at(20));
    expect(plan).toMatchObject({ stepId: 'sms-second', dueAt: at(20).toISOString() });
    expect(plan.skipped.map((s) => s.stepId)).toEqual(['sms-courtesy', 'email-statement', 'call-first']);
    expect(plan.skipped[0]?.reason).toMatch(/caught up/);
  });

  it('never jumps a letter: an account arriving 100 days past due gets the first letter, not the freeze', () => {
    const plan = planNextStep(CN_DEFAULT_LADDER, position(), at(100));
    expect(plan).toMatchObject({ action: 'letter', stepId: 'letter-first', dueAt: at(100).toISOString() });
  });

  it('never goes back to a step passed over', () => {
    const plan = planNextStep(
      CN_DEFAULT_LADDER,
      position({ stepsDone: { 'sms-second': morning(20) } }),
      at(21),
    );
    expect(plan).toMatchObject({ stepId: 'letter-first', dueAt: morning(30) });
  });

  it('never jumps the US validation notice, however late the account arrives', () => {
    const plan = planNextStep(US_DEFAULT_LADDER, position({ timeZone: 'America/New_York' }), at(70));
    expect(plan).toMatchObject({ stepId: 'validation-letter', action: 'letter' });
  });

  it('keeps the steps it will take one by one when they fall due one by one', () => {
    expect(planNextStep(CN_DEFAULT_LADDER, position(), at(1))).toMatchObject({ stepId: 'sms-courtesy' });
    expect(
      planNextStep(
        CN_DEFAULT_LADDER,
        position({ stepsDone: { 'sms-courtesy': at(1).toISOString() } }),
        at(1),
      ),
    ).toMatchObject({ stepId: 'email-statement', dueAt: morning(3), skipped: [] });
  });
});

describe('conditions', () => {
  const throughFirstLetter = (letterDay: number): Record<string, string> => ({
    'letter-first': morning(letterDay),
    'sms-firm': morning(letterDay + 1),
    'call-plan': morning(letterDay + 2),
  });

  it('holds the second letter until 30 days after the first, past its own day', () => {
    const plan = planNextStep(CN_DEFAULT_LADDER, position({ stepsDone: throughFirstLetter(50) }), at(61));
    expect(plan).toMatchObject({ stepId: 'letter-second', dueAt: morning(80) });
  });

  it('plans the second letter on its own day when the first was long enough before', () => {
    const plan = planNextStep(CN_DEFAULT_LADDER, position({ stepsDone: throughFirstLetter(30) }), at(33));
    expect(plan).toMatchObject({ stepId: 'letter-second', dueAt: morning(60) });
  });

  it('passes over a second letter whose first letter never went out', () => {
    const ladder = ladderOf(
      {
        id: 'letter-1',
        fromDaysPastDue: 30,
        action: 'letter',
        template: 'cn-collection-letter',
        conditions: [{ kind: 'overdue-above', minor: 1_000_000 }],
      },
      {
        id: 'letter-2',
        fromDaysPastDue: 60,
        action: 'letter',
        template: 'cn-collection-letter-second',
        conditions: [{ kind: 'days-after-step', stepId: 'letter-1', days: 30 }],
      },
      { id: 'sms', fromDaysPastDue: 70, action: 'sms', template: 'firm-reminder' },
    );
    const plan = planNextStep(ladder, position({ overdueMinor: 50_000 }), at(25));
    expect(plan).toMatchObject({ stepId: 'sms', dueAt: morning(70) });
    expect(plan.skipped).toEqual([
      { stepId: 'letter-1', reason: 'overdue amount 50000 is not above 1000000' },
      { stepId: 'letter-2', reason: 'step letter-1 was not carried out' },
    ]);
  });

  const beforeFreeze = { 'letter-second': morning(60), 'credit-report-notice': morning(75) };

  it('passes over the freeze and the legal review while an agreement is in good standing', () => {
    const plan = planNextStep(
      CN_DEFAULT_LADDER,
      position({ stepsDone: { 'letter-second': morning(60) }, agreementInGoodStanding: true }),
      at(61),
    );
    expect(plan).toMatchObject({ action: 'end', reason: 'ladder complete' });
    expect(plan.skipped.map((s) => s.stepId)).toEqual([
      'credit-report-notice',
      'freeze-request',
      'legal-review',
    ]);
    expect(plan.skipped[0]?.reason).toBe('a repayment agreement is in good standing');
  });

  const evidence = [morning(31), morning(62)];

  it('plans the legal review only with two delivered notices 30 days apart, after 3 months unpaid', () => {
    const plan = planNextStep(
      CN_DEFAULT_LADDER,
      position({ stepsDone: { ...beforeFreeze, 'freeze-request': morning(90) }, effectiveNotices: evidence }),
      at(91),
    );
    expect(plan).toMatchObject({
      action: 'review',
      stepId: 'legal-review',
      dueAt: morning(120),
      taskTimeoutSeconds: 10 * 86_400,
      skipped: [],
    });
  });

  it.each([
    ['one delivered notice', [morning(31)], /1 delivered effective notice/],
    ['notices 29 days apart', [morning(31), morning(60)], /less than 30 days apart/],
  ])('passes over the legal review with %s', (_, effectiveNotices, reason) => {
    const plan = planNextStep(
      CN_DEFAULT_LADDER,
      position({ stepsDone: { ...beforeFreeze, 'freeze-request': morning(90) }, effectiveNotices }),
      at(91),
    );
    expect(plan).toMatchObject({ action: 'end' });
    expect(plan.skipped).toEqual([{ stepId: 'legal-review', reason: expect.stringMatching(reason) }]);
  });

  it('passes over the legal review of a small debt', () => {
    const plan = planNextStep(
      CN_DEFAULT_LADDER,
      position({
        stepsDone: { 'freeze-request': morning(90) },
        effectiveNotices: evidence,
        overdueMinor: 100_000,
      }),
      at(91),
    );
    expect(plan.skipped).toEqual([
      { stepId: 'legal-review', reason: 'overdue amount 100000 is not above 100000' },
    ]);
  });

  it('waits for more than 3 calendar months unpaid, counting from a month end', () => {
    const ladder = ladderOf({
      id: 'review',
      fromDaysPastDue: 40,
      action: 'review',
      template: 'legal-referral-review',
      conditions: [{ kind: 'effective-collection-evidence' }],
      taskDays: 5,
      defaultOutcome: 'not-approved',
    });
    const plan = planNextStep(
      ladder,
      position({ dueDate: '2026-01-31', effectiveNotices: ['2026-02-01T00:00:00Z', '2026-03-05T00:00:00Z'] }),
      new Date('2026-03-20T00:00:00Z'),
    );
    // 31 Jan + 3 months is 30 April (clamped); more than that is 1 May, 09:00 Shanghai.
    expect(plan).toMatchObject({ stepId: 'review', dueAt: '2026-05-01T01:00:00.000Z' });
  });

  it('reports to the credit bureau only after the credit-report notice went out', () => {
    const ladder = ladderOf(
      {
        id: 'notice',
        fromDaysPastDue: 60,
        action: 'credit-report-notice',
        template: 'credit-report-notice',
        conditions: [{ kind: 'overdue-above', minor: 200_000 }],
      },
      {
        id: 'report',
        fromDaysPastDue: 75,
        action: 'freeze-request',
        template: 'card-suspension-notice',
        reportsToCreditBureau: true,
      },
    );
    expect(planNextStep(ladder, position({ stepsDone: { notice: morning(60) } }), at(61))).toMatchObject({
      stepId: 'report',
      dueAt: morning(75),
    });
    expect(planNextStep(ladder, position({ overdueMinor: 100_000 }), at(61))).toEqual({
      action: 'end',
      reason: 'ladder complete',
      skipped: [
        { stepId: 'notice', reason: 'overdue amount 100000 is not above 200000' },
        { stepId: 'report', reason: 'no credit-report notice was given before reporting' },
      ],
    });
  });

  it('keeps a pinned template version', () => {
    const ladder = ladderOf({
      id: 'a',
      fromDaysPastDue: 1,
      action: 'sms',
      template: 'courtesy-reminder',
      templateVersion: 1,
    });
    expect(planNextStep(ladder, position(), at(0))).toMatchObject({ templateVersion: 1 });
  });
});

describe('ladder versions', () => {
  const v2: Ladder = {
    ...CN_DEFAULT_LADDER,
    version: 2,
    steps: [
      { id: 'sms-early', fromDaysPastDue: 2, action: 'sms', template: 'courtesy-reminder' },
      ...CN_DEFAULT_LADDER.steps.slice(1),
    ],
  };
  const bank: BankSettings = withDefaultLadders({
    bankId: 'demo-bank',
    displayName: 'Demo Bank',
    policyPack: 'cn',
    defaults: { currency: 'CNY', timeZone: 'Asia/Shanghai', language: 'zh-CN' },
    ladders: [v2, CN_DEFAULT_LADDER],
  });

  it('starts new escalations on the highest version and keeps an older one for a running escalation', () => {
    expect(currentLadder(bank).version).toBe(2);
    const pinned = ladderVersion(bank, 1);
    expect(pinned).toBe(CN_DEFAULT_LADDER);
    expect(planNextStep(currentLadder(bank), position(), at(0))).toMatchObject({
      stepId: 'sms-early',
      dueAt: morning(2),
    });
    expect(planNextStep(pinned as Ladder, position(), at(0))).toMatchObject({
      stepId: 'sms-courtesy',
      dueAt: morning(1),
    });
    expect(ladderVersion(bank, 3)).toBeUndefined();
  });

  it('gives a bank with no ladders its pack default at version 1', () => {
    const { ladders: _, ...plain } = bank;
    expect(withDefaultLadders({ ...plain, policyPack: 'us' }).ladders).toEqual([US_DEFAULT_LADDER]);
    expect(US_DEFAULT_LADDER.version).toBe(1);
  });
});

describe('planner properties', () => {
  it('never plans a step done or behind the last one done, before now, or within 24 h of the last step', () => {
    const steps = CN_DEFAULT_LADDER.steps;
    fc.assert(
      fc.property(
        fc.integer({ min: -1, max: steps.length - 1 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 3 }),
        (lastIndex, nowDay, nowHour, overdueMinor, agreementInGoodStanding, noticeDays) => {
          const now = new Date(Date.UTC(2026, 0, 1 + nowDay, nowHour));
          const last = steps[lastIndex];
          const lastAt = new Date(
            Math.min(now.getTime(), Date.UTC(2026, 0, 1 + (last?.fromDaysPastDue ?? 0), 1)),
          );
          const stepsDone = last ? { [last.id]: lastAt.toISOString() } : {};
          const plan = planNextStep(
            CN_DEFAULT_LADDER,
            position({
              stepsDone,
              overdueMinor,
              agreementInGoodStanding,
              effectiveNotices: noticeDays.map(morning),
            }),
            now,
          );
          const planned = plan.action === 'end' ? steps.length : steps.findIndex((s) => s.id === plan.stepId);
          expect(planned).toBeGreaterThan(lastIndex);
          for (const skipped of plan.skipped) {
            const index = steps.findIndex((s) => s.id === skipped.stepId);
            expect(index).toBeGreaterThan(lastIndex);
            expect(index).toBeLessThan(planned);
          }
          if (plan.action !== 'end') {
            const dueAt = new Date(plan.dueAt).getTime();
            expect(dueAt).toBeGreaterThanOrEqual(now.getTime());
            if (last) expect(dueAt).toBeGreaterThanOrEqual(lastAt.getTime() + 24 * 3_600_000);
          }
        },
      ),
    );
  });
});
