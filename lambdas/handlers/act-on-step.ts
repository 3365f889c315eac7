/**
 * What the four Act functions share (Step Functions tasks ActMessage, ActLetter, ActBank, ActOnWorkItem): the
 * input, the refusal of a step the function does not carry out, and the log line. Not an entry point.
 */

import * as z from 'zod/mini';
import { logger } from '../adapters/aws/logger';
import {
  ACTIONS_CARRIED_BY,
  type ActFunction,
  actFunctionOf,
  StepNotCarriedError,
} from '../domain/act-functions';
import type { ActInput } from '../ports/escalation-tasks';
import {
  type ActChannels,
  type ActCore,
  type ActDeps,
  type ActResult,
  type ActTemplates,
  actOnStep,
} from '../use-cases/act-on-step';
import { escalationIds, plannedStep, taskOutcome } from './escalation-task-input';

// Only ActOnWorkItem gets a task (the work item's outcome); the others none.
export const actInput = z.extend(escalationIds, {
  plan: plannedStep,
  task: z._default(taskOutcome, { outcome: 'none' }),
});

/**
 * The handler of one Act function. A step of an action the function does not carry out is a routing fault:
 * it fails with StepNotCarriedError before anything is read, which the state machine parks (RecordFault) rather
 * than skipping the step. The use case gets the core, the channels in `carries` and the `templates` its
 * function module passes, nothing more, whatever the caller hands over (offline, one set of adapters serves
 * all four functions). Templates are not adapters: they are the same in AWS, offline and in tests, so each
 * function's module names its own (act-letter.ts, act-message.ts) and bundles no other.
 */
export function makeActHandler<Part extends keyof ActChannels>(
  carrier: ActFunction,
  carries: readonly Part[],
  deps: () => ActCore & Pick<ActChannels, Part>,
  templates: Partial<ActTemplates> = {},
) {
  const carried = (): ActDeps => {
    const all = deps();
    const channels = Object.fromEntries(carries.map((part) => [part, all[part]]));
    return {
      cases: all.cases,
      trail: all.trail,
      banks: all.banks,
      clock: all.clock,
      ...channels,
      ...templates,
    };
  };
  return async (event: unknown): Promise<ActResult> => {
    const input = actInput.parse(event) as ActInput;
    const { action, stepId } = input.plan;
    if (!ACTIONS_CARRIED_BY[carrier].includes(action)) {
      const owner = actFunctionOf(action);
      logger.error('step not carried', { caseId: input.caseId, step: stepId, action, carrier, owner });
      throw new StepNotCarriedError(
        `${carrier} does not carry out ${action} steps (${owner} does): step ${stepId} was routed here`,
      );
    }
    const outcome = await actOnStep(carried(), input);
    // Rule and reason are the guard's words (rule ids, flag names): never personal data.
    logger.info('acted', {
      caseId: input.caseId,
      run: input.run,
      step: stepId,
      outcome: outcome.outcome,
      ...(outcome.rule ? { rule: outcome.rule } : {}),
    });
    return outcome;
  };
}
