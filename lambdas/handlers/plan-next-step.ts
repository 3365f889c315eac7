/** Step Functions task `PlanNextStep`: decide the next ladder step and its lawful time. Ids in, ids out. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../adapters/aws/logger';
import { traced } from '../adapters/aws/tracer';
import { buildBankDirectory } from '../adapters/aws/wiring/banks';
import { buildContactLedger } from '../adapters/aws/wiring/contact-ledger';
import { buildCaseStore, buildTrail } from '../adapters/aws/wiring/dynamodb';
import { once } from '../adapters/aws/wiring/lazy';
import { systemClock } from '../adapters/system-clock';
import { validateLadderVersions } from '../domain/ladder-validation';
import { type PlanNextStepDeps, planNextStep, type StepPlan } from '../use-cases/plan-next-step';
import { escalationIds } from './escalation-task-input';

export const planNextStepInput = escalationIds;

export function makePlanNextStepHandler(deps: () => PlanNextStepDeps) {
  return async (event: unknown): Promise<StepPlan> => {
    const input = planNextStepInput.parse(event);
    const plan = await planNextStep(deps(), input);
    logger.info('planned', { caseId: input.caseId, run: input.run, action: plan.action });
    return plan;
  };
}

export const handler = middy(
  makePlanNextStepHandler(
    once(() => ({
      cases: buildCaseStore(traced),
      trail: buildTrail(traced),
      contacts: buildContactLedger(traced),
      // The one function that checks every bank's ladders against the template catalogue at cold start: it
      // resolves template versions from the catalogue anyway, and every Act follows a plan.
      banks: buildBankDirectory(validateLadderVersions),
      clock: systemClock,
    })),
  ),
).use(injectLambdaContext(logger));
