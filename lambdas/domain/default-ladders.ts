/** The default ladder of each policy pack (version 1): what a bank gets when it configures none. */

import type { Ladder } from './escalation-ladder';
import type { PackId } from './policy-packs';

/**
 * Pack `cn`, after the seed guideline's 清收措施 and RULES.md: polite reminders first, calls, a formal letter
 * (CN-6), a second one at least 30 days after it (CN-9), the credit-report notice before any reporting
 * (CN-11), a freeze request, and a legal review only with the 有效催收 evidence complete (CN-9). Home visits
 * and emergency-contact calls are not automated: they need a person's judgement under CN-4 and CN-13.
 */
export const CN_DEFAULT_LADDER: Ladder = {
  id: 'cn-standard',
  version: 1,
  pack: 'cn',
  steps: [
    { id: 'sms-courtesy', fromDaysPastDue: 1, action: 'sms', template: 'courtesy-reminder' },
    { id: 'email-statement', fromDaysPastDue: 3, action: 'email', template: 'overdue-statement' },
    {
      id: 'call-first',
      fromDaysPastDue: 7,
      action: 'call-task',
      template: 'call-first-contact',
      taskDays: 2,
      defaultOutcome: 'unanswered',
    },
    { id: 'sms-second', fromDaysPastDue: 15, action: 'sms', template: 'second-reminder' },
    { id: 'letter-first', fromDaysPastDue: 30, action: 'letter', template: 'cn-collection-letter' },
    { id: 'sms-firm', fromDaysPastDue: 35, action: 'sms', template: 'firm-reminder' },
    {
      id: 'call-plan',
      fromDaysPastDue: 45,
      action: 'call-task',
      template: 'call-repayment-plan',
      taskDays: 3,
      defaultOutcome: 'unanswered',
    },
    {
      id: 'letter-second',
      fromDaysPastDue: 60,
      action: 'letter',
      template: 'cn-collection-letter-second',
      conditions: [{ kind: 'days-after-step', stepId: 'letter-first', days: 30 }],
    },
    {
      id: 'credit-report-notice',
      fromDaysPastDue: 75,
      action: 'credit-report-notice',
      template: 'credit-report-notice',
      conditions: [{ kind: 'no-agreement-in-good-standing' }],
    },
    {
      id: 'freeze-request',
      fromDaysPastDue: 90,
      action: 'freeze-request',
      template: 'card-suspension-notice',
      conditions: [{ kind: 'no-agreement-in-good-standing' }],
    },
    {
      id: 'legal-review',
      fromDaysPastDue: 120,
      action: 'review',
      template: 'legal-referral-review',
      // Below RMB 1,000 a referral costs more than it can recover; a bank tunes this in its own ladder.
      conditions: [
        { kind: 'no-agreement-in-good-standing' },
        { kind: 'overdue-above', minor: 100_000 },
        { kind: 'effective-collection-evidence' },
      ],
      taskDays: 10,
      defaultOutcome: 'not-approved',
    },
  ],
};

/**
 * Pack `us`: the validation notice first (US-3: a letter, and the same by email), then reminders, calls and a
 * review. Every text and email carries the debt-collector disclosure and an opt-out (US-6).
 */
export const US_DEFAULT_LADDER: Ladder = {
  id: 'us-standard',
  version: 1,
  pack: 'us',
  steps: [
    { id: 'validation-letter', fromDaysPastDue: 1, action: 'letter', template: 'us-validation-notice' },
    { id: 'validation-email', fromDaysPastDue: 1, action: 'email', template: 'us-validation-email' },
    { id: 'sms-reminder', fromDaysPastDue: 10, action: 'sms', template: 'us-reminder' },
    { id: 'email-reminder', fromDaysPastDue: 20, action: 'email', template: 'us-reminder' },
    {
      id: 'call-first',
      fromDaysPastDue: 40,
      action: 'call-task',
      template: 'call-first-contact',
      taskDays: 2,
      defaultOutcome: 'unanswered',
    },
    { id: 'sms-second', fromDaysPastDue: 50, action: 'sms', template: 'us-second-reminder' },
    {
      id: 'call-plan',
      fromDaysPastDue: 60,
      action: 'call-task',
      template: 'call-repayment-plan',
      taskDays: 3,
      defaultOutcome: 'unanswered',
    },
    {
      id: 'account-review',
      fromDaysPastDue: 90,
      action: 'review',
      template: 'us-account-review',
      conditions: [{ kind: 'no-agreement-in-good-standing' }, { kind: 'overdue-above', minor: 10_000 }],
      taskDays: 10,
      defaultOutcome: 'not-approved',
    },
  ],
};

export const DEFAULT_LADDERS: Readonly<Record<PackId, Ladder>> = {
  cn: CN_DEFAULT_LADDER,
  us: US_DEFAULT_LADDER,
};
