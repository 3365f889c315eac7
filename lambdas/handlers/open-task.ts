/**
 * Step Functions task `OpenTask` (`lambda:invoke.waitForTaskToken`): opens the step's work item holding the task
 * token, through the OpenWorkItem use case, and returns. The execution waits until the staff API completes the
 * item (SendTaskSuccess, not this function) or the plan's `taskTimeoutSeconds` pass.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import { logger } from '../adapters/aws/logger';
import type { OpenWorkItem, WorkItemOpened } from '../ports/escalation-tasks';
import { escalationIds } from './escalation-task-input';

export const openTaskInput = escalationIds.extend({
  plan: z.object({
    action: z.enum(['call-task', 'review']),
    stepId: z.string().min(1),
    template: z.string().min(1),
    templateVersion: z.number().int().positive(),
    at: z.string().min(1),
    taskTimeoutSeconds: z.number().int().min(1),
  }),
  taskToken: z.string().min(1),
});

export interface OpenTaskHandlerDeps {
  readonly openWorkItem: OpenWorkItem;
}

export function makeOpenTaskHandler(deps: () => OpenTaskHandlerDeps) {
  return async (event: unknown): Promise<WorkItemOpened> => {
    const input = openTaskInput.parse(event);
    const opened = await deps().openWorkItem(input);
    // The token is a credential for completing the task: never logged.
    logger.info('work item opened', { caseId: input.caseId, step: input.plan.stepId, itemId: opened.itemId });
    return opened;
  };
}

/** Thrown until the work-items store exists: the step's task fails, is retried, then parks the case. */
export class WorkItemsUnavailableError extends Error {
  override readonly name = 'WorkItemsUnavailable';
}

/**
 * INTERIM, until the OpenWorkItem use case (lambdas/use-cases/open-work-item.ts, over the WorkItems port) and its
 * table exist: no ladder plans a `call-task` or `review` step yet, and one that did would park its case.
 */
const unavailable: OpenWorkItem = async () => {
  throw new WorkItemsUnavailableError('work items are not available yet');
};

export const handler = middy(makeOpenTaskHandler(() => ({ openWorkItem: unavailable }))).use(
  injectLambdaContext(logger),
);
