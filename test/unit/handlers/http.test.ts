import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  NotAuthenticatedError,
  NotFoundError,
  ValidationError,
} from '../../../lambdas/domain/errors';
import { errorResponse, staffFromEvent } from '../../../lambdas/handlers/http';

function eventWithClaims(claims: Record<string, unknown> | undefined): APIGatewayProxyEvent {
  return {
    requestContext: { authorizer: claims ? { claims } : undefined },
  } as unknown as APIGatewayProxyEvent;
}

function bodyOf(response: { body: string }) {
  return JSON.parse(response.body) as Record<string, unknown>;
}

describe('errorResponse', () => {
  it('maps a ValidationError to 400 naming the field', () => {
    const response = errorResponse(
      new ValidationError('caseId', 'caseId must look like <bankId>:<accountId>'),
    );

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toEqual({
      error: 'ValidationError',
      message: 'caseId must look like <bankId>:<accountId>',
      field: 'caseId',
    });
  });

  it.each([
    [new NotAuthenticatedError('no identity'), 401, 'NotAuthenticatedError'],
    [new ForbiddenError('another bank'), 403, 'ForbiddenError'],
    [new NotFoundError('case x not found'), 404, 'NotFoundError'],
    [new ConflictError('already approved'), 409, 'ConflictError'],
  ] as const)('maps %s to %i', (error, statusCode, name) => {
    const response = errorResponse(error);

    expect(response.statusCode).toBe(statusCode);
    expect(bodyOf(response)).toEqual({ error: name, message: error.message });
  });

  it('turns any other error into a 500 that reveals nothing of it', () => {
    const response = errorResponse(new Error('connect ECONNREFUSED; debtor 张三丰 +8613812345678'));

    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toEqual({ error: 'InternalError', message: 'internal error' });
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(response.body).not.toContain('张三丰');
  });

  it('treats a thrown non-error as a 500', () => {
    expect(errorResponse('boom').statusCode).toBe(500);
  });

  it('answers JSON that no cache keeps', () => {
    expect(errorResponse(new NotFoundError('x')).headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
  });
});

describe('staffFromEvent', () => {
  const identity = { sub: 'user-1', 'custom:bankId': 'demo-bank' };

  it('reads groups given as an array', () => {
    const staff = staffFromEvent(
      eventWithClaims({ ...identity, 'cognito:groups': ['collector', 'supervisor'] }),
    );

    expect(staff).toEqual({ userId: 'user-1', bankId: 'demo-bank', groups: ['collector', 'supervisor'] });
  });

  it('reads groups given as a comma-separated string', () => {
    const staff = staffFromEvent(eventWithClaims({ ...identity, 'cognito:groups': 'collector,legal' }));

    expect(staff.groups).toEqual(['collector', 'legal']);
  });

  it('reads groups given as the "[a b]" string API Gateway makes of a list', () => {
    const staff = staffFromEvent(eventWithClaims({ ...identity, 'cognito:groups': '[auditor admin]' }));

    expect(staff.groups).toEqual(['auditor', 'admin']);
  });

  it('drops groups it does not know', () => {
    const staff = staffFromEvent(eventWithClaims({ ...identity, 'cognito:groups': ['collector', 'root'] }));

    expect(staff.groups).toEqual(['collector']);
  });

  it('gives no groups when the claim is absent', () => {
    expect(staffFromEvent(eventWithClaims(identity)).groups).toEqual([]);
  });

  it.each([
    ['no sub', { 'custom:bankId': 'demo-bank' }],
    ['no bankId', { sub: 'user-1' }],
    ['an empty sub', { sub: '', 'custom:bankId': 'demo-bank' }],
  ])('refuses claims with %s as not authenticated', (_label, claims) => {
    expect(() => staffFromEvent(eventWithClaims(claims))).toThrow(NotAuthenticatedError);
  });

  it('refuses a request without any authorizer claims', () => {
    expect(() => staffFromEvent(eventWithClaims(undefined))).toThrow(NotAuthenticatedError);
  });
});
