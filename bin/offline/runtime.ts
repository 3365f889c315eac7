/** The offline runtime: the same Lambda handlers wired to DynamoDB Local, s3rver, a local SES sink and a virtual clock. */

import { createHmac, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, S3Event, SQSRecord } from 'aws-lambda';
import * as sesModule from 'aws-ses-v2-local';
import S3rver from 's3rver';
import { DynamoCaseStore } from '../../lambdas/adapters/aws/dynamo-case-store';
import { DynamoPaymentLedger } from '../../lambdas/adapters/aws/dynamo-payment-ledger';
import { DynamoTrail } from '../../lambdas/adapters/aws/dynamo-trail';
import { S3FeedStorage } from '../../lambdas/adapters/aws/s3-feed-storage';
import { bankDirectoryFromConfig } from '../../lambdas/adapters/bank-directory-from-config';
import { EnvelopePiiVault } from '../../lambdas/adapters/envelope-pii-vault';
import { HmacBlindIndex } from '../../lambdas/adapters/hmac-blind-index';
import { LocalDataKeyProvider } from '../../lambdas/adapters/local/local-data-key-provider';
import {
  type ExecutionRecord,
  LocalEscalationStarter,
} from '../../lambdas/adapters/local/local-escalation-starter';
import { LocalIndexKeySource } from '../../lambdas/adapters/local/local-index-key-source';
import { LocalQueue } from '../../lambdas/adapters/local/local-queue';
import { type OutboxSms, OutboxSmsSender } from '../../lambdas/adapters/local/outbox-sms-sender';
import { VirtualClock } from '../../lambdas/adapters/local/virtual-clock';
import { localDate } from '../../lambdas/domain/zoned-time';
import { makeFindCasesHandler } from '../../lambdas/handlers/api-find-cases';
import { makeGetCaseHandler } from '../../lambdas/handlers/api-get-case';
import { handleFeedMessages } from '../../lambdas/handlers/ingest-feed';
import { makePlanNextStepHandler } from '../../lambdas/handlers/plan-next-step';
import { makeSendReminderHandler } from '../../lambdas/handlers/send-reminder';
import type { EscalationRequest, FeedHandOver } from '../../lambdas/ports/workflow';
import type { FeedReport as OverdueFeedReport } from '../../lambdas/use-cases/ingest-feed';
import type { PaymentsReport } from '../../lambdas/use-cases/post-payments';
import { startEscalations } from '../../lambdas/use-cases/start-escalations';

type FeedReport = OverdueFeedReport | PaymentsReport;

import { ensureTable, type RunningDynamoDb, startDynamoDbLocal } from './dynamodb-local';
import { requireFreePort, requireJava17 } from './prerequisites';
import { generateSampleFeed } from './sample-feed';
import { synthesizeForLocal } from './synthesized';
import { LocalTokenIssuer, readOrCreateSecret, type TokenRequest, TokenRequestError } from './token-issuer';

export const LOCAL_BUCKET = 'overdue-local-drop';
export const LOCAL_TABLES = { cases: 'overdue-local-cases', trail: 'overdue-local-trail' } as const;
/** s3rver's built-in account: requests must be signed with these. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const REGION = 'us-east-1';

/** The banks the offline deployment serves, as the stage configuration would give them in BANKS_CONFIG. */
export const LOCAL_BANKS = [
  {
    bankId: 'demo-bank',
    displayName: 'Demo Bank',
    policyPack: 'cn',
    defaults: { currency: 'CNY', timeZone: 'Asia/Shanghai', language: 'zh-CN' },
  },
  {
    bankId: 'us-demo',
    displayName: 'US Demo Bank',
    policyPack: 'us',
    defaults: { currency: 'USD', timeZone: 'America/New_York', language: 'en' },
  },
];

export interface OfflineRuntimeOptions {
  readonly dataDir: string;
  readonly ports: {
    readonly api: number;
    readonly s3: number;
    readonly dynamodb: number;
    readonly ses: number;
  };
  /** Drop the generated sample feed into `incoming/demo-bank/` once everything is up. */
  readonly seedSample: boolean;
  /** Where the virtual clock starts; defaults to where it stood at the last stop, or now. */
  readonly clockStart?: Date;
  /** DynamoDB Local in memory (tests) instead of files under `<dataDir>/dynamodb`. */
  readonly inMemory?: boolean;
  /** One line per notable event (no personal data); defaults to console.log. */
  readonly log?: (line: string) => void;
}

