/** Step Functions task `ActBank`: a step's freeze request, published to the bank if the guard allows it. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../adapters/aws/logger';
import { buildBankEvents } from '../adapters/aws/wiring/bank-events';
import { buildBankDirectory } from '../adapters/aws/wiring/banks';
import { buildCaseStore, buildTrail } from '../adapters/aws/wiring/dynamodb';
import { once } from '../adapters/aws/wiring/lazy';
import { systemClock } from '../adapters/system-clock';
import type { ActChannels, ActCore } from '../use-cases/act-on-step';
import { makeActHandler } from './act-on-step';

// No vault and no contact ledger: a freeze request is not a contact, and its guard reads no contact history.
const CARRIES = ['bankEvents'] as const;
export type ActBankDeps = ActCore & Pick<ActChannels, (typeof CARRIES)[number]>;

export function makeActBankHandler(deps: () => ActBankDeps) {
  return makeActHandler('ActBank', CARRIES, deps);
}

export const handler = middy(
  makeActBankHandler(
    once(() => ({
      cases: buildCaseStore(),
      trail: buildTrail(),
      bankEvents: buildBankEvents(),
      banks: buildBankDirectory(),
      clock: systemClock,
    })),
  ),
).use(injectLambdaContext(logger));
