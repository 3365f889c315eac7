/** The offline runtime: the same Lambda handlers wired to DynamoDB Local, s3rver, a local SES sink and a virtual clock. */

import { createHmac } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Event, SQSRecord } from 'aws-lambda';
import S3rver from 's3rver';
import { DynamoCaseStore } from '../../lambdas/adapters/aws/dynamo-case-store';
import { DynamoContactLedger } from '../../lambdas/adapters/aws/dynamo-contact-ledger';
import { DynamoPaymentLedger } from '../../lambdas/adapters/aws/dynamo-payment-ledger';
import { DynamoTrail } from '../../lambdas/adapters/aws/dynamo-trail';
import { DynamoWorkItems } from '../../lambdas/adapters/aws/dynamo-work-items';
import { S3FeedStorage } from '../../lambdas/adapters/aws/s3-feed-storage';
import { S3LetterStore } from '../../lambdas/adapters/aws/s3-letter-store';
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
import { OutboxBankEvents } from '../../lambdas/adapters/local/outbox-bank-events';
import { type OutboxSms, OutboxSmsSender } from '../../lambdas/adapters/local/outbox-sms-sender';
import { VirtualClock } from '../../lambdas/adapters/local/virtual-clock';
import { validateLadderVersions } from '../../lambdas/domain/ladder-validation';
import { localDate } from '../../lambdas/domain/zoned-time';
import { makeFindCasesHandler } from '../../lambdas/handlers/api-find-cases';
import { makeGetCaseHandler } from '../../lambdas/handlers/api-get-case';
import { handleFeedMessages } from '../../lambdas/handlers/ingest-feed';
import { makeOpenTaskHandler } from '../../lambdas/handlers/open-task';
import { makePlanNextStepHandler } from '../../lambdas/handlers/plan-next-step';
import { makeRecordFaultHandler } from '../../lambdas/handlers/record-fault';
import type { BankEvents, EmailSender, LetterStore, WorkItems } from '../../lambdas/ports/notifier';
import type { EscalationRequest, FeedHandOver } from '../../lambdas/ports/workflow';
import { openWorkItem } from '../../lambdas/use-cases/open-work-item';
import { recordFault } from '../../lambdas/use-cases/record-fault';
import { startEscalations } from '../../lambdas/use-cases/start-escalations';
import { actFunctionHandlers } from './act-functions';
import { makeAdminEndpoints } from './admin-endpoints';
import { LOCAL_BANKS } from './banks';
import { ensureTable, type RunningDynamoDb, startDynamoDbLocal } from './dynamodb-local';
import { resumeEscalations } from './escalation-resume';
import { dropFeed, type FeedDrop, type FeedPrefix, feedKey, IngestFailedError } from './feed-drop';
import { replayUnfinishedFeeds } from './feed-replay';
import { closeServer, sendJson } from './http';
import { LocalMail, type SinkMail, startSesSink } from './mail-sink';
import { requireFreePort, requireJava17 } from './prerequisites';
import { S3EventBridge } from './s3-event-bridge';
import { generateSampleFeed } from './sample-feed';
import { settle } from './settle';
import { makeStaffApi } from './staff-api';
import { synthesizeForLocal } from './synthesized';
import { LocalTokenIssuer, readOrCreateSecret, type TokenRequest } from './token-issuer';

export { LOCAL_BANKS } from './banks';
export type { FeedDrop } from './feed-drop';
export { encodeS3EventKey, type FeedReport } from './s3-event-bridge';

