import { describe, expect, it } from 'vitest';
import { CN_DEFAULT_LADDER, US_DEFAULT_LADDER } from '../../../lambdas/domain/default-ladders';
import type { Ladder, LadderStep } from '../../../lambdas/domain/escalation-ladder';
import { validateLadder, validateLadderVersions } from '../../../lambdas/domain/ladder-validation';
import { TEMPLATE_CATALOGUE } from '../../../lambdas/domain/template-catalogue';

const cn = (...steps: LadderStep[]): Ladder => ({ id: 'custom', version: 1, pack: 'cn', steps });
const sms = (id: string, day: number, template = 'courtesy-reminder'): LadderStep => ({
  id,
  fromDaysPastDue: day,
  action: 'sms',
  template,
});
const letter = (id: string, day: number, extra: Partial<LadderStep> = {}): LadderStep => ({
  id,
  fromDaysPastDue: day,
  action: 'letter',
  template: 'cn-collection-letter',
  ...extra,
});

describe('ladder validation', () => {
  it('accepts both default ladders under their packs, and refuses each under the other', () => {
    expect(validateLadder(CN_DEFAULT_LADDER, 'cn')).toEqual([]);
    expect(validateLadder(US_DEFAULT_LADDER, 'us')).toEqual([]);
    expect(validateLadder(CN_DEFAULT_LADDER, 'us').join('\n')).toMatch(
      /is for pack cn[\s\S]*not written for pack us/,
    );
  });

  const refusals: Array<[string, Ladder, 'cn' | 'us', RegExp]> = [
    ['an unknown template', cn(sms('a', 1, 'courtesy-remindr')), 'cn', /unknown template courtesy-remindr/],
    [
      'an unknown template version',
      cn({ ...sms('a', 1), templateVersion: 9 }),
      'cn',
      /unknown template version courtesy-reminder v9/,
    ],
    [
      'a template that cannot render the action',
      cn({ id: 'a', fromDaysPastDue: 1, action: 'email', template: 'courtesy-reminder' }),
      'cn',
      /has no email for a email step/,
    ],
    ['a template of the other pack', cn(sms('a', 1, 'us-reminder')), 'cn', /not written for pack cn/],
    ['duplicate step ids', cn(sms('a', 1), sms('a', 2)), 'cn', /step id a is used twice/],
    [
      'steps out of order',
      cn(sms('late', 20), sms('early', 2)),
      'cn',
      /step early \(day 2\) is out of order after late \(day 20\)/,
    ],
    ['a step on the due date itself', cn(sms('a', 0)), 'cn', /fromDaysPastDue must be a whole number from 1/],
    [
      'a second letter with no spacing',
      cn(letter('l1', 30), letter('l2', 60, { template: 'cn-collection-letter-second' })),
      'cn',
      /letter l2 must wait at least 30 days after letter l1/,
    ],
    [
      'a second letter 20 days after the first',
      cn(
        letter('l1', 30),
        letter('l2', 60, { conditions: [{ kind: 'days-after-step', stepId: 'l1', days: 20 }] }),
      ),
      'cn',
      /letter l2 must wait at least 30 days after letter l1/,
    ],
    [
      'a condition on a later step',
      cn(
        sms('a', 1),
        { ...sms('b', 2), conditions: [{ kind: 'days-after-step', stepId: 'c', days: 1 }] },
        sms('c', 3),
      ),
      'cn',
      /names c, which is not an earlier step/,
    ],
    [
      'a step that reports with no credit-report notice before it',
      cn({
        id: 'freeze',
        fromDaysPastDue: 90,
        action: 'freeze-request',
        template: 'card-suspension-notice',
        reportsToCreditBureau: true,
      }),
      'cn',
      /reports to the credit bureau with no credit-report-notice before it/,
    ],
    [
      'a legal review without the CN-9 evidence condition',
      cn({
        id: 'review',
        fromDaysPastDue: 120,
        action: 'review',
        template: 'legal-referral-review',
        taskDays: 5,
        defaultOutcome: 'not-approved',
      }),
      'cn',
      /legal referral review needs the effective-collection-evidence condition/,
    ],
    [
      'a review that approves by silence',
      cn({
        id: 'review',
        fromDaysPastDue: 120,
        action: 'review',
        template: 'legal-referral-review',
        conditions: [{ kind: 'effective-collection-evidence' }],
        taskDays: 5,
        defaultOutcome: 'unanswered',
      }),
      'cn',
      /defaultOutcome of a review must be not-approved/,
    ],
    [
      'a call task with no time limit',
      cn({
        id: 'call',
        fromDaysPastDue: 7,
        action: 'call-task',
        template: 'call-first-contact',
        defaultOutcome: 'unanswered',
      }),
      'cn',
      /taskDays must be a whole number from 1 to 30/,
    ],
    [
      'a task time on an SMS',
      cn({ ...sms('a', 1), taskDays: 2 }),
      'cn',
      /only call-task and review steps take taskDays/,
    ],
    [
      'a us ladder that does not start with the validation notice',
      { ...US_DEFAULT_LADDER, steps: US_DEFAULT_LADDER.steps.slice(2) },
      'us',
      /must start with the validation notice/,
    ],
    ['a ladder with no steps', cn(), 'cn', /has no steps/],
  ];
  it.each(refusals)('refuses %s', (_, ladder, pack, problem) => {
    const problems = validateLadder(ladder, pack);
    expect(problems.join('\n')).toMatch(problem);
  });

  it('refuses a template that lacks a language', () => {
    const draft = TEMPLATE_CATALOGUE.map((entry) =>
      entry.id === 'courtesy-reminder' ? { ...entry, parts: { sms: ['zh-CN' as const] } } : entry,
    );
    expect(validateLadder(cn(sms('a', 1)), 'cn', draft)).toEqual([
      'ladder custom v1: step a: template courtesy-reminder v1 has no sms in en',
    ]);
  });

  it('refuses a version used twice and an empty history', () => {
    expect(validateLadderVersions([CN_DEFAULT_LADDER, CN_DEFAULT_LADDER], 'cn')).toEqual([
      'ladder version 1 is configured twice',
    ]);
    expect(validateLadderVersions([], 'cn')).toEqual(['no ladder: a bank needs at least one version']);
    expect(validateLadderVersions([CN_DEFAULT_LADDER, { ...CN_DEFAULT_LADDER, version: 2 }], 'cn')).toEqual(
      [],
    );
  });
});
