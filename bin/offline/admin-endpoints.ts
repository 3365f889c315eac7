/** The loopback-only /_local/ endpoints behind `npm run local -- <command>`: clock, tokens, outbox, mail, escalations, drop. */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExecutionRecord } from '../../lambdas/adapters/local/local-escalation-starter';
import type { OutboxSms } from '../../lambdas/adapters/local/outbox-sms-sender';
import type { VirtualClock } from '../../lambdas/adapters/local/virtual-clock';
import { type FeedDrop, type FeedUpload, IngestFailedError, MAX_DROP_BYTES } from './feed-drop';
import { acceptBody, BadRequestError, readJson, sendJson } from './http';
import type { SinkMail } from './mail-sink';
import { type TokenRequest, TokenRequestError } from './token-issuer';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const LOOPBACK = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];

export interface AdminDeps {
  readonly clock: VirtualClock;
  advanceClock(ms: number): Promise<Date>;
  issueToken(request: TokenRequest): Promise<{ token: string; expiresAt: string }>;
  outbox(): Promise<OutboxSms[]>;
  mail(): Promise<SinkMail[]>;
  executions(): ExecutionRecord[];
  /** Checks the upload (throws BadRequestError) and returns the function that stores and loads its bytes. */
  prepareDrop(upload: FeedUpload): (body: IncomingMessage, size: number) => Promise<FeedDrop>;
}

/** Answers one request under /_local/. */
export function makeAdminEndpoints(deps: AdminDeps) {
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    if (!LOOPBACK.includes(request.socket.remoteAddress ?? '')) {
      sendJson(response, 403, { error: 'Forbidden', message: 'the admin surface is loopback-only' });
      return;
    }
    const method = request.method ?? 'GET';
    const path = url.pathname;
    try {
      if (method === 'GET' && path === '/_local/clock') {
        sendJson(response, 200, clockView(deps.clock));
      } else if (method === 'POST' && path === '/_local/clock/advance') {
        const body = (await readJson(request, response)) as {
          days?: unknown;
          hours?: unknown;
          minutes?: unknown;
        };
        const ms =
          Number(body.days ?? 0) * DAY_MS +
          Number(body.hours ?? 0) * HOUR_MS +
          Number(body.minutes ?? 0) * 60_000;
        if (!Number.isFinite(ms) || ms <= 0 || ms > 3650 * DAY_MS) {
          throw new BadRequestError('the clock moves forward by more than 0 and at most 3650 days at a time');
        }
        await deps.advanceClock(ms);
        sendJson(response, 200, clockView(deps.clock));
      } else if (method === 'POST' && path === '/_local/token') {
        sendJson(response, 200, await deps.issueToken((await readJson(request, response)) as TokenRequest));
      } else if (method === 'GET' && path === '/_local/outbox') {
        sendJson(response, 200, await deps.outbox());
      } else if (method === 'GET' && path === '/_local/mail') {
        sendJson(response, 200, await deps.mail());
      } else if (method === 'GET' && path === '/_local/executions') {
        sendJson(response, 200, deps.executions());
      } else if (method === 'PUT' && path.startsWith('/_local/feeds/')) {
        await putFeed(deps, request, response, path);
      } else {
        sendJson(response, 404, { error: 'NotFound', message: 'no such admin route' });
      }
    } catch (error) {
      if (error instanceof BadRequestError || error instanceof TokenRequestError) {
        // A refused body is read and dropped, so that a client that did not wait for 100-continue gets the answer.
        if (!request.complete) request.resume();
        sendJson(response, error instanceof BadRequestError ? error.statusCode : 400, {
          error: 'BadRequest',
          message: error.message,
        });
        return;
      }
      if (error instanceof IngestFailedError) {
        sendJson(response, 502, { error: 'IngestFailed', message: error.message, key: error.key });
        return;
      }
      throw error;
    }
  };
}

/** PUT /_local/feeds/<incoming|payments>/<bank>/<file name>, the file's bytes as the body. */
async function putFeed(
  deps: AdminDeps,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
): Promise<void> {
  const parts = path.slice('/_local/feeds/'.length).split('/');
  if (parts.length !== 3)
    throw new BadRequestError('PUT /_local/feeds/<incoming|payments>/<bank>/<file name>');
  let segments: string[];
  try {
    segments = parts.map((part) => decodeURIComponent(part));
  } catch {
    throw new BadRequestError('malformed path');
  }
  const [feed = '', bank = '', name = ''] = segments;
  const drop = deps.prepareDrop({ feed: feed as FeedUpload['feed'], bank, name });
  const length = request.headers['content-length'];
  if (length === undefined) throw new BadRequestError('send the file with a Content-Length', 411);
  const size = Number(length);
  if (size > MAX_DROP_BYTES)
    throw new BadRequestError(`the file is larger than ${MAX_DROP_BYTES / 1024 ** 2} MiB`, 413);
  acceptBody(request, response);
  sendJson(response, 200, await drop(request, size));
}

function clockView(clock: VirtualClock) {
  const now = clock.now();
  const local = (timeZone: string) =>
    new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(now);
  return {
    now: now.toISOString(),
    'Asia/Shanghai': local('Asia/Shanghai'),
    'America/New_York': local('America/New_York'),
  };
}
