/** Step Functions task `ActMessage`: a step's SMS or email (a reminder, a credit-report notice), if the guard allows it now. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../adapters/aws/logger';
import { buildBankDirectory } from '../adapters/aws/wiring/banks';
import { buildContactLedger } from '../adapters/aws/wiring/contact-ledger';
import { buildCaseStore, buildTrail } from '../adapters/aws/wiring/dynamodb';
import { buildPiiVault } from '../adapters/aws/wiring/kms';
import { once } from '../adapters/aws/wiring/lazy';
import { systemClock } from '../adapters/system-clock';
import { renderEmail, renderSms } from '../domain/message-templates';
import { type EmailSender, SenderUnavailableError, type SmsSender } from '../ports/notifier';
import type { ActChannels, ActCore } from '../use-cases/act-on-step';
import { makeActHandler } from './act-on-step';

const CARRIES = ['vault', 'contacts', 'sms', 'email'] as const;
export type ActMessageDeps = ActCore & Pick<ActChannels, (typeof CARRIES)[number]>;

export function makeActMessageHandler(deps: () => ActMessageDeps) {
  // The SMS and email templates, not the letters: this function writes no letter.
  return makeActHandler('ActMessage', CARRIES, deps, { renderSms, renderEmail });
}

/**
 * Resolves the module's export once, on first use (see lazy.ts). A failure to load or build it (a missing
 * setting) is a SenderUnavailableError, which the use case knows sent nothing; the next step tries again.
 */
function onFirstUse<T>(channel: string, load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw new SenderUnavailableError(channel, error instanceof Error ? error.message : 'unknown error');
    });
    return loaded;
  };
}

/**
 * The two senders, each built by the first step that uses it: a container sends by one channel as often as by
 * both. No SDK client here is traced (wiring/lazy.ts says why); SNS and SES never would be: X-Ray records an SDK
 * error's message, and both can quote the number or the address there.
 */
function senders(): Pick<ActChannels, 'sms' | 'email'> {
  const sms = onFirstUse('sms', () => import('../adapters/aws/wiring/sns').then((m) => m.buildSmsSender()));
  const email = onFirstUse('email', () =>
    import('../adapters/aws/wiring/ses').then((m) => m.buildEmailSender()),
  );
  return {
    sms: { sendSms: async (message) => (await sms()).sendSms(message) } satisfies SmsSender,
    email: { sendEmail: async (message) => (await email()).sendEmail(message) } satisfies EmailSender,
  };
}

export const handler = middy(
  makeActMessageHandler(
    once(() => ({
      cases: buildCaseStore(),
      trail: buildTrail(),
      vault: buildPiiVault(),
      contacts: buildContactLedger(),
      ...senders(),
      banks: buildBankDirectory(),
      clock: systemClock,
    })),
  ),
).use(injectLambdaContext(logger));