export const LOCAL_BUCKET = 'overdue-local-drop';
export const LOCAL_TABLES = {
  cases: 'overdue-local-cases',
  trail: 'overdue-local-trail',
  workItems: 'overdue-local-work-items',
  contactLedger: 'overdue-local-contact-ledger',
} as const;
/** s3rver's built-in account: requests must be signed with these. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const REGION = 'us-east-1';

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
  /**
   * The senders as the escalation will use them offline (not wired to a use case yet): SesEmailSender on the
   * SES sink, S3LetterStore on s3rver (`letters/`), DynamoWorkItems on DynamoDB Local, the bank-event outbox.
   */
  readonly senders: {
    readonly email: EmailSender;
    readonly letters: LetterStore;
    readonly workItems: WorkItems;
    readonly bankEvents: BankEvents;
  };
  /** The SES sink's messages, oldest first, addresses masked. */
  mail(): Promise<SinkMail[]>;
  readonly clock: VirtualClock;
  executions(): ExecutionRecord[];
  /** Completes a work item an escalation waits for (what the staff API does in AWS); false if none waits. */
  completeWorkItem(itemId: string, outcome: { outcome: 'done'; result: string; by: string }): boolean;
  outbox(): Promise<OutboxSms[]>;
  issueToken(request: TokenRequest): Promise<{ token: string; expiresAt: string }>;
  /**
   * Puts a feed's bytes (a string is taken as UTF-8) into the drop bucket under `<feed>/<bank>/<name>`
   * through the S3 API, and returns the report of that upload once its ingest has run.
   */
  dropFeed(bank: string, name: string, body: string | Uint8Array, feed?: FeedPrefix): Promise<FeedDrop>;
  /** Resolves when every ingest queued so far has finished. */
  ingestsIdle(): Promise<void>;
  /** Moves the virtual clock forward, letting each escalation that falls due on the way act at its time. */
  advanceClock(ms: number): Promise<Date>;
  stop(): Promise<void>;
}

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

  // Components stop in the reverse order of their start: the API takes no more requests, intake finishes
  // the files it has, escalations stop, then the stores they used.
  const stops: Array<{ component: string; stop: () => Promise<void> }> = [];
  const onStop = (component: string, stop: () => Promise<void>) => stops.push({ component, stop });
  const stopAll = async () => {
    for (const { component, stop } of stops.reverse().splice(0)) {
      try {
        await stop();
      } catch (error) {
        log(`[overdue] stopping ${component} failed: ${(error as Error).name}`);
      }
    }
  };

  try {
    // DynamoDB Local and the tables as the CDK app declares them.
    const dynamo: RunningDynamoDb = await startDynamoDbLocal({
      port: ports.dynamodb,
      ...(options.inMemory ? {} : { dbPath: join(dataDir, 'dynamodb') }),
    });
    onStop('DynamoDB Local', () => dynamo.stop());
    await ensureTable(dynamo.client, LOCAL_TABLES.cases, tables.cases);
    await ensureTable(dynamo.client, LOCAL_TABLES.trail, tables.trail);
    await ensureTable(dynamo.client, LOCAL_TABLES.workItems, tables.workItems);
    await ensureTable(dynamo.client, LOCAL_TABLES.contactLedger, tables.contactLedger);
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
    onStop('s3rver', async () => {
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
    onStop('the S3 client', async () => s3.destroy());

    // The SESv2 sink (sent mail readable at GET /store).
    const ses = await startSesSink({ host: '127.0.0.1', port: ports.ses });
    onStop('the SES sink', () => closeServer(ses));
    const sesUrl = `http://127.0.0.1:${ports.ses}`;
    const localMail = new LocalMail(sesUrl, clock);

    // The adapters: real AWS-side code where a local service speaks the same API, local ones elsewhere.
    // Checked as PlanNextStep checks them: offline, one directory serves every function.
    const banks = bankDirectoryFromConfig(JSON.stringify(LOCAL_BANKS), validateLadderVersions);
    const cases = new DynamoCaseStore(documents, LOCAL_TABLES.cases);
    const trail = new DynamoTrail(documents, LOCAL_TABLES.trail);
    const vault = new EnvelopePiiVault(new LocalDataKeyProvider(masterKey));
    // A separate secret for blind indexes, derived so one key never serves two purposes.
    const blindIndex = new HmacBlindIndex(
      new LocalIndexKeySource(createHmac('sha256', masterKey).update('overdue-blind-index-secret').digest()),
    );
    const storage = new S3FeedStorage(s3, LOCAL_BUCKET);
    const contacts = new DynamoContactLedger(documents, LOCAL_TABLES.contactLedger);
    const senders = {
      email: localMail.sender,
      letters: new S3LetterStore(s3, { bucket: LOCAL_BUCKET }),
      workItems: new DynamoWorkItems(documents, LOCAL_TABLES.workItems),
      bankEvents: new OutboxBankEvents(dataDir, clock),
    };

    const escalations = new LocalEscalationStarter({
      definition: stateMachineDefinition,
      clock,
      planNextStep: makePlanNextStepHandler(() => ({ cases, trail, contacts, banks, clock })),
      act: actFunctionHandlers(() => ({
        cases,
        trail,
        vault,
        contacts,
        sms: outboxSms,
        ...senders,
        banks,
        clock,
      })),
      openTask: makeOpenTaskHandler(() => ({
        openWorkItem: (input) => openWorkItem({ cases, workItems: senders.workItems, trail, clock }, input),
      })),
      recordFault: makeRecordFaultHandler(() => ({
        recordFault: async (input) => {
          log(
            `[overdue] escalation of ${input.caseId} (cycle ${input.cycle}, run ${input.run}) parked: ${input.error}`,
          );
          return recordFault({ cases, trail, clock }, input);
        },
      })),
      onFailure: (record) => log(`[overdue] escalation ${record.name} failed: ${record.error?.name}`),
    });
    onStop('escalations', async () => {
      await escalations.stop();
      clock.stop();
    });

    // Escalation start requests go through an in-process queue to the SAME start use case SQS feeds in AWS
    // (offline, StartExecution has no quota to pace for).
    const unpaced = { next: async () => {}, afterThrottle: async () => {} };
    const startQueue = new LocalQueue<EscalationRequest>(
      async (batch) => (await startEscalations({ escalations, cases, pacing: unpaced }, batch)).retryLater,
    );
    onStop('escalation starts', () => startQueue.idle());

    // s3rver emits an S3 event for every object written; the bridge hands feeds, as the SQS messages the
    // feed-events queue carries in AWS, to the SAME ingest handler.
    const ledger = new DynamoPaymentLedger(documents, LOCAL_TABLES.cases, LOCAL_TABLES.trail);
    let messages = 0;
    const message = (body: unknown): SQSRecord =>
      ({ messageId: `local-${++messages}`, body: JSON.stringify(body) }) as SQSRecord;
    const ingestDeps = () => ({
      storage,
      cases,
      vault,
      blindIndex,
      escalationQueue: {
        enqueue: async (requests: readonly EscalationRequest[]) => startQueue.send(requests),
      },
      // Offline there is no time budget, so a run never stops early; a hand-over would come back here.
      continuation: {
        continueLater: async (file: FeedHandOver) => {
          await handleFeedMessages(ingestDeps, { Records: [message({ continueFeed: file })] });
        },
      },
      ledger,
      banks,
      clock,
      stopwatch: { readMs: () => performance.now() },
    });
    const ingest = async (event: S3Event) => {
      const { failures, reports } = await handleFeedMessages(ingestDeps, { Records: [message(event)] });
      if (failures.length > 0)
        throw Object.assign(new Error('the ingest of a feed failed'), { name: 'IngestFailed' });
      return reports;
    };
    const bridge = new S3EventBridge({ bucket: LOCAL_BUCKET, ingest, log });
    s3rver.on('event', (event: S3Event) => bridge.deliver(event));
    onStop('feed intake', () => bridge.close());

    // Escalations live in memory: after a restart, open cases of the persisted store resume where they were.
    if (!options.inMemory) {
      const replayed = await replayUnfinishedFeeds(s3, LOCAL_BUCKET, storage, bridge);
      if (replayed.length > 0)
        log(
          `[overdue] loading again ${replayed.length} feed(s) that had not finished: ${replayed.join(', ')}`,
        );
      const resumed = await resumeEscalations(documents, LOCAL_TABLES.cases, escalations);
      if (resumed > 0) log(`[overdue] restarted the escalations of ${resumed} open case(s)`);
    }

    const saveClock = () =>
      writeFile(join(dataDir, 'clock.json'), `${JSON.stringify({ now: clock.now() })}\n`);
    const dropDeps = { s3, s3Endpoint, bucket: LOCAL_BUCKET, storage, bridge };

    const runtime: OfflineRuntime = {
      apiUrl: `http://127.0.0.1:${ports.api}`,
      s3Endpoint,
      bucket: LOCAL_BUCKET,
      sesUrl,
      dataDir,
      outboxDir: outboxSms.directory,
      dynamoEndpoint: dynamo.endpoint,
      senders,
      mail: () => localMail.list(),
      clock,
      executions: () => escalations.executions(),
      completeWorkItem: (itemId, outcome) => escalations.completeWorkItem(itemId, outcome),
      outbox: () => readOutbox(outboxSms.directory),
      issueToken: (request) => tokens.issue(request),
      dropFeed: (bank, name, body, feed = 'incoming') =>
        dropFeed(
          dropDeps,
          feedKey({ feed, bank, name }),
          typeof body === 'string' ? Buffer.from(body) : body,
        ),
      ingestsIdle: async () => {
        await bridge.idle();
        await startQueue.idle();
      },
      advanceClock: async (ms) => {
        // Stops at every instant an escalation waits for, so each step acts at its own lawful time.
        const now = await clock.runFor(ms, () =>
          settle(
            () => escalations.busy,
            () => escalations.tasksDone,
          ),
        );
        await saveClock();
        return now;
      },
      stop: async () => {
        await stopAll();
      },
    };

    const staffApi = makeStaffApi({
      tokens,
      getCase: makeGetCaseHandler(() => ({ cases, trail, clock })),
      findCases: makeFindCasesHandler(() => ({ cases, trail, blindIndex, clock })),
    });
    const admin = makeAdminEndpoints({
      ...runtime,
      prepareDrop: (upload) => {
        const key = feedKey(upload);
        return (body, size) => dropFeed(dropDeps, key, body, size);
      },
    });
    const handleRequest = (request: IncomingMessage, response: ServerResponse) => {
      const url = new URL(request.url ?? '/', runtime.apiUrl);
      const route = url.pathname.startsWith('/_local/') ? admin : staffApi;
      route(request, response, url).catch((error: unknown) => {
        log(`[overdue] request failed: ${(error as Error)?.name ?? 'error'}`);
        if (!response.headersSent)
          sendJson(response, 500, { error: 'InternalError', message: 'internal error' });
        else response.end();
      });
    };
    const api = createServer(handleRequest);
    // A client sending `Expect: 100-continue` (the CLI's drop, curl's large uploads) is answered by the route,
    // which lets the body come only once it has accepted the request.
    api.on('checkContinue', handleRequest);

    await new Promise<void>((resolveListen, rejectListen) => {
      api.once('error', rejectListen);
      api.listen(ports.api, '127.0.0.1', () => resolveListen());
    });
    onStop('the staff API', () => closeServer(api));
    log(`[overdue] offline runtime up: API ${runtime.apiUrl}, virtual clock ${clock.now().toISOString()}`);
    if (options.seedSample) {
      // The bank's business date where the demo bank is, on the virtual clock.
      const asOf = localDate(clock.now(), 'Asia/Shanghai');
      // The bridge has logged why; the runtime is useful without the sample.
      await runtime
        .dropFeed('demo-bank', `sample-${asOf}.csv`, generateSampleFeed({ asOf }))
        .catch((error: unknown) => {
          if (!(error instanceof IngestFailedError)) throw error;
        });
    }
    return runtime;
  } catch (error) {
    await stopAll();
    throw error;
  }
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
