/** Step Functions task `Act`: carry out the planned step through the compliance guard (a contact, a freeze, a task's outcome). */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import { logger } from '../adapters/aws/logger';
import { traced } from '../adapters/aws/tracer';
import { buildBankDirectory } from '../adapters/aws/wiring/banks';
import { buildContactLedger } from '../adapters/aws/wiring/contact-ledger';
import { buildCaseStore, buildTrail } from '../adapters/aws/wiring/dynamodb';
import { buildPiiVault } from '../adapters/aws/wiring/kms';
import { once } from '../adapters/aws/wiring/lazy';
import { systemClock } from '../adapters/system-clock';
import type { ActInput } from '../ports/escalation-tasks';
import type { BankEvents, EmailSender, LetterStore, SmsSender } from '../ports/notifier';
import { type ActDeps, type ActResult, actOnStep } from '../use-cases/act-on-step';
import { escalationIds, plannedStep, taskOutcome } from './escalation-task-input';

// A contact step's Act carries no task (only ActOnWorkItem does): none.
export const actInput = z.extend(escalationIds, {
  plan: plannedStep,
  task: z._default(taskOutcome, { outcome: 'none' }),
});

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

/** Resolves the module's export once, on first use (see lazy.ts). */
function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}

/**
 * The channels' senders, each built by the first step that uses it: a container carries out one channel's
 * steps as often as all of them, and the four SDK clients would otherwise double Act's cold start
 * (npm run bench:bundles). SNS and SES are not traced: X-Ray records an SDK error's message, and both can
 * quote the number or the address there.
 */
function senders(): Pick<ActDeps, 'sms' | 'email' | 'letters' | 'bankEvents'> {
  const sms = onFirstUse(() => import('../adapters/aws/wiring/sns').then((m) => m.buildSmsSender()));
  const email = onFirstUse(() => import('../adapters/aws/wiring/ses').then((m) => m.buildEmailSender()));
  const letters = onFirstUse(() =>
    import('../adapters/aws/wiring/letters').then((m) => m.buildLetterStore(traced)),
  );
  const bankEvents = onFirstUse(() =>
    import('../adapters/aws/wiring/bank-events').then((m) => m.buildBankEvents(traced)),
  );
  return {
    sms: { sendSms: async (message) => (await sms()).sendSms(message) } satisfies SmsSender,
    email: { sendEmail: async (message) => (await email()).sendEmail(message) } satisfies EmailSender,
    letters: { store: async (letter) => (await letters()).store(letter) } satisfies LetterStore,
    bankEvents: { publish: async (event) => (await bankEvents()).publish(event) } satisfies BankEvents,
  };
}

export const handler = middy(
  makeActHandler(
    once(() => ({
      cases: buildCaseStore(traced),
      trail: buildTrail(traced),
      vault: buildPiiVault(traced),
      contacts: buildContactLedger(traced),
      ...senders(),
      banks: buildBankDirectory(),
      clock: systemClock,
    })),
  ),
).use(injectLambdaContext(logger));
