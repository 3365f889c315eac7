/**
 * Plans the next escalation step of a case (the `PlanNextStep` task).
 * Input: the case id, delinquency cycle and run of a running escalation. Output: the step and the lawful instant
 * to act, `pause` (a cease state holds: this run ends, lifting the state starts the next), or `end`.
 * 1. Load the case; a missing, superseded or closed case ends the run (a closed one records `ended`).
 * 2. A cease flag or staff hold pauses: the case records `paused` with the reason, on the condition that it is
 *    still as read (a feed row lifting the flag in between is planned again, not paused over).
 * 3. Pin the ladder version of the cycle (a running escalation keeps the version it started with).
 * 4. Pick the next step (domain/next-step); steps passed over go to the trail and are never planned again.
 * 5. A contact step with no address on file for it is skipped and recorded; otherwise the guard gives the first
 *    lawful moment at or after the step is due, on the debtor's contact history. A standing refusal (an opt-out,
 *    US-3 …) is recorded at planning time with its rule and the step passed over.
 */

import { currentLadder, ladderVersion } from '../domain/bank';
import type { CollectionCase } from '../domain/collection-case';
import { type CaseFacts, checkAction, checkContact } from '../domain/compliance-guard';
import { type ContactRecord, debtorKeyOf } from '../domain/contact-record';
import type { LadderAction } from '../domain/escalation-ladder';
import { planNextStep as pickNextStep } from '../domain/next-step';
import { type PolicyPack, policyPack } from '../domain/policy-packs';
import type { BankDirectory } from '../ports/bank-directory';
import type { CaseStore } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { ContactLedger } from '../ports/contact-ledger';
import type { NextStepPlan } from '../ports/escalation-tasks';
import type { Trail } from '../ports/trail';
import type { EscalationInput } from '../ports/workflow';
import {
  caseFactsOf,
  contactTargetOf,
  effectiveNotices,
  guardFlags,
  mergedRecords,
  pauseReason,
  purposeOf,
} from './escalation-context';

export interface PlanNextStepDeps {
  readonly cases: CaseStore;
  readonly banks: BankDirectory;
  readonly clock: Clock;
  readonly contacts: ContactLedger;
  readonly trail: Trail;
}

export type StepPlan = NextStepPlan;

const ACTOR = 'system:plan-next-step';
/** Reads of a case that keeps changing under a pause before planning gives up and lets the task retry. */
const ATTEMPTS = 3;

export async function planNextStep(deps: PlanNextStepDeps, input: EscalationInput): Promise<StepPlan> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const plan = await planOnce(deps, input);
    if (plan !== 'changed') return plan;
  }
  throw new Error(`case ${input.caseId} kept changing while its escalation was planned`);
}

async function planOnce(deps: PlanNextStepDeps, input: EscalationInput): Promise<StepPlan | 'changed'> {
  const collectionCase = await deps.cases.get(input.caseId);
  if (!collectionCase) return { action: 'end', reason: 'case not found' };
  if (collectionCase.cycle !== input.cycle) return { action: 'end', reason: 'cycle superseded' };
  if ((collectionCase.escalationRun ?? 0) !== input.run) return { action: 'end', reason: 'run superseded' };
  const now = deps.clock.now();
  const state = (state: 'paused' | 'ended', reason: string) =>
    deps.cases.setEscalationState(collectionCase.caseId, {
      cycle: input.cycle,
      run: input.run,
      state,
      reason,
      readAt: collectionCase.updatedAt,
    });
  if (collectionCase.status === 'closed') {
    await state('ended', collectionCase.closedReason ?? 'closed');
    return { action: 'end', reason: 'case closed' };
  }
  const bank = deps.banks.get(collectionCase.bankId);
  if (!bank) return { action: 'end', reason: 'bank no longer served' };
  const pack = policyPack(collectionCase.policyPack);

  const pause = pauseReason(pack, collectionCase);
  if (pause) {
    if (!(await state('paused', pause))) return 'changed';
    await record(deps, collectionCase, 'escalation.paused', `${input.run}`, now, { reason: pause });
    return { action: 'pause', reason: pause };
  }

  const version =
    collectionCase.ladderVersion ??
    (await deps.cases.pinLadderVersion(collectionCase.caseId, input.cycle, currentLadder(bank).version));
  const ladder = (version !== undefined ? ladderVersion(bank, version) : undefined) ?? currentLadder(bank);
  const debtorKey =
    collectionCase.debtorKey ??
    (await deps.cases.pinDebtorKey(collectionCase.caseId, debtorKeyOf(collectionCase))) ??
    debtorKeyOf(collectionCase);
  const history = await deps.contacts.read(debtorKey, collectionCase.mobileIndex, now);
  const caseRecords = await deps.contacts.listByCase(collectionCase.caseId);
  const records = mergedRecords(history.records, caseRecords);
  const facts = caseFactsOf(collectionCase, records);
  const stepsDone: Record<string, string> = { ...(collectionCase.stepTimes ?? {}) };
  for (const stepId of collectionCase.completedSteps)
    stepsDone[stepId] ??= collectionCase.lastStepAt ?? collectionCase.updatedAt;

  // Each pass takes one step out of consideration (done, skipped or refused), so the ladder's length bounds it.
  for (let pass = 0; pass <= ladder.steps.length; pass++) {
    const plan = pickNextStep(
      ladder,
      {
        stepsDone,
        dueDate: collectionCase.dueDate,
        timeZone: collectionCase.timeZone,
        closed: false,
        overdueMinor: collectionCase.overdue.amountMinor,
        // Agreements (a later capability) pause the escalation as a hold; none is in good standing here.
        agreementInGoodStanding: false,
        effectiveNotices: effectiveNotices(collectionCase.caseId, records),
      },
      now,
    );
    for (const skipped of plan.skipped) {
      await passOver(deps, collectionCase, skipped.stepId, skipped.reason, now);
      stepsDone[skipped.stepId] = now.toISOString();
    }
    if (plan.action === 'end') {
      await state('ended', plan.reason);
      return { action: 'end', reason: plan.reason };
    }
    const due = new Date(plan.dueAt);
    const lawful = lawfulMoment(
      pack,
      collectionCase,
      plan.action,
      plan.template,
      due,
      debtorKey,
      history.records,
      facts,
    );
    if ('refused' in lawful) {
      await record(deps, collectionCase, 'contact.refused', `${plan.stepId}#planned`, now, {
        step: plan.stepId,
        action: plan.action,
        template: plan.template,
        templateVersion: plan.templateVersion,
        rule: lawful.refused.rule,
        reason: lawful.refused.reason,
        outcome: 'passed over',
      });
      await deps.cases.markStepCompleted(collectionCase.caseId, collectionCase.cycle, plan.stepId, now);
      stepsDone[plan.stepId] = now.toISOString();
      continue;
    }
    const step = {
      stepId: plan.stepId,
      template: plan.template,
      templateVersion: plan.templateVersion,
      at: lawful.at.toISOString(),
    };
    if (plan.action === 'call-task' || plan.action === 'review') {
      return { ...step, action: plan.action, taskTimeoutSeconds: plan.taskTimeoutSeconds ?? 86_400 };
    }
    return { ...step, action: plan.action };
  }
  throw new Error(`ladder ${ladder.id} v${ladder.version} did not settle for case ${collectionCase.caseId}`);
}