export interface OfflineRuntime {
  readonly apiUrl: string;
  readonly s3Endpoint: string;
  readonly bucket: string;
  readonly sesUrl: string;
  readonly dataDir: string;
  readonly outboxDir: string;
  readonly dynamoEndpoint: string;
  readonly clock: VirtualClock;
  executions(): ExecutionRecord[];
  outbox(): Promise<OutboxSms[]>;
  issueToken(request: TokenRequest): Promise<{ token: string; expiresAt: string }>;
  /** Puts a feed into the drop bucket through the S3 API and waits until its ingest has run. */
  dropFeed(
    bank: string,
    name: string,
    csv: string,
    feed?: 'incoming' | 'payments',
  ): Promise<{ key: string; reports: FeedReport[] }>;
  /** Resolves when every ingest queued so far has finished. */
  ingestsIdle(): Promise<void>;
  /** Moves the virtual clock forward, letting each escalation that falls due on the way act at its time. */
  advanceClock(ms: number): Promise<Date>;
  stop(): Promise<void>;
}

/** A malformed admin request: answered with 400 and its message. */
class BadRequestError extends Error {}

const DAY_MS = 86_400_000;
/** Offline, StartExecution has no quota to respect. */
const unpaced = { next: async () => {}, afterThrottle: async () => {} };
const HOUR_MS = 3_600_000;

