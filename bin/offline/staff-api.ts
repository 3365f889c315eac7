/** The staff API as API Gateway would serve it: the Cognito authorizer's check, then the event the function gets. */

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { sendJson } from './http';
import type { LocalTokenIssuer } from './token-issuer';

type ApiHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface StaffApiRoutes {
  readonly tokens: LocalTokenIssuer;
  /** GET /cases/{caseId} */
  readonly getCase: ApiHandler;
  /** GET /cases?mobile|nationalId|cardLast4 */
  readonly findCases: ApiHandler;
}

/** Answers one request to the staff API (everything outside /_local/). */
export function makeStaffApi(routes: StaffApiRoutes) {
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const match = /^\/cases(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match || request.method !== 'GET') {
      sendJson(response, 404, { error: 'NotFound', message: 'no such route' });
      return;
    }
    // The Cognito authorizer's part: no valid token, no call to the function.
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const claims = bearer ? await routes.tokens.verify(bearer) : undefined;
    if (!claims) {
      sendJson(response, 401, { message: 'Unauthorized' });
      return;
    }
    if (match[1] === undefined) {
      sendResult(response, await routes.findCases(apiGatewayEvent(request, url, '/cases', null, claims)));
      return;
    }
    let caseId: string;
    try {
      caseId = decodeURIComponent(match[1]);
    } catch {
      sendJson(response, 400, { error: 'ValidationError', message: 'malformed path' });
      return;
    }
    const event = apiGatewayEvent(request, url, '/cases/{caseId}', { caseId }, claims);
    sendResult(response, await routes.getCase(event));
  };
}

/** The event API Gateway (REST, Cognito authorizer) gives the function, claims included. */
export function apiGatewayEvent(
  request: IncomingMessage,
  url: URL,
  resource: string,
  pathParameters: Record<string, string> | null,
  claims: Record<string, unknown>,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers[name] = value;
  }
  // As API Gateway does: the last value of a repeated parameter, and every value in the multi-value map.
  const query = Object.fromEntries(url.searchParams);
  const multiQuery: Record<string, string[]> = {};
  for (const name of new Set(url.searchParams.keys())) multiQuery[name] = url.searchParams.getAll(name);
  const now = Date.now();
  return {
    resource,
    path: url.pathname,
    httpMethod: 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length > 0 ? multiQuery : null,
    pathParameters,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: { claims },
      protocol: 'HTTP/1.1',
      httpMethod: 'GET',
      path: `/local${url.pathname}`,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: now,
      resourceId: 'local',
      resourcePath: resource,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        user: null,
        userAgent: request.headers['user-agent'] ?? null,
        userArn: null,
      },
    },
  };
}

function sendResult(response: ServerResponse, result: APIGatewayProxyResult): void {
  response.writeHead(result.statusCode, (result.headers ?? {}) as Record<string, string>);
  response.end(result.body);
}
