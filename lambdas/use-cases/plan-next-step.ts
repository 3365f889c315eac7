/**
 * Plans the next escalation step of a case.
 * Input: the case id and delinquency cycle of a running escalation.
 * Output: the step and the lawful instant to act, or `end` with the reason.
 * 1. Load the case; a missing, closed or superseded-cycle case ends the escalation.
 * 2. Pick the next ladder step of the bank not yet done in this cycle; an SMS step with no mobile on file ends it.
 * 3. Ask the compliance guard for the first lawful moment at or after the step is due.
 */

import { currentLadder } from '../domain/bank';
import { nextLawfulMomentPreLedger } from '../domain/compliance-guard';
import { channelOf, type LadderAction, planNextStep as pickNextStep } from '../domain/escalation-ladder';
import { policyPack } from '../domain/policy-packs';
import type { BankDirectory } from '../ports/bank-directory';
import type { CaseStore } from '../ports/case-store';
import type { Clock } from '../ports/clock';

export interface PlanNextStepDeps {
  readonly cases: CaseStore;
  readonly banks: BankDirectory;
  readonly clock: Clock;
}

export type StepPlan =
  | { readonly action: 'end'; readonly reason: string }
  | {
      readonly action: LadderAction;
      readonly stepId: string;
      readonly template: string;
      readonly templateVersion: number;
      /** The lawful instant to act (ISO 8601), as the Wait state reads it. */
      readonly at: string;
      readonly taskTimeoutSeconds?: number;
    };

export async function planNextStep(
  deps: PlanNextStepDeps,
  input: { caseId: string; cycle: string },
): Promise<StepPlan> {
  const collectionCase = await deps.cases.get(input.caseId);
  if (!collectionCase) return { action: 'end', reason: 'case not found' };
  if (collectionCase.cycle !== input.cycle) return { action: 'end', reason: 'cycle superseded' };
  const bank = deps.banks.get(collectionCase.bankId);
  if (!bank) return { action: 'end', reason: 'bank no longer served' };

  const now = deps.clock.now();
  // Until the case keeps stepsDone and its pinned ladderVersion, each done step is dated by the last one:
  // later than the truth, so a days-after-step condition can only wait longer, never shorter.
  const doneAt = collectionCase.lastStepAt ?? now.toISOString();
  const plan = pickNextStep(
    currentLadder(bank),
    {
      stepsDone: Object.fromEntries(collectionCase.completedSteps.map((stepId) => [stepId, doneAt])),
      dueDate: collectionCase.dueDate,
      timeZone: collectionCase.timeZone,
      closed: collectionCase.status === 'closed',
      overdueMinor: collectionCase.overdue.amountMinor,
      agreementInGoodStanding: false,
      effectiveNotices: [],
    },
    now,
  );
  if (plan.action === 'end') return { action: 'end', reason: plan.reason };
  // Act skips an SMS step without a number and does not mark it done: planning it again would loop at once.
  if (channelOf(plan.action) === 'sms' && !collectionCase.pii.fields.includes('mobile')) {
    return { action: 'end', reason: 'no mobile on file' };
  }

  const lawful = nextLawfulMomentPreLedger(policyPack(collectionCase.policyPack), {
    // A step that contacts nobody is held by the cease flags only, as a letter is (exempt from quiet hours).
    channel: channelOf(plan.action) ?? 'letter',
    at: new Date(plan.dueAt),
    timeZone: collectionCase.timeZone,
    flags: collectionCase.flags,
  });
  if (!lawful) return { action: 'end', reason: 'collection ceased' };
  return {
    action: plan.action,
    stepId: plan.stepId,
    template: plan.template,
    templateVersion: plan.templateVersion,
    at: lawful.toISOString(),
    ...(plan.taskTimeoutSeconds !== undefined ? { taskTimeoutSeconds: plan.taskTimeoutSeconds } : {}),
  };
}