export async function startOfflineRuntime(options: OfflineRuntimeOptions): Promise<OfflineRuntime> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = resolve(options.dataDir);
  const { ports } = options;

  // Every prerequisite first, so that a missing one stops us before anything is started.
  requireJava17();
  await requireFreePort(ports.api, 'staff API', 'OVERDUE_API_PORT');
  await requireFreePort(ports.s3, 's3rver', 'OVERDUE_S3_PORT');
  await requireFreePort(ports.ses, 'SES sink', 'OVERDUE_SES_PORT');
  await requireFreePort(ports.dynamodb, 'DynamoDB Local', 'OVERDUE_DYNAMODB_PORT');

  await mkdir(join(dataDir, 's3'), { recursive: true });
  const clock = new VirtualClock(options.clockStart ?? (await savedClock(dataDir)) ?? new Date());
  const outboxSms = new OutboxSmsSender(dataDir, clock);
  await mkdir(outboxSms.directory, { recursive: true });
  if (!options.inMemory) await mkdir(join(dataDir, 'dynamodb'), { recursive: true });

  const { stateMachineDefinition, tables } = synthesizeForLocal();
  const masterKey = await readOrCreateSecret(join(dataDir, 'master.key'), 32);
  const tokens = await LocalTokenIssuer.inDataDir(dataDir);

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stopOne of stops.reverse().splice(0)) {
      try {
        await stopOne();
      } catch (error) {
        log(`[overdue] stopping a component failed: ${(error as Error).name}`);
      }
    }
  };

  try {
    // DynamoDB Local and the tables as the CDK app declares them.
    const dynamo: RunningDynamoDb = await startDynamoDbLocal({
      port: ports.dynamodb,
      ...(options.inMemory ? {} : { dbPath: join(dataDir, 'dynamodb') }),
    });
    stops.push(() => dynamo.stop());
    await ensureTable(dynamo.client, LOCAL_TABLES.cases, tables.cases);
    await ensureTable(dynamo.client, LOCAL_TABLES.trail, tables.trail);
    const documents = DynamoDBDocumentClient.from(dynamo.client, {
      marshallOptions: { removeUndefinedValues: true },
    });

    // s3rver for the drop bucket.
    const s3rver = new S3rver({
      address: '127.0.0.1',
      port: ports.s3,
      silent: true,
      directory: join(dataDir, 's3'),
      configureBuckets: [{ name: LOCAL_BUCKET }],
    });
    await s3rver.run();
    stops.push(async () => {
      s3rver.removeAllListeners('event');
      await s3rver.close();
    });
    const s3Endpoint = `http://127.0.0.1:${ports.s3}`;
    const s3 = new S3Client({
      endpoint: s3Endpoint,
      region: REGION,
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
      // Without these the SDK's default checksums make s3rver store streamed uploads corrupted.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    stops.push(async () => s3.destroy());

    // The SESv2 sink (sent mail readable at GET /store).
    const ses = await startSesSink({ host: '127.0.0.1', port: ports.ses });
    stops.push(() => closeServer(ses));
    const sesUrl = `http://127.0.0.1:${ports.ses}`;

    // The adapters: real AWS-side code where a local service speaks the same API, local ones elsewhere.
    const banks = bankDirectoryFromConfig(JSON.stringify(LOCAL_BANKS));
    const cases = new DynamoCaseStore(documents, LOCAL_TABLES.cases);
    const trail = new DynamoTrail(documents, LOCAL_TABLES.trail);
    const vault = new EnvelopePiiVault(new LocalDataKeyProvider(masterKey));
    // A separate secret for blind indexes, derived so one key never serves two purposes.
    const blindIndex = new HmacBlindIndex(
      new LocalIndexKeySource(createHmac('sha256', masterKey).update('overdue-blind-index-secret').digest()),
    );
    const storage = new S3FeedStorage(s3, LOCAL_BUCKET);

    const escalations = new LocalEscalationStarter({
      definition: stateMachineDefinition,
      clock,
      planNextStep: makePlanNextStepHandler(() => ({ cases, banks, clock })),
      sendReminder: makeSendReminderHandler(() => ({ cases, trail, vault, sms: outboxSms, banks, clock })),
      onFailure: (record) => log(`[overdue] escalation ${record.name} failed: ${record.error?.name}`),
    });
    stops.push(async () => {
      await escalations.stop();
      clock.stop();
    });

    // Escalation start requests go through an in-process queue to the SAME start handler SQS feeds in AWS.
    const startQueue = new LocalQueue<EscalationRequest>(async (batch) => {
      const report = await startEscalations({ escalations, cases, pacing: unpaced }, batch);
      return report.retryLater;
    });
    const escalationQueue = {
      enqueue: async (requests: readonly EscalationRequest[]) => startQueue.send(requests),
    };

    // s3rver emits an S3 event for every object written; those under incoming/ and payments/ go, as SQS
    // messages, to the SAME ingest handler the feed-events queue invokes in AWS, one at a time.
    const ledger = new DynamoPaymentLedger(documents, LOCAL_TABLES.cases, LOCAL_TABLES.trail);
    let messageCount = 0;
    const feedMessage = (body: unknown): SQSRecord =>
      ({ messageId: `local-${++messageCount}`, body: JSON.stringify(body) }) as SQSRecord;
    const reportsByKey = new Map<string, FeedReport[]>();
    const feedQueue = new LocalQueue<SQSRecord>(async (batch) => {
      const { failures, reports } = await handleFeedMessages(ingestDeps, { Records: batch });
      for (const report of reports) {
        reportsByKey.set(report.key, [...(reportsByKey.get(report.key) ?? []), report]);
        log(`[overdue] ${describeReport(report)}`);
      }
      // A failed message is logged by the handler (error class only) and not retried offline.
      if (failures.length > 0) log(`[overdue] ingest of ${failures.length} message(s) failed`);
      return [];
    }, 1);
    const ingestDeps = () => ({
      storage,
      cases,
      vault,
      blindIndex,
      escalations,
      escalationQueue,
      continuation: {
        continueLater: async (file: FeedHandOver) => feedQueue.send([feedMessage({ continueFeed: file })]),
      },
      ledger,
      banks,
      clock,
      stopwatch: { readMs: () => performance.now() },
    });
    const ingestsIdle = async () => {
      await feedQueue.idle();
      await startQueue.idle();
    };
    s3rver.on('event', (event: S3Event) => {
      const records = (event.Records ?? []).filter(
        (record) =>
          record.eventName?.startsWith('ObjectCreated:') &&
          record.s3?.bucket?.name === LOCAL_BUCKET &&
          (record.s3.object.key.startsWith('incoming/') || record.s3.object.key.startsWith('payments/')),
      );
      if (records.length === 0) return;
      // s3rver gives raw keys; S3 notifications URL-encode them ('+' for spaces), which the handler decodes.
      const notification = {
        Records: records.map((record) => ({
          ...record,
          s3: { ...record.s3, object: { ...record.s3.object, key: encodeS3EventKey(record.s3.object.key) } },
        })),
      };
      feedQueue.send([feedMessage(notification)]);
    });
    stops.push(ingestsIdle);

    // Escalations live in memory: after a restart, open cases of the persisted store resume where they were.
    if (!options.inMemory) {
      const resumed = await resumeEscalations(documents, escalations);
      if (resumed > 0) log(`[overdue] restarted the escalations of ${resumed} open case(s)`);
    }

    const getCase = makeGetCaseHandler(() => ({ cases, trail, clock }));
    const findCasesHandler = makeFindCasesHandler(() => ({ cases, trail, blindIndex, clock }));
    const saveClock = () =>
      writeFile(join(dataDir, 'clock.json'), `${JSON.stringify({ now: clock.now() })}\n`);

    const runtime: OfflineRuntime = {
      apiUrl: `http://127.0.0.1:${ports.api}`,
      s3Endpoint,
      bucket: LOCAL_BUCKET,
      sesUrl,
      dataDir,
      outboxDir: outboxSms.directory,
      dynamoEndpoint: dynamo.endpoint,
      clock,
      executions: () => escalations.executions(),
      outbox: () => readOutbox(outboxSms.directory),
      issueToken: (request) => tokens.issue(request),
      dropFeed: async (bank, name, csv, feed = 'incoming') => {
        if (!/^[a-z0-9-]{2,32}$/.test(bank)) throw new BadRequestError('bank must be a bank id');
        const file = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '') || 'feed.csv';
        const key = `${feed}/${bank}/${file.endsWith('.csv') ? file : `${file}.csv`}`;
        const before = reportsByKey.get(key)?.length ?? 0;
        await s3.send(
          new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: key, Body: csv, ContentType: 'text/csv' }),
        );
        await ingestsIdle();
        return { key, reports: (reportsByKey.get(key) ?? []).slice(before) };
      },
      ingestsIdle,
      advanceClock: async (ms) => {
        // Stops at every instant an escalation waits for, so each step acts at its own lawful time.
        const now = await clock.runFor(ms, () => settle(() => escalations.busy));
        await saveClock();
        return now;
      },
      stop: async () => {
        await stopAll();
      },
    };

    const api = createServer((request, response) => {
      handleRequest(request, response).catch((error: unknown) => {
        log(`[overdue] request failed: ${(error as Error)?.name ?? 'error'}`);
        if (!response.headersSent)
          sendJson(response, 500, { error: 'InternalError', message: 'internal error' });
        else response.end();
      });
    });

    async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
      const url = new URL(request.url ?? '/', runtime.apiUrl);
      const method = request.method ?? 'GET';
      if (url.pathname.startsWith('/_local/')) {
        const remote = request.socket.remoteAddress ?? '';
        if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(remote)) {
          sendJson(response, 403, { error: 'Forbidden', message: 'the admin surface is loopback-only' });
          return;
        }
        await handleAdmin(method, url.pathname, request, response);
        return;
      }
      const match = /^\/cases(?:\/([^/]+))?$/.exec(url.pathname);
      if (!match || method !== 'GET') {
        sendJson(response, 404, { error: 'NotFound', message: 'no such route' });
        return;
      }
      // The Cognito authorizer's part: no valid token, no call to the function.
      const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const claims = bearer ? await tokens.verify(bearer) : undefined;
      if (!claims) {
        sendJson(response, 401, { message: 'Unauthorized' });
        return;
      }
      if (match[1] === undefined) {
        sendResult(response, await findCasesHandler(apiGatewayEvent(request, url, '/cases', null, claims)));
        return;
      }
      let caseId: string;
      try {
        caseId = decodeURIComponent(match[1] ?? '');
      } catch {
        sendJson(response, 400, { error: 'ValidationError', message: 'malformed path' });
        return;
      }
      const event = apiGatewayEvent(request, url, '/cases/{caseId}', { caseId }, claims);
      sendResult(response, await getCase(event));
    }

    async function handleAdmin(
      method: string,
      path: string,
      request: IncomingMessage,
      response: ServerResponse,
    ): Promise<void> {
      try {
        if (method === 'GET' && path === '/_local/clock') {
          sendJson(response, 200, clockView(clock));
        } else if (method === 'POST' && path === '/_local/clock/advance') {
          const body = (await readJson(request)) as { days?: unknown; hours?: unknown; minutes?: unknown };
          const ms =
            Number(body.days ?? 0) * DAY_MS +
            Number(body.hours ?? 0) * HOUR_MS +
            Number(body.minutes ?? 0) * 60_000;
          if (!Number.isFinite(ms) || ms <= 0 || ms > 3650 * DAY_MS) {
            throw new BadRequestError('give a positive {"days":N}, {"hours":N} or {"minutes":N}');
          }
          await runtime.advanceClock(ms);
          sendJson(response, 200, clockView(clock));
        } else if (method === 'POST' && path === '/_local/token') {
          sendJson(response, 200, await tokens.issue((await readJson(request)) as TokenRequest));
        } else if (method === 'GET' && path === '/_local/outbox') {
          sendJson(response, 200, await runtime.outbox());
        } else if (method === 'GET' && path === '/_local/executions') {
          sendJson(response, 200, runtime.executions());
        } else if (method === 'POST' && path === '/_local/feeds') {
          const body = (await readJson(request, 64 * 1024 * 1024)) as {
            bank?: unknown;
            name?: unknown;
            csv?: unknown;
            feed?: unknown;
          };
          if (typeof body.csv !== 'string' || typeof body.name !== 'string') {
            throw new BadRequestError('give {"bank","name","csv"}');
          }
          sendJson(
            response,
            200,
            await runtime.dropFeed(
              String(body.bank ?? 'demo-bank'),
              body.name,
              body.csv,
              body.feed === 'payments' ? 'payments' : 'incoming',
            ),
          );
        } else {
          sendJson(response, 404, { error: 'NotFound', message: 'no such admin route' });
        }
      } catch (error) {
        if (
          error instanceof BadRequestError ||
          error instanceof TokenRequestError ||
          error instanceof SyntaxError
        ) {
          sendJson(response, 400, { error: 'BadRequest', message: error.message });
          return;
        }
        throw error;
      }
    }

    await new Promise<void>((resolveListen, rejectListen) => {
      api.once('error', rejectListen);
      api.listen(ports.api, '127.0.0.1', () => resolveListen());
    });
    stops.push(() => closeServer(api));
    log(`[overdue] offline runtime up: API ${runtime.apiUrl}, virtual clock ${clock.now().toISOString()}`);
    if (options.seedSample) {
      // The bank's business date where the demo bank is, on the virtual clock.
      const asOf = localDate(clock.now(), 'Asia/Shanghai');
      await runtime.dropFeed('demo-bank', `sample-${asOf}.csv`, generateSampleFeed({ asOf }));
    }
    return runtime;
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** aws-ses-v2-local is CommonJS: under Node's ESM loader its default export arrives one level down. */
function startSesSink(config: { host: string; port: number }): Promise<Server> {
  const exported = sesModule.default as unknown as
    | typeof sesModule.default
    | { default: typeof sesModule.default };
  const start = typeof exported === 'function' ? exported : exported.default;
  return start(config);
}

