/** Step Functions task `PlanNextStep`: decide the next ladder step and its lawful time. Ids in, ids out. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import { logger } from '../adapters/aws/logger';
import { traced } from '../adapters/aws/tracer';
import { buildBankDirectory } from '../adapters/aws/wiring/banks';
import { buildCaseStore } from '../adapters/aws/wiring/dynamodb';
import { once } from '../adapters/aws/wiring/lazy';
import { systemClock } from '../adapters/system-clock';
import { type PlanNextStepDeps, planNextStep, type StepPlan } from '../use-cases/plan-next-step';

export const planNextStepInput = z.object({
  caseId: z.string().check(z.minLength(3)),
  cycle: z.string().check(z.minLength(1)),
});

export function makePlanNextStepHandler(deps: () => PlanNextStepDeps) {
  return async (event: unknown): Promise<StepPlan> => {
    const input = planNextStepInput.parse(event);
    const plan = await planNextStep(deps(), input);
    logger.info('planned', { caseId: input.caseId, action: plan.action });
    return plan;
  };
}

export const handler = middy(
  makePlanNextStepHandler(
    once(() => ({ cases: buildCaseStore(traced), banks: buildBankDirectory(), clock: systemClock })),
  ),
).use(injectLambdaContext(logger));
