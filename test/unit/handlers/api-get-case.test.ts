import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeGetCaseHandler } from '../../../lambdas/handlers/api-get-case';
import { createFakeWorld, sealedCase } from '../../support/fakes';

const collectorClaims = { sub: 'staff-7', 'custom:bankId': 'demo-bank', 'cognito:groups': 'collector' };

/** `claims: null` sends a request that no authorizer vouched for. */
function request(caseId: string | undefined, claims: Record<string, unknown> | null = collectorClaims) {
  return {
    pathParameters: caseId === undefined ? null : { caseId },
    requestContext: { authorizer: claims ? { claims } : undefined },
  } as unknown as APIGatewayProxyEvent;
}

async function handlerWithCase() {
  const world = createFakeWorld({ now: '2026-03-02T02:00:00Z' });
  world.cases.seed(await sealedCase(world.vault));
  return { world, handler: makeGetCaseHandler(() => world) };
}

function bodyOf(response: { body: string }) {
  return JSON.parse(response.body) as Record<string, unknown>;
}

describe('GET /cases/{caseId}', () => {
  it('answers 200 with the masked case for staff of its bank', async () => {
    const { handler } = await handlerWithCase();

    const response = await handler(request('demo-bank:ACC-001'));

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ caseId: 'demo-bank:ACC-001', customer: { name: '张**' } });
  });

  it.each(['ACC-001', 'demo-bank:', 'Demo_Bank:ACC-001', 'demo-bank:ACC 001'])(
    'answers 400 naming caseId for the malformed id %j, before touching the store',
    async (caseId) => {
      const { world, handler } = await handlerWithCase();

      const response = await handler(request(caseId));

      expect(response.statusCode).toBe(400);
      expect(bodyOf(response)).toMatchObject({ error: 'ValidationError', field: 'caseId' });
      expect(world.cases.reads).toEqual([]);
    },
  );

  it('answers 400 when the path has no caseId', async () => {
    const { handler } = await handlerWithCase();

    expect((await handler(request(undefined))).statusCode).toBe(400);
  });

  it('answers 401 without claims', async () => {
    const { handler } = await handlerWithCase();

    const response = await handler(request('demo-bank:ACC-001', null));

    expect(response.statusCode).toBe(401);
    expect(bodyOf(response)).toMatchObject({ error: 'NotAuthenticatedError' });
  });

  it('answers 403 to staff of another bank', async () => {
    const { handler } = await handlerWithCase();

    const response = await handler(
      request('demo-bank:ACC-001', { ...collectorClaims, 'custom:bankId': 'other-bank' }),
    );

    expect(response.statusCode).toBe(403);
  });

  it('answers 404 for an unknown case', async () => {
    const { handler } = await handlerWithCase();

    expect((await handler(request('demo-bank:ACC-404'))).statusCode).toBe(404);
  });

  it('answers 500 revealing nothing when the store fails', async () => {
    const { world, handler } = await handlerWithCase();
    world.cases.get = async () => {
      throw new Error('table cases-prod unreachable for 张三丰');
    };

    const response = await handler(request('demo-bank:ACC-001'));

    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toEqual({ error: 'InternalError', message: 'internal error' });
  });
});
