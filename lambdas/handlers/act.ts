/** Step Functions task `Act`: carry out the planned step through the compliance guard (a contact, a freeze, a task's outcome). */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import { logger } from '../adapters/aws/logger';
import { traced } from '../adapters/aws/tracer';
import { buildBankEvents } from '../adapters/aws/wiring/bank-events';
import { buildBankDirectory } from '../adapters/aws/wiring/banks';
import { buildContactLedger } from '../adapters/aws/wiring/contact-ledger';
import { buildCaseStore, buildTrail } from '../adapters/aws/wiring/dynamodb';
import { buildPiiVault } from '../adapters/aws/wiring/kms';
import { once } from '../adapters/aws/wiring/lazy';
import { buildLetterStore } from '../adapters/aws/wiring/letters';
import { buildEmailSender } from '../adapters/aws/wiring/ses';
import { buildSmsSender } from '../adapters/aws/wiring/sns';
import { systemClock } from '../adapters/system-clock';
import type { ActInput } from '../ports/escalation-tasks';
import { type ActDeps, type ActResult, actOnStep } from '../use-cases/act-on-step';
import { escalationIds, plannedStep, taskOutcome } from './escalation-task-input';

export const actInput = z.extend(escalationIds, { plan: plannedStep, task: taskOutcome });

export function makeActHandler(deps: () => ActDeps) {
  return async (event: unknown): Promise<ActResult> => {
    const input = actInput.parse(event) as ActInput;
    const outcome = await actOnStep(deps(), input);
    // Rule and reason are the guard's words (rule ids, flag names): never personal data.
    logger.info('acted', {
      caseId: input.caseId,
      run: input.run,
      step: input.plan.stepId,
      outcome: outcome.outcome,
      ...(outcome.rule ? { rule: outcome.rule } : {}),
    });
    return outcome;
  };
}

export const handler = middy(
  makeActHandler(
    once(() => ({
      cases: buildCaseStore(traced),
      trail: buildTrail(traced),
      vault: buildPiiVault(traced),
      contacts: buildContactLedger(traced),
      // Not traced: X-Ray records an SDK error's message, and SNS and SES can quote the number or address there.
      sms: buildSmsSender(),
      email: buildEmailSender(),
      letters: buildLetterStore(traced),
      bankEvents: buildBankEvents(traced),
      banks: buildBankDirectory(),
      clock: systemClock,
    })),
  ),
).use(injectLambdaContext(logger));