/** The URL encoding S3 notifications use for object keys: like a form, '/' kept, spaces as '+'. */
export function encodeS3EventKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');
}

function describeReport(report: FeedReport): string {
  if (report.quarantined) return `feed ${report.key} quarantined: ${report.quarantineReason}`;
  if (!('created' in report)) {
    return (
      `payments ${report.key}: ${report.read} read, ${report.applied} applied, ${report.duplicate} duplicate, ` +
      `${report.paidInFull} paid in full, ${report.rejected} rejected`
    );
  }
  return (
    `feed ${report.key}: ${report.read} read, ${report.created} created, ${report.updated} updated, ` +
    `${report.cured} cured, ${report.stale} stale, ${report.rejected} rejected, ` +
    `${report.escalationsRequested} escalation(s) requested`
  );
}

async function savedClock(dataDir: string): Promise<Date | undefined> {
  try {
    const saved = new Date(JSON.parse(await readFile(join(dataDir, 'clock.json'), 'utf8')).now);
    if (Number.isNaN(saved.getTime())) return undefined;
    // Never behind real time: a clock left alone keeps up with the wall clock across restarts.
    return saved.getTime() > Date.now() ? saved : undefined;
  } catch {
    return undefined;
  }
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

/** Waits until `busy()` has read false twice in a row (or 30 s passed). */
async function settle(busy: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  let quiet = 0;
  while (quiet < 2 && Date.now() < deadline) {
    await new Promise((resolveWait) => setTimeout(resolveWait, 5));
    quiet = busy() ? 0 : quiet + 1;
  }
}

async function resumeEscalations(
  documents: DynamoDBDocumentClient,
  escalations: LocalEscalationStarter,
): Promise<number> {
  let resumed = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: LOCAL_TABLES.cases,
        ProjectionExpression: 'caseId, bankId, accountId, #cycle, #status',
        ExpressionAttributeNames: { '#cycle': 'cycle', '#status': 'status' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      if (item.status !== 'open') continue;
      if ((await escalations.start({ caseId: String(item.caseId), cycle: String(item.cycle) })) === 'running')
        resumed++;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return resumed;
}

async function readOutbox(directory: string): Promise<OutboxSms[]> {
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const messages = await Promise.all(
    names.map(async (name) => JSON.parse(await readFile(join(directory, name), 'utf8')) as OutboxSms),
  );
  return messages.sort((a, b) => a.sentAt.localeCompare(b.sentAt));
}

/** The event API Gateway (REST, Cognito authorizer) gives the function, claims included. */
function apiGatewayEvent(
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
  const query = Object.fromEntries(url.searchParams);
  const now = Date.now();
  return {
    resource,
    path: url.pathname,
    httpMethod: 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: null,
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

function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(`${JSON.stringify(body)}\n`);
}

async function readJson(request: IncomingMessage, limit = 1024 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BadRequestError(`request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  return text ? JSON.parse(text) : {};
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    server.closeAllConnections();
  });
}