type Lawful =
  | { readonly at: Date }
  | { readonly refused: { readonly rule: string; readonly reason: string } };

/** The first lawful moment for the step at or after it is due, or the standing rule that bars it. */
function lawfulMoment(
  pack: PolicyPack,
  collectionCase: CollectionCase,
  action: LadderAction,
  template: string,
  due: Date,
  debtorKey: string,
  history: readonly ContactRecord[],
  facts: CaseFacts,
): Lawful {
  const flags = guardFlags(pack, collectionCase);
  if (action === 'freeze-request' || action === 'review') {
    const decision = checkAction(pack, {
      action: action === 'review' ? 'legal-referral' : 'freeze',
      at: due,
      flags,
      debtorKey,
      history,
      facts,
    });
    if (decision.allowed) return { at: due };
    return decision.nextLawfulAt
      ? { at: decision.nextLawfulAt }
      : { refused: { rule: decision.rule, reason: decision.reason } };
  }
  const target = contactTargetOf(action, collectionCase);
  if (action !== 'call-task' && !target) {
    return {
      refused: {
        rule: 'NO-ADDRESS',
        reason: `no ${action === 'letter' ? 'postal address' : action} on file`,
      },
    };
  }
  const request = {
    channel: target?.channel ?? ('call' as const),
    at: due,
    timeZone: collectionCase.timeZone,
    flags,
    // A call task is made by a person; the guard holds it to the hours and the call caps all the same.
    automated: action !== 'call-task',
    purpose: purposeOf(action, template),
    thirdParty: false,
    debtorKey,
    caseId: collectionCase.caseId,
    addressKey: action === 'call-task' ? collectionCase.mobileIndex : target?.addressKey,
    history,
    facts,
  };
  const decision = checkContact(pack, request);
  if (decision.allowed) return { at: due };
  return decision.nextLawfulAt
    ? { at: decision.nextLawfulAt }
    : { refused: { rule: decision.rule, reason: decision.reason } };
}

async function passOver(
  deps: PlanNextStepDeps,
  collectionCase: CollectionCase,
  stepId: string,
  reason: string,
  now: Date,
): Promise<void> {
  await record(deps, collectionCase, 'step.skipped', stepId, now, { step: stepId, reason });
  await deps.cases.markStepCompleted(collectionCase.caseId, collectionCase.cycle, stepId, now);
}

async function record(
  deps: PlanNextStepDeps,
  collectionCase: CollectionCase,
  kind: 'step.skipped' | 'contact.refused' | 'escalation.paused',
  key: string,
  now: Date,
  detail: Readonly<Record<string, string | number | boolean>>,
): Promise<void> {
  await deps.trail.append({
    caseId: collectionCase.caseId,
    kind,
    at: now,
    actor: ACTOR,
    entryId: `${kind}#${collectionCase.cycle}#${key}`,
    detail,
  });
}
