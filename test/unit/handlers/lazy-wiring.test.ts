/** The deployed handlers build their AWS adapters (and check what they must) on the first invocation, once per container. */

import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { once } from '../../../lambdas/adapters/aws/wiring/lazy';
import { DEMO_BANK_CONFIG } from '../../support/fakes';

const documentClient = mockClient(DynamoDBDocumentClient);
const claims = { sub: 'staff-7', 'custom:bankId': 'demo-bank', 'cognito:groups': 'collector' };
const getCaseEvent = {
  pathParameters: { caseId: 'demo-bank:ACC-404' },
  requestContext: { authorizer: { claims } },
} as unknown as APIGatewayProxyEvent;
const context = {
  functionName: 'overdue-dev-getcase',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-east-1:111122223333:function:overdue-dev-getcase',
  memoryLimitInMB: '256',
  awsRequestId: 'request-1',
} as unknown as Context;

beforeEach(() => {
  documentClient.reset();
  documentClient.on(GetCommand).resolves({});
  delete process.env.CASES_TABLE_NAME;
  delete process.env.TRAIL_TABLE_NAME;
});
afterEach(() => {
  delete process.env.CASES_TABLE_NAME;
  delete process.env.TRAIL_TABLE_NAME;
});

describe('the get-case function as deployed', () => {
  it('imports without its environment, builds on the first invocation and keeps what it built', async () => {
    // Importing needs no table names: nothing is built at import.
    const { handler } = await import('../../../lambdas/handlers/api-get-case');

    const unconfigured = await handler(getCaseEvent, context);
    process.env.CASES_TABLE_NAME = 'cases-first';
    process.env.TRAIL_TABLE_NAME = 'trail-first';
    const first = await handler(getCaseEvent, context);
    process.env.CASES_TABLE_NAME = 'cases-later';
    const second = await handler(getCaseEvent, context);

    // A build that failed is tried again; one that succeeded is kept for the container's life.
    expect(unconfigured.statusCode).toBe(500);
    expect([first.statusCode, second.statusCode]).toEqual([404, 404]);
    expect(documentClient.commandCalls(GetCommand).map((call) => call.args[0].input.TableName)).toEqual([
      'cases-first',
      'cases-first',
    ]);
  });
});

describe('the plan-next-step function as deployed', () => {
  const ENV = {
    CASES_TABLE_NAME: 'cases',
    TRAIL_TABLE_NAME: 'trail',
    CONTACT_LEDGER_TABLE_NAME: 'contact-ledger',
  };
  const unknownTemplate = [
    {
      id: 'custom',
      version: 1,
      pack: 'cn',
      steps: [{ id: 'early', fromDaysPastDue: 3, action: 'sms', template: 'no-such-template' }],
    },
  ];
  afterEach(() => {
    for (const name of [...Object.keys(ENV), 'BANKS_CONFIG']) delete process.env[name];
  });

  it('refuses at cold start a bank ladder the template catalogue cannot serve, and plans once it can', async () => {
    Object.assign(process.env, ENV);
    process.env.BANKS_CONFIG = JSON.stringify([{ ...DEMO_BANK_CONFIG, ladders: unknownTemplate }]);
    const { handler } = await import('../../../lambdas/handlers/plan-next-step');
    const ids = { caseId: 'demo-bank:ACC-404', cycle: '2026-02-17', run: 0 };

    // The check the functions that do not plan leave out (bank-directory-from-config.ts): every Act follows a plan.
    await expect(handler(ids, context)).rejects.toThrow(
      /bank demo-bank: invalid ladder:\n- ladder custom v1: step early: unknown template no-such-template/,
    );
    process.env.BANKS_CONFIG = JSON.stringify([DEMO_BANK_CONFIG]);
    expect(await handler(ids, context)).toEqual({ action: 'end', reason: 'case not found' });
  });
});

describe('once', () => {
  it('builds on the first call, not before, and returns the same value after', () => {
    let builds = 0;
    const value = once(() => ({ built: ++builds }));

    expect(builds).toBe(0);
    expect(value()).toBe(value());
    expect(builds).toBe(1);
  });

  it('keeps an undefined result rather than building again', () => {
    let builds = 0;
    const nothing = once(() => {
      builds++;
      return undefined;
    });

    nothing();
    nothing();

    expect(builds).toBe(1);
  });
});
