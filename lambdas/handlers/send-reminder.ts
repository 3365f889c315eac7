/** Step Functions task `Act`: carry out the planned SMS step through the compliance guard. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import { logger } from '../adapters/aws/logger';
import { traced } from '../adapters/aws/tracer';
import { buildBankDirectory } from '../adapters/aws/wiring/banks';
import { buildCaseStore, buildTrail } from '../adapters/aws/wiring/dynamodb';
import { buildPiiVault } from '../adapters/aws/wiring/kms';
import { once } from '../adapters/aws/wiring/lazy';
import { buildSmsSender } from '../adapters/aws/wiring/sns';
import { systemClock } from '../adapters/system-clock';
import { type ReminderOutcome, type SendReminderDeps, sendReminder } from '../use-cases/send-reminder';

export const sendReminderInput = z.object({
  caseId: z.string().check(z.minLength(3)),
  cycle: z.string().check(z.minLength(1)),
  plan: z.object({
    action: z.literal('sms'),
    stepId: z.string().check(z.minLength(1)),
    template: z.string().check(z.minLength(1)),
  }),
});

export function makeSendReminderHandler(deps: () => SendReminderDeps) {
  return async (event: unknown): Promise<ReminderOutcome> => {
    const input = sendReminderInput.parse(event);
    const outcome = await sendReminder(deps(), input);
    logger.info('reminder', { caseId: input.caseId, step: input.plan.stepId, outcome: outcome.outcome });
    return outcome;
  };
}

export const handler = middy(
  makeSendReminderHandler(
    once(() => ({
      cases: buildCaseStore(traced),
      trail: buildTrail(traced),
      vault: buildPiiVault(traced),
      sms: buildSmsSender(traced),
      banks: buildBankDirectory(),
      clock: systemClock,
    })),
  ),
).use(injectLambdaContext(logger));
