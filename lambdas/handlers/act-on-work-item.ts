/** Step Functions task `ActOnWorkItem`: records the outcome of a call or review work item (or its default) and moves on. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../adapters/aws/logger';
import { buildBankDirectory } from '../adapters/aws/wiring/banks';
import { buildCaseStore, buildTrail } from '../adapters/aws/wiring/dynamodb';
import { once } from '../adapters/aws/wiring/lazy';
import { systemClock } from '../adapters/system-clock';
import type { ActCore } from '../use-cases/act-on-step';
import { makeActHandler } from './act-on-step';

/** Nothing is sent: the case, its trail, the banks and the clock. */
export type ActOnWorkItemDeps = ActCore;

export function makeActOnWorkItemHandler(deps: () => ActOnWorkItemDeps) {
  return makeActHandler('ActOnWorkItem', [], deps);
}

export const handler = middy(
  makeActOnWorkItemHandler(
    once(() => ({
      cases: buildCaseStore(),
      trail: buildTrail(),
      banks: buildBankDirectory(),
      clock: systemClock,
    })),
  ),
).use(injectLambdaContext(logger));
