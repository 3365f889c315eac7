/** Everything wrong with a ladder under its pack, in words an operator can act on: run at synth (lib/config.ts) and at PlanNextStep's cold start. */

import {
  DEFAULT_OUTCOME_OF,
  EFFECTIVE_NOTICE_SPACING_DAYS,
  LADDER_ACTIONS,
  type Ladder,
  type LadderAction,
  type LadderStep,
  TASK_ACTIONS,
} from './escalation-ladder';
import { LANGUAGES } from './message-templates';
import type { PackId } from './policy-packs';
import { type CatalogueEntry, TEMPLATE_CATALOGUE, type TemplatePart } from './template-catalogue';

/** What a step's template must render for its action (Act renders these). */
export const TEMPLATE_PARTS_OF: Readonly<Record<LadderAction, readonly TemplatePart[]>> = {
  sms: ['sms'],
  email: ['email'],
  letter: ['letter'],
  'credit-report-notice': ['sms', 'email'],
  'freeze-request': ['sms', 'email'],
  'call-task': ['task'],
  review: ['task'],
};

/** A person's task waits at most this long: longer, and the ladder stalls on a forgotten work item. */
export const MAX_TASK_DAYS = 30;

const whole = (value: number, min: number) => Number.isInteger(value) && value >= min;

/** `catalogue` is the templates' own unless a test stands in a smaller one. */
export function validateLadder(
  ladder: Ladder,
  pack: PackId,
  catalogue: readonly CatalogueEntry[] = TEMPLATE_CATALOGUE,
): string[] {
  const problems: string[] = [];
  const at = `ladder ${ladder.id} v${ladder.version}`;
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(`${at}: ${problem}`);
  };
  check(ladder.pack === pack, `is for pack ${ladder.pack}, the bank follows pack ${pack}`);
  check(ladder.id.length > 0, 'needs an id');
  check(whole(ladder.version, 1), 'version must be a whole number from 1');
  check(ladder.steps.length > 0, 'has no steps');

  const seen = new Set<string>();
  ladder.steps.forEach((step, index) => {
    check(!seen.has(step.id), `step id ${step.id} is used twice`);
    seen.add(step.id);
    check(step.id.length > 0, `step ${index + 1} needs an id`);
    check(LADDER_ACTIONS.includes(step.action), `step ${step.id}: unknown action ${step.action}`);
    check(whole(step.fromDaysPastDue, 1), `step ${step.id}: fromDaysPastDue must be a whole number from 1`);
    const previous = ladder.steps[index - 1];
    check(
      !previous || previous.fromDaysPastDue <= step.fromDaysPastDue,
      `step ${step.id} (day ${step.fromDaysPastDue}) is out of order after ${previous?.id} (day ${previous?.fromDaysPastDue})`,
    );
    for (const problem of templateProblems(step, pack, catalogue))
      check(false, `step ${step.id}: ${problem}`);
    for (const problem of taskProblems(step)) check(false, `step ${step.id}: ${problem}`);
    for (const problem of conditionProblems(step, ladder.steps.slice(0, index)))
      check(false, `step ${step.id}: ${problem}`);
    if (step.reportsToCreditBureau) {
      check(
        ladder.steps.slice(0, index).some((earlier) => earlier.action === 'credit-report-notice'),
        `step ${step.id} reports to the credit bureau with no credit-report-notice before it (CN-11, US-7)`,
      );
    }
  });

  if (pack === 'cn') {
    const letters = ladder.steps.filter((step) => step.action === 'letter');
    letters.slice(1).forEach((letter, i) => {
      const before = letters[i] as LadderStep;
      const spaced = (letter.conditions ?? []).some(
        (c) =>
          c.kind === 'days-after-step' && c.stepId === before.id && c.days >= EFFECTIVE_NOTICE_SPACING_DAYS,
      );
      check(
        spaced,
        `letter ${letter.id} must wait at least ${EFFECTIVE_NOTICE_SPACING_DAYS} days after letter ${before.id} (CN-9): add a days-after-step condition`,
      );
    });
  }
  if (pack === 'us') {
    const first = ladder.steps[0];
    const entry = first ? resolve(first, catalogue) : undefined;
    check(
      first?.action === 'letter' && entry?.validationNotice === true,
      'must start with the validation notice, a letter (US-3)',
    );
  }
  return problems;
}

