/** Small HTTP helpers shared by the offline runtime's two surfaces: the staff API and the /_local/ admin endpoints. */

import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** A malformed request: answered with 400 (or `statusCode`) and its message. */
export class BadRequestError extends Error {
  constructor(
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = 'BadRequestError';
  }
}

export function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(`${JSON.stringify(body)}\n`);
}

export async function readJson(
  request: IncomingMessage,
  response: ServerResponse,
  limit = 1024 * 1024,
): Promise<unknown> {
  acceptBody(request, response);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BadRequestError(`request body larger than ${limit} bytes`, 413);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new BadRequestError('the request body is not JSON');
  }
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    server.closeAllConnections();
  });
}

/**
 * Lets a client that sent `Expect: 100-continue` send its body: called once a route has accepted the request,
 * so that a refused upload is answered before its bytes are sent.
 */
export function acceptBody(request: IncomingMessage, response: ServerResponse): void {
  if (/100-continue/i.test(request.headers.expect ?? '')) response.writeContinue();
}
