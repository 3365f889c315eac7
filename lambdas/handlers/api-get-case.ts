/** GET /cases/{caseId}: the case with personal data masked, for staff of the case's bank. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { logger } from '../adapters/aws/observability';
import { awsAdapters } from '../adapters/aws/wiring';
import { ValidationError } from '../domain/errors';
import { type GetCaseDeps, getCase } from '../use-cases/get-case';
import { errorResponse, json, staffFromEvent } from './http';

export function makeGetCaseHandler(deps: () => GetCaseDeps) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      const staff = staffFromEvent(event);
      const caseId = event.pathParameters?.caseId;
      if (!caseId || !/^[a-z0-9-]{2,32}:[A-Za-z0-9_-]{1,64}$/.test(caseId)) {
        throw new ValidationError('caseId', 'caseId must look like <bankId>:<accountId>');
      }
      return json(200, await getCase(deps(), { caseId, staff }));
    } catch (error) {
      const response = errorResponse(error);
      // Only the error's class is logged: messages of unexpected errors may quote data.
      if (response.statusCode >= 500) logger.error('get case failed', { error: (error as Error)?.name });
      return response;
    }
  };
}

export const handler = middy(
  makeGetCaseHandler(() => ({
    cases: awsAdapters.cases(),
    trail: awsAdapters.trail(),
    clock: awsAdapters.clock(),
  })),
).use(injectLambdaContext(logger));
