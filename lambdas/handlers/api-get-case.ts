/** GET /cases/{caseId}: the case with personal data masked, for staff of the case's bank. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { logger } from '../adapters/aws/logger';
import { traced } from '../adapters/aws/tracer';
import { buildCaseStore, buildTrail } from '../adapters/aws/wiring/dynamodb';
import { once } from '../adapters/aws/wiring/lazy';
import { systemClock } from '../adapters/system-clock';
import { ValidationError } from '../domain/errors';
import { type GetCaseDeps, getCase } from '../use-cases/get-case';
import { apiOperation, json, staffFromEvent } from './http';

export function makeGetCaseHandler(deps: () => GetCaseDeps) {
  return apiOperation('get case', async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const staff = staffFromEvent(event);
    const caseId = event.pathParameters?.caseId;
    if (!caseId || !/^[a-z0-9-]{2,32}:[A-Za-z0-9_-]{1,64}$/.test(caseId)) {
      throw new ValidationError('caseId', 'caseId must look like <bankId>:<accountId>');
    }
    return json(200, await getCase(deps(), { caseId, staff }));
  });
}

export const handler = middy(
  makeGetCaseHandler(
    once(() => ({ cases: buildCaseStore(traced), trail: buildTrail(traced), clock: systemClock })),
  ),
).use(injectLambdaContext(logger));