/** Every version a bank has used: each valid, versions unique, at least one. */
export function validateLadderVersions(
  ladders: readonly Ladder[],
  pack: PackId,
  catalogue: readonly CatalogueEntry[] = TEMPLATE_CATALOGUE,
): string[] {
  const problems = ladders.flatMap((ladder) => validateLadder(ladder, pack, catalogue));
  if (ladders.length === 0) problems.push('no ladder: a bank needs at least one version');
  const versions = ladders.map((ladder) => ladder.version);
  for (const version of new Set(versions)) {
    if (versions.filter((v) => v === version).length > 1)
      problems.push(`ladder version ${version} is configured twice`);
  }
  return problems;
}

/** The catalogue entry a step renders: its pinned version, or the latest. */
function resolve(step: LadderStep, catalogue: readonly CatalogueEntry[]): CatalogueEntry | undefined {
  const versions = catalogue.filter((entry) => entry.id === step.template);
  const version = step.templateVersion ?? Math.max(...versions.map((entry) => entry.version));
  return versions.find((entry) => entry.version === version);
}

function templateProblems(step: LadderStep, pack: PackId, catalogue: readonly CatalogueEntry[]): string[] {
  if (!catalogue.some((entry) => entry.id === step.template)) return [`unknown template ${step.template}`];
  const entry = resolve(step, catalogue);
  if (!entry) return [`unknown template version ${step.template} v${step.templateVersion}`];
  const version = entry.version;
  const problems: string[] = [];
  if (!entry.packs.includes(pack)) problems.push(`template ${step.template} is not written for pack ${pack}`);
  for (const part of TEMPLATE_PARTS_OF[step.action] ?? []) {
    const languages = entry.parts[part];
    if (!languages) {
      problems.push(`template ${step.template} v${version} has no ${part} for a ${step.action} step`);
      continue;
    }
    for (const language of LANGUAGES) {
      if (!languages.includes(language))
        problems.push(`template ${step.template} v${version} has no ${part} in ${language}`);
    }
  }
  if (
    entry.legalReferral &&
    !(step.conditions ?? []).some((c) => c.kind === 'effective-collection-evidence')
  ) {
    problems.push('a legal referral review needs the effective-collection-evidence condition (CN-9)');
  }
  return problems;
}

function taskProblems(step: LadderStep): string[] {
  if (!TASK_ACTIONS.includes(step.action)) {
    return step.taskDays !== undefined || step.defaultOutcome !== undefined
      ? ['only call-task and review steps take taskDays and defaultOutcome']
      : [];
  }
  const problems: string[] = [];
  if (step.taskDays === undefined || !whole(step.taskDays, 1) || step.taskDays > MAX_TASK_DAYS)
    problems.push(`taskDays must be a whole number from 1 to ${MAX_TASK_DAYS}`);
  const expected = DEFAULT_OUTCOME_OF[step.action as 'call-task' | 'review'];
  if (step.defaultOutcome !== expected)
    problems.push(`defaultOutcome of a ${step.action} must be ${expected}`);
  return problems;
}

function conditionProblems(step: LadderStep, earlier: readonly LadderStep[]): string[] {
  return (step.conditions ?? []).flatMap((condition) => {
    switch (condition.kind) {
      case 'overdue-above':
        return whole(condition.minor, 0) ? [] : ['overdue-above needs a whole number of minor units'];
      case 'days-after-step':
        return [
          ...(earlier.some((s) => s.id === condition.stepId)
            ? []
            : [`days-after-step names ${condition.stepId}, which is not an earlier step`]),
          ...(whole(condition.days, 0) ? [] : ['days-after-step needs a whole number of days']),
        ];
      case 'no-agreement-in-good-standing':
      case 'effective-collection-evidence':
        return [];
    }
    return [`unknown condition ${(condition as { kind: string }).kind}`];
  });
}
