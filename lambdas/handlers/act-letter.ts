/** Step Functions task `ActLetter`: a step's letter, stored print-ready under letters/ if the guard allows it now. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../adapters/aws/logger';
import { buildBankDirectory } from '../adapters/aws/wiring/banks';
import { buildContactLedger } from '../adapters/aws/wiring/contact-ledger';
import { buildCaseStore, buildTrail } from '../adapters/aws/wiring/dynamodb';
import { buildPiiVault } from '../adapters/aws/wiring/kms';
import { once } from '../adapters/aws/wiring/lazy';
import { buildLetterStore } from '../adapters/aws/wiring/letters';
import { systemClock } from '../adapters/system-clock';
import { renderLetter } from '../domain/letter-templates';
import type { ActChannels, ActCore } from '../use-cases/act-on-step';
import { makeActHandler } from './act-on-step';

const CARRIES = ['vault', 'contacts', 'letters'] as const;
export type ActLetterDeps = ActCore & Pick<ActChannels, (typeof CARRIES)[number]>;

export function makeActLetterHandler(deps: () => ActLetterDeps) {
  // The letter templates and no others: a letter is the only thing this function writes.
  return makeActHandler('ActLetter', CARRIES, deps, { renderLetter });
}

export const handler = middy(
  makeActLetterHandler(
    once(() => ({
      cases: buildCaseStore(),
      trail: buildTrail(),
      vault: buildPiiVault(),
      contacts: buildContactLedger(),
      letters: buildLetterStore(),
      banks: buildBankDirectory(),
      clock: systemClock,
    })),
  ),
).use(injectLambdaContext(logger));
