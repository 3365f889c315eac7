/** GET /cases?mobile=…|nationalId=…|cardLast4=…: the bank's matching cases, masked. Exactly one identifier. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { logger } from '../adapters/aws/logger';
import { traced } from '../adapters/aws/tracer';
import { buildCaseStore, buildTrail } from '../adapters/aws/wiring/dynamodb';
import { buildBlindIndex } from '../adapters/aws/wiring/kms';
import { once } from '../adapters/aws/wiring/lazy';
import { systemClock } from '../adapters/system-clock';
import { ValidationError } from '../domain/errors';
import { LOOKUP_KINDS } from '../domain/lookup';
import { type FindCasesDeps, findCases } from '../use-cases/find-cases';
import { apiOperation, json, staffFromEvent } from './http';

export function makeFindCasesHandler(deps: () => FindCasesDeps) {
  return apiOperation('find cases', async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const staff = staffFromEvent(event);
    const given = LOOKUP_KINDS.filter((kind) => event.queryStringParameters?.[kind] !== undefined);
    const [kind] = given;
    if (given.length !== 1 || !kind) {
      throw new ValidationError('query', `give exactly one of ${LOOKUP_KINDS.join(', ')}`);
    }
    // API Gateway hands over the last of a repeated parameter: two values are a question we cannot answer.
    if ((event.multiValueQueryStringParameters?.[kind]?.length ?? 0) > 1) {
      throw new ValidationError(kind, 'give it once');
    }
    const value = event.queryStringParameters?.[kind] ?? '';
    return json(200, { cases: await findCases(deps(), { staff, kind, value }) });
  });
}

export const handler = middy(
  makeFindCasesHandler(
    once(() => ({
      cases: buildCaseStore(traced),
      trail: buildTrail(traced),
      blindIndex: buildBlindIndex(traced),
      clock: systemClock,
    })),
  ),
).use(injectLambdaContext(logger));
