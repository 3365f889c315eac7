/** The escalation ladder as data (steps keyed by days past due) and the pure decision of what comes next. */

import { addDays } from './delinquency';
import type { ContactChannel } from './policy-packs';
import { instantAt } from './zoned-time';

/** Only SMS is wired so far; email and letters join the ladder with their senders. */
export type LadderAction = 'sms';

export interface LadderStep {
  readonly id: string;
  /** Days past due from which this step is due. */
  readonly fromDaysPastDue: number;
  readonly action: LadderAction;
  readonly template: string;
}

/** The default ladder of a bank; each bank can override it in its configuration. */
export const DEFAULT_LADDER: readonly LadderStep[] = [
  { id: 'sms-courtesy', fromDaysPastDue: 1, action: 'sms', template: 'courtesy-reminder' },
  { id: 'sms-second', fromDaysPastDue: 15, action: 'sms', template: 'second-reminder' },
  { id: 'sms-firm', fromDaysPastDue: 30, action: 'sms', template: 'firm-reminder' },
];

export type EscalationPlan =
  | { readonly action: 'end'; readonly reason: string }
  | {
      readonly action: LadderAction;
      readonly stepId: string;
      readonly template: string;
      /** ISO instant at which the step is due (before the guard moves it to a lawful moment). */
      readonly dueAt: string;
    };

export interface EscalationPosition {
  /** Step ids already carried out in this delinquency cycle. */
  readonly completedSteps: readonly string[];
  /** ISO instant the last step was carried out, if any. */
  readonly lastStepAt?: string;
  readonly dueDate: string;
  readonly timeZone: string;
  readonly closed: boolean;
}

/** The local hour at which a step that falls due on a given day is scheduled before the guard looks at it. */
const STEP_LOCAL_HOUR = 9;

/** At most one automated reminder a day: a step held back overnight must not land an hour before the next. */
export const MIN_HOURS_BETWEEN_STEPS = 24;

/**
 * Picks the next step of the ladder: the steps after the last one done, in days-past-due order. When an
 * account arrives already past several of them, only the latest one that is due is taken — three reminders
 * about one debt at the same moment would be pressure, not information — and the ones before it are passed
 * over for good. Steps are due at 09:00 debtor time on the day the account reaches their days past due.
 */
export function planNextStep(
  ladder: readonly LadderStep[],
  position: EscalationPosition,
  now: Date,
): EscalationPlan {
  if (position.closed) return { action: 'end', reason: 'case closed' };
  const ordered = [...ladder].sort((a, b) => a.fromDaysPastDue - b.fromDaysPastDue);
  const lastDone = ordered.findLastIndex((step) => position.completedSteps.includes(step.id));
  const remaining = ordered.slice(lastDone + 1);
  const first = remaining[0];
  if (!first) return { action: 'end', reason: 'ladder complete' };
  let step = first;
  for (const later of remaining.slice(1)) {
    if (scheduledAt(later, position).getTime() > now.getTime()) break;
    step = later;
  }
  const earliest = Math.max(
    scheduledAt(step, position).getTime(),
    now.getTime(),
    position.lastStepAt ? new Date(position.lastStepAt).getTime() + MIN_HOURS_BETWEEN_STEPS * 3_600_000 : 0,
  );
  const dueAt = new Date(earliest);
  return { action: step.action, stepId: step.id, template: step.template, dueAt: dueAt.toISOString() };
}

function scheduledAt(step: LadderStep, position: EscalationPosition): Date {
  const [year, month, day] = addDays(position.dueDate, step.fromDaysPastDue).split('-').map(Number) as [
    number,
    number,
    number,
  ];
  return instantAt({ year, month, day, hour: STEP_LOCAL_HOUR, minute: 0 }, position.timeZone);
}

export function channelOf(action: LadderAction): ContactChannel {
  return action;
}
