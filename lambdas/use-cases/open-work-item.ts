/**
 * Opens the work item a call or review step waits for (the `OpenTask` task, `.waitForTaskToken`).
 * Input: ids, the planned step and the task token. Output: the item's id and when the default path is taken.
 * Nothing is opened for a case that closed or moved on meanwhile. The item is created once per case, cycle, run and step (a retried task finds it); the staff API completes it
 * later with the token (SendTaskSuccess). The token is a credential: stored, never logged or put in the trail.
 */

import { policyPack } from '../domain/policy-packs';
import type { CaseStore } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { OpenTaskInput, WorkItemOpened } from '../ports/escalation-tasks';
import type { WorkItems } from '../ports/notifier';
import type { Trail } from '../ports/trail';
import { pauseReason } from './escalation-context';

export interface OpenWorkItemDeps {
  readonly cases: Pick<CaseStore, 'get'>;
  readonly workItems: WorkItems;
  readonly trail: Trail;
  readonly clock: Clock;
}

export async function openWorkItem(deps: OpenWorkItemDeps, input: OpenTaskInput): Promise<WorkItemOpened> {
  const now = deps.clock.now();
  const { plan } = input;
  const itemId = `${input.caseId}#${input.cycle}#r${input.run}#${plan.stepId}`;
  const dueBy = new Date(now.getTime() + plan.taskTimeoutSeconds * 1000).toISOString();
  // A case that closed (or moved on) while the step waited gets no item on anyone's worklist: its execution is
  // being stopped, and if it is not, the step times out and ActOnWorkItem skips it.
  const collectionCase = await deps.cases.get(input.caseId);
  // Nor one whose escalation must pause (a flag arrived while the step waited): ActOnWorkItem pauses it next.
  if (
    !collectionCase ||
    collectionCase.status === 'closed' ||
    collectionCase.cycle !== input.cycle ||
    (collectionCase.escalationRun ?? 0) !== input.run ||
    pauseReason(policyPack(collectionCase.policyPack), collectionCase)
  ) {
    return { itemId, dueBy };
  }
  await deps.workItems.open({
    itemId,
    bankId: input.caseId.slice(0, input.caseId.indexOf(':')),
    caseId: input.caseId,
    kind: plan.action === 'review' ? 'review' : 'call',
    subject: plan.template,
    taskToken: input.taskToken,
    dueBy,
    createdAt: now.toISOString(),
  });
  await deps.trail.append({
    caseId: input.caseId,
    kind: 'work-item.opened',
    at: now,
    actor: 'system:open-task',
    entryId: `work-item.opened#${input.cycle}#${input.run}#${plan.stepId}`,
    detail: {
      step: plan.stepId,
      template: plan.template,
      templateVersion: plan.templateVersion,
      itemId,
      dueBy,
    },
  });
  return { itemId, dueBy };
}
