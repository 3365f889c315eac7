/**
 * Which step of a ladder comes next, and when: the pure decision PlanNextStep takes. Apart from the ladder as
 * data (escalation-ladder.ts) because it resolves template versions from the catalogue, which only the
 * planning function should carry (test/unit/template-bundles.test.ts).
 */

import { addDays, dayNumber, isoDateFromDayNumber } from './delinquency';
import {
  EFFECTIVE_NOTICE_SPACING_DAYS,
  EVIDENCE_UNPAID_MONTHS,
  type Ladder,
  type LadderAction,
  type LadderStep,
} from './escalation-ladder';
import { latestTemplateVersion } from './template-catalogue';
import { instantAt } from './zoned-time';

export interface EscalationPosition {
  /** Step id → ISO instant it was carried out, in this delinquency cycle. */
  readonly stepsDone: Readonly<Record<string, string>>;
  readonly dueDate: string;
  readonly timeZone: string;
  readonly closed: boolean;
  readonly overdueMinor: number;
  readonly agreementInGoodStanding: boolean;
  /** ISO instants of delivered effective collection notices (proof of receipt held), CN-9. */
  readonly effectiveNotices: readonly string[];
}

export interface SkippedStep {
  readonly stepId: string;
  readonly reason: string;
}

export type EscalationPlan =
  | { readonly action: 'end'; readonly reason: string; readonly skipped: readonly SkippedStep[] }
  | {
      readonly action: LadderAction;
      readonly stepId: string;
      readonly template: string;
      readonly templateVersion: number;
      /** ISO instant at which the step is due (before the guard moves it to a lawful moment). */
      readonly dueAt: string;
      /** For tasks: how long to wait on the person. */
      readonly taskTimeoutSeconds?: number;
      /** Steps passed over on the way, for the caller to record; never planned again in this cycle. */
      readonly skipped: readonly SkippedStep[];
    };

/** The local hour at which a step that falls due on a given day is scheduled before the guard looks at it. */
const STEP_LOCAL_HOUR = 9;

/** At most one automated step a day: a step held back overnight must not land an hour before the next. */
export const MIN_HOURS_BETWEEN_STEPS = 24;

/** Catch-up may pass these over; letters, notices, freezes and reviews carry evidence or consequences and are always taken. */
const PASSABLE_ACTIONS: readonly LadderAction[] = ['sms', 'email', 'call-task'];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

type Readiness = { readonly never: string } | { readonly at: number };

/**
 * Picks the next step of the ladder: the steps after the last one done, in order. A step whose condition can
 * never hold in this position is passed over and reported in `skipped`; one whose condition is only not yet
 * true (a second letter 30 days after the first) is planned for when it will be. When an account arrives
 * past several due steps, only the latest is taken — three reminders about one debt at the same moment would
 * be pressure, not information — but catch-up never jumps a letter, notice, freeze or review, nor a step a
 * later one waits on. Steps are due at 09:00 debtor time on the day the account reaches their days past due,
 * and at least 24 hours after the last step.
 */
export function planNextStep(ladder: Ladder, position: EscalationPosition, now: Date): EscalationPlan {
  if (position.closed) return { action: 'end', reason: 'case closed', skipped: [] };
  const lastDone = ladder.steps.findLastIndex((step) => Object.hasOwn(position.stepsDone, step.id));
  const anchors = new Set(
    ladder.steps.flatMap((step) =>
      (step.conditions ?? []).flatMap((c) => (c.kind === 'days-after-step' ? [c.stepId] : [])),
    ),
  );
  const skipped: SkippedStep[] = [];
  let pending: SkippedStep[] = [];
  let chosen: { readonly step: LadderStep; readonly at: number } | undefined;
  for (const step of ladder.steps.slice(lastDone + 1)) {
    if (chosen && (chosen.at > now.getTime() || !passable(chosen.step, anchors))) break;
    const readiness = readinessOf(step, ladder, position);
    if ('never' in readiness) {
      (chosen ? pending : skipped).push({ stepId: step.id, reason: readiness.never });
      continue;
    }
    if (!chosen) chosen = { step, at: readiness.at };
    else if (readiness.at <= now.getTime()) {
      skipped.push({ stepId: chosen.step.id, reason: 'caught up: a later step is already due' }, ...pending);
      pending = [];
      chosen = { step, at: readiness.at };
    } else break;
  }
  if (!chosen) return { action: 'end', reason: 'ladder complete', skipped };

  const { step } = chosen;
  const lastStepAt = Math.max(0, ...Object.values(position.stepsDone).map((at) => new Date(at).getTime()));
  const dueAt = new Date(
    Math.max(chosen.at, now.getTime(), lastStepAt > 0 ? lastStepAt + MIN_HOURS_BETWEEN_STEPS * HOUR_MS : 0),
  );
  const templateVersion = step.templateVersion ?? latestTemplateVersion(step.template);
  if (templateVersion === undefined)
    throw new Error(`ladder ${ladder.id} v${ladder.version}: unknown template ${step.template}`);
  return {
    action: step.action,
    stepId: step.id,
    template: step.template,
    templateVersion,
    dueAt: dueAt.toISOString(),
    ...(step.taskDays !== undefined ? { taskTimeoutSeconds: step.taskDays * 86_400 } : {}),
    skipped,
  };
}

