/**
 * The escalation ladder as data: steps keyed by days past due, with their actions, templates and conditions.
 * Free of the template catalogue (the planner, next-step.ts, resolves versions from it): every function that
 * parses a ladder or a planned step imports this, and should not carry every template for it.
 */

import type { ContactChannel, PackId } from './policy-packs';

export const LADDER_ACTIONS = [
  'sms',
  'email',
  'letter',
  'call-task',
  'credit-report-notice',
  'freeze-request',
  'review',
] as const;
export type LadderAction = (typeof LADDER_ACTIONS)[number];

/** Actions a person carries out (a work item); the state machine waits on them, then takes the default. */
export const TASK_ACTIONS: readonly LadderAction[] = ['call-task', 'review'];

/**
 * What the state machine records when nobody completed the task in time. A review never approves by
 * silence: a legal referral or a write-off needs a person's yes.
 */
export type TaskDefaultOutcome = 'unanswered' | 'not-approved';
export const DEFAULT_OUTCOME_OF: Readonly<Record<'call-task' | 'review', TaskDefaultOutcome>> = {
  'call-task': 'unanswered',
  review: 'not-approved',
};

export type StepCondition =
  /** Only when the overdue amount is above this many minor units. */
  | { readonly kind: 'overdue-above'; readonly minor: number }
  /** Only when no repayment agreement is in good standing (CN-7). */
  | { readonly kind: 'no-agreement-in-good-standing' }
  /** Only at least `days` after another (earlier) step was carried out, e.g. CN-9's second letter. */
  | { readonly kind: 'days-after-step'; readonly stepId: string; readonly days: number }
  /** Only with the 有效催收 evidence complete (CN-9): ≥ 2 delivered effective notices ≥ 30 days apart, > 3 months unpaid. */
  | { readonly kind: 'effective-collection-evidence' };

export interface LadderStep {
  readonly id: string;
  /** Days past due from which this step is due (09:00 debtor time that day). */
  readonly fromDaysPastDue: number;
  readonly action: LadderAction;
  readonly template: string;
  /** Pins a template version; the catalogue's latest when absent. */
  readonly templateVersion?: number;
  readonly conditions?: readonly StepCondition[];
  /** For `call-task` and `review`: days the state machine waits on the person before taking `defaultOutcome`. */
  readonly taskDays?: number;
  readonly defaultOutcome?: TaskDefaultOutcome;
  /** The bank furnishes negative information to the credit bureau with this step: a notice must come first (CN-11, US-7). */
  readonly reportsToCreditBureau?: boolean;
}

/** One version of a bank's ladder. A running escalation keeps the version it started with. */
export interface Ladder {
  readonly id: string;
  readonly version: number;
  readonly pack: PackId;
  /** In days-past-due order (validateLadder refuses any other). */
  readonly steps: readonly LadderStep[];
}

/** CN-9: two effective notices this far apart, and the debt unpaid for more than this many months. */
export const EFFECTIVE_NOTICE_SPACING_DAYS = 30;
export const EVIDENCE_UNPAID_MONTHS = 3;

/** The contact channel the guard checks for an action; undefined for actions that contact nobody. */
export function channelOf(action: LadderAction): ContactChannel | undefined {
  switch (action) {
    case 'sms':
    case 'email':
    case 'letter':
      return action;
    case 'call-task':
      return 'call';
    case 'credit-report-notice':
      return 'sms';
    case 'freeze-request':
    case 'review':
      return undefined;
  }
}
