/**
 * Plans the next escalation step of a case.
 * Input: the case id and delinquency cycle of a running escalation.
 * Output: the step and the lawful instant to act, or `end` with the reason.
 * 1. Load the case; a missing, closed or superseded-cycle case ends the escalation.
 * 2. Pick the next ladder step of the bank not yet done in this cycle; an SMS step with no mobile on file ends it.
 * 3. Ask the compliance guard for the first lawful moment at or after the step is due.
 */

import { nextLawfulMomentPreLedger } from '../domain/compliance-guard';
import { channelOf, planNextStep as pickNextStep } from '../domain/escalation-ladder';
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
      readonly action: 'sms';
      readonly stepId: string;
      readonly template: string;
      /** The lawful instant to act (ISO 8601), as the Wait state reads it. */
      readonly at: string;
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

  const plan = pickNextStep(
    bank.ladder,
    {
      completedSteps: collectionCase.completedSteps,
      ...(collectionCase.lastStepAt ? { lastStepAt: collectionCase.lastStepAt } : {}),
      dueDate: collectionCase.dueDate,
      timeZone: collectionCase.timeZone,
      closed: collectionCase.status === 'closed',
    },
    deps.clock.now(),
  );
  if (plan.action === 'end') return plan;
  // Act skips an SMS step without a number and does not mark it done: planning it again would loop at once.
  if (channelOf(plan.action) === 'sms' && !collectionCase.pii.fields.includes('mobile')) {
    return { action: 'end', reason: 'no mobile on file' };
  }

  const lawful = nextLawfulMomentPreLedger(policyPack(collectionCase.policyPack), {
    channel: channelOf(plan.action),
    at: new Date(plan.dueAt),
    timeZone: collectionCase.timeZone,
    flags: collectionCase.flags,
  });
  if (!lawful) return { action: 'end', reason: 'collection ceased' };
  return { action: plan.action, stepId: plan.stepId, template: plan.template, at: lawful.toISOString() };
}