function passable(step: LadderStep, anchors: ReadonlySet<string>): boolean {
  return PASSABLE_ACTIONS.includes(step.action) && !anchors.has(step.id);
}

/** When the step may happen in this position, or why it never can. Conditions only ever delay or refuse. */
function readinessOf(step: LadderStep, ladder: Ladder, position: EscalationPosition): Readiness {
  let at = localMorning(addDays(position.dueDate, step.fromDaysPastDue), position.timeZone);
  for (const condition of step.conditions ?? []) {
    switch (condition.kind) {
      case 'overdue-above':
        if (position.overdueMinor <= condition.minor)
          return { never: `overdue amount ${position.overdueMinor} is not above ${condition.minor}` };
        break;
      case 'no-agreement-in-good-standing':
        if (position.agreementInGoodStanding) return { never: 'a repayment agreement is in good standing' };
        break;
      case 'days-after-step': {
        const doneAt = position.stepsDone[condition.stepId];
        if (doneAt === undefined) return { never: `step ${condition.stepId} was not carried out` };
        at = Math.max(at, new Date(doneAt).getTime() + condition.days * DAY_MS);
        break;
      }
      case 'effective-collection-evidence': {
        const missing = missingEvidence(position.effectiveNotices);
        if (missing) return { never: missing };
        at = Math.max(
          at,
          localMorning(moreThanMonthsAfter(position.dueDate, EVIDENCE_UNPAID_MONTHS), position.timeZone),
        );
        break;
      }
    }
  }
  if (step.reportsToCreditBureau) {
    const index = ladder.steps.indexOf(step);
    const noticed = ladder.steps
      .slice(0, index)
      .some(
        (earlier) =>
          earlier.action === 'credit-report-notice' && Object.hasOwn(position.stepsDone, earlier.id),
      );
    if (!noticed) return { never: 'no credit-report notice was given before reporting' };
  }
  return { at };
}

/** Why the delivered notices are not yet the CN-9 evidence, or undefined when they are. */
export function missingEvidence(effectiveNotices: readonly string[]): string | undefined {
  const times = effectiveNotices.map((at) => new Date(at).getTime()).sort((a, b) => a - b);
  const first = times[0];
  const last = times.at(-1);
  if (first === undefined || last === undefined || times.length < 2)
    return `${times.length} delivered effective notice(s); 2 are needed`;
  if (last - first < EFFECTIVE_NOTICE_SPACING_DAYS * DAY_MS)
    return `delivered effective notices are less than ${EFFECTIVE_NOTICE_SPACING_DAYS} days apart`;
  return undefined;
}

/** The first day that is more than `months` calendar months after `isoDate` (day clamped to the month's end). */
function moreThanMonthsAfter(isoDate: string, months: number): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const total = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(total / 12);
  const targetMonth = (total % 12) + 1;
  const firstOfNext = dayNumber(
    `${String(targetMonth === 12 ? targetYear + 1 : targetYear).padStart(4, '0')}-${String((targetMonth % 12) + 1).padStart(2, '0')}-01`,
  );
  const firstOfTarget = dayNumber(
    `${String(targetYear).padStart(4, '0')}-${String(targetMonth).padStart(2, '0')}-01`,
  );
  const sameDay = Math.min(firstOfTarget + day - 1, firstOfNext - 1);
  return isoDateFromDayNumber(sameDay + 1);
}

function localMorning(isoDate: string, timeZone: string): number {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  return instantAt({ year, month, day, hour: STEP_LOCAL_HOUR, minute: 0 }, timeZone).getTime();
}
