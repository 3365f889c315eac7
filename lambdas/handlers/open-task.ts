/**
 * Step Functions task `OpenTask` (`lambda:invoke.waitForTaskToken`): opens the step's work item holding the task
 * token, through the OpenWorkItem use case, and returns. The execution waits until the staff API completes the
 * item (SendTaskSuccess, not this function) or the plan's `taskTimeoutSeconds` pass.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import { logger } from '../adapters/aws/logger';
import { traced } from '../adapters/aws/tracer';
import { buildCaseStore, buildTrail } from '../adapters/aws/wiring/dynamodb';
import { once } from '../adapters/aws/wiring/lazy';
import { buildWorkItems } from '../adapters/aws/wiring/work-items';
import { systemClock } from '../adapters/system-clock';
import type { OpenTaskInput, OpenWorkItem, WorkItemOpened } from '../ports/escalation-tasks';
import { openWorkItem } from '../use-cases/open-work-item';
import { escalationIds, plannedStep } from './escalation-task-input';

export const openTaskInput = z.extend(escalationIds, {
  plan: z.extend(plannedStep, {
    action: z.enum(['call-task', 'review']),
    taskTimeoutSeconds: z.int().check(z.positive()),
  }),
  taskToken: z.string().check(z.minLength(1)),
});

export interface OpenTaskHandlerDeps {
  readonly openWorkItem: OpenWorkItem;
}

export function makeOpenTaskHandler(deps: () => OpenTaskHandlerDeps) {
  return async (event: unknown): Promise<WorkItemOpened> => {
    const input = openTaskInput.parse(event) as OpenTaskInput;
    const opened = await deps().openWorkItem(input);
    // The token is a credential for completing the task: never logged.
    logger.info('work item opened', { caseId: input.caseId, step: input.plan.stepId, itemId: opened.itemId });
    return opened;
  };
}

export const handler = middy(
  makeOpenTaskHandler(
    once(() => {
      const deps = {
        cases: buildCaseStore(traced),
        workItems: buildWorkItems(traced),
        trail: buildTrail(traced),
        clock: systemClock,
      };
      return { openWorkItem: (input: OpenTaskInput) => openWorkItem(deps, input) };
    }),
  ),
).use(injectLambdaContext(logger));
