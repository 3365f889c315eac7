/** The one place API errors become status codes, and API Gateway claims become a staff member. */

import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { logger } from '../adapters/aws/logger';
import {
  ConflictError,
  type DomainError,
  ForbiddenError,
  NotAuthenticatedError,
  NotFoundError,
  ValidationError,
} from '../domain/errors';
import { STAFF_GROUPS, type StaffGroup, type StaffMember } from '../domain/staff';

const STATUS: ReadonlyArray<[new (...args: never[]) => DomainError, number]> = [
  [ValidationError, 400],
  [NotAuthenticatedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
];

export function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/** Maps a thrown domain error to its response; anything else is a 500 that reveals nothing. */
export function errorResponse(error: unknown): APIGatewayProxyResult {
  for (const [type, statusCode] of STATUS) {
    if (error instanceof type) {
      const field = error instanceof ValidationError ? { field: error.field } : {};
      return json(statusCode, { error: error.name, message: error.message, ...field });
    }
  }
  return json(500, { error: 'InternalError', message: 'internal error' });
}

/** Reads the Cognito claims API Gateway's authorizer put on the request (the local issuer puts the same). */
export function staffFromEvent(event: APIGatewayProxyEvent): StaffMember {
  const claims = (event.requestContext.authorizer?.claims ?? {}) as Record<string, unknown>;
  const userId = typeof claims.sub === 'string' ? claims.sub : '';
  const bankId = typeof claims['custom:bankId'] === 'string' ? claims['custom:bankId'] : '';
  if (!userId || !bankId) throw new NotAuthenticatedError('no staff identity on the request');
  const rawGroups = claims['cognito:groups'];
  const listed = Array.isArray(rawGroups)
    ? rawGroups.map(String)
    : String(rawGroups ?? '')
        .replace(/^\[|\]$/g, '')
        .split(/[,\s]+/);
  const groups = listed.filter((group): group is StaffGroup =>
    (STAFF_GROUPS as readonly string[]).includes(group),
  );
  return { userId, bankId, groups };
}

/**
 * Wraps an API operation: its domain errors become their status codes; anything else is logged by class
 * only (an unexpected error's message may quote data) and answered with a 500 that reveals nothing.
 */
export function apiOperation(
  operation: string,
  run: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>,
): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  return async (event) => {
    try {
      return await run(event);
    } catch (error) {
      const response = errorResponse(error);
      if (response.statusCode >= 500) logger.error(`${operation} failed`, { error: (error as Error)?.name });
      return response;
    }
  };
}
