/**
 * Cloud-model benchmark: the real intake use case and the real escalation-start consumer, against adapters that
 * add AWS's latencies and quotas, in real time. What bounds a daily feed on AWS is I/O and quotas, not CPU:
 * - DynamoDB: every write 4–8 ms; a new on-demand table takes ~4,000 writes/s (a token bucket); a throttled
 *   write fails fast and the SDK retries it after its throttling backoff (random up to 500 ms · 2^attempt);
 * - KMS: ~5 ms a call (data keys, the blind-index key);
 * - SQS: SendMessageBatch ~10 ms; the consumer is the start-escalations use case as the SQS event source runs
 *   it (batches of 50, two at a time, each paced at half the configured rate; what it hands back comes again
 *   after the visibility timeout);
 * - Step Functions StartExecution: ~25 ms, a token bucket of burst 1,300 refilled at 300/s; beyond it
 *   ThrottlingException.
 * The feed is a full daily book: 90% of rows update a case, 7% are unchanged, 3% are new delinquencies (two
 * thirds new accounts, one third a new cycle of a known one). The book is in the table before the run, each
 * case with its escalation running.
 * CPU is measured too, because on a 1-vCPU Lambda it bounds a write as much as the network: the pipeline's
 * own time per row (against counting sinks) and the SDK's per conditional write (the real document client,
 * answering at once). The projection to 1,000,000 rows takes the slower of I/O and CPU, for the path such a
 * file takes: above the stage's largeFeedBytes it is cut into segments loaded by up to MAP_CHILDREN Lambdas
 * at once, all sharing the table's 4,000 writes/s.
 * Usage: npm run bench:cloud [-- --rows 100000] [--json]
 * What the model leaves out: the second request of a new-cycle write and conditional failures are counted as
 * the adapter makes them, but the table's semantics are the in-memory fake's (held to the same contract).
 */

import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { feedWrite } from '../../lambdas/adapters/aws/dynamo-case-store';
import { bankDirectoryFromConfig } from '../../lambdas/adapters/bank-directory-from-config';
import { EnvelopePiiVault } from '../../lambdas/adapters/envelope-pii-vault';
import { HmacBlindIndex } from '../../lambdas/adapters/hmac-blind-index';
import { LocalDataKeyProvider } from '../../lambdas/adapters/local/local-data-key-provider';
import { TokenBucketPacing } from '../../lambdas/adapters/token-bucket-pacing';
import type { CollectionCase } from '../../lambdas/domain/collection-case';
import type { CaseStore } from '../../lambdas/ports/case-store';
import type { DataKeyProvider } from '../../lambdas/ports/pii-vault';
import {
  type EscalationInput,
  type EscalationQueue,
  type EscalationRequest,
  WorkflowThrottledError,
} from '../../lambdas/ports/workflow';
import { ingestFeed } from '../../lambdas/use-cases/ingest-feed';
import { startEscalations } from '../../lambdas/use-cases/start-escalations';
import { InMemoryCaseStore } from '../support/fakes/case-store';
import { InMemoryStepFunctions } from '../support/fakes/step-functions';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const ROWS = option('rows', 100_000);
/** A second scenario: this many start requests at once (a backlog after an outage), drained faster than the quota. */
const BACKLOG = option('backlog', 5_000);
const BACKLOG_RATE = option('backlog-rate', 600);
const JSON_OUTPUT = args.includes('--json');
const TABLE_WRITES_PER_SECOND = 4_000;
/** The stage config's escalationStarts (lib/config.ts): the account's rate share, two consumers, batches of 50. */
const START_RATE = option('start-rate', 250);
const CONSUMERS = 2;
const START_BATCH = 50;
const VISIBILITY_TIMEOUT_MS = 30_000;
/** The feed-load map's maxConcurrency (lib/constructs): Lambdas loading segments of one file at once. */
const MAP_CHILDREN = 8;
const AS_OF = '2026-11-20';
const YESTERDAY = '2026-11-19';
const CYCLE = '2026-11-01';
const NEW_CYCLE = '2026-11-18';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const between = (low: number, high: number) => low + Math.random() * (high - low);

/** A token bucket in real time that refuses (rather than waits) beyond its rate: a service quota. */
class Quota {
  private tokens: number;
  private last = performance.now();
  refused = 0;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
    if (this.tokens < 1) {
      this.refused++;
      return false;
    }
    this.tokens -= 1;
    return true;
  }
}

/** A DynamoDB table as the SDK sees it: latency per request, the write quota, the SDK's throttling retries. */
class ModelledTable {
  readonly quota = new Quota(TABLE_WRITES_PER_SECOND, TABLE_WRITES_PER_SECOND / 10);
  requests = 0;

  async write(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.requests++;
      if (this.quota.take()) {
        await sleep(between(4, 8));
        return;
      }
      // ProvisionedThroughputExceeded comes back fast; the SDK's standard retry waits for throttling errors.
      await sleep(between(1, 3));
      if (attempt >= 8) throw new Error('ProvisionedThroughputExceededException after 8 attempts');
      await sleep(Math.random() * Math.min(20_000, 500 * 2 ** attempt));
    }
  }
}

/** The case store on the modelled table: the fake's semantics, the adapter's request count, the table's time. */
function modelledCaseStore(table: ModelledTable, cases: InMemoryCaseStore): CaseStore {
  return {
    get: async (caseId) => {
      await sleep(between(2, 5));
      return cases.get(caseId);
    },
    upsertFromFeed: async (collectionCase) => {
      await table.write();
      const result = await cases.upsertFromFeed(collectionCase);
      // DynamoCaseStore writes a new cycle with a second, conditional request.
      if (result.outcome === 'updated' && result.previous?.cycle !== collectionCase.cycle)
        await table.write();
      return result;
    },
    markStepCompleted: async (...parameters) => {
      await table.write();
      return cases.markStepCompleted(...parameters);
    },
    markEscalationStarted: async (caseId, cycle, run) => {
      await table.write();
      return cases.markEscalationStarted(caseId, cycle, run);
    },
    beginRun: async (...parameters) => {
      await table.write();
      return cases.beginRun(...parameters);
    },
    setEscalationState: async (...parameters) => {
      await table.write();
      return cases.setEscalationState(...parameters);
    },
    pinDebtorKey: async (...parameters) => {
      await table.write();
      return cases.pinDebtorKey(...parameters);
    },
    pinLadderVersion: async (...parameters) => {
      await table.write();
      return cases.pinLadderVersion(...parameters);
    },
    findByLookup: (kind, index) => cases.findByLookup(kind, index),
  };
}

class ModelledKms implements DataKeyProvider {
  calls = 0;
  constructor(private readonly local: LocalDataKeyProvider) {}
  async generateDataKey(context: Readonly<Record<string, string>>) {
    this.calls++;
    await sleep(5);
    return this.local.generateDataKey(context);
  }
  async decryptDataKey(wrapped: Uint8Array, context: Readonly<Record<string, string>>) {
    this.calls++;
    await sleep(5);
    return this.local.decryptDataKey(wrapped, context);
  }
}

/** An SQS queue: sends take ~10 ms; receivers get batches; a message handed back returns after its timeout. */
class ModelledQueue implements EscalationQueue {
  private readonly visible: EscalationRequest[] = [];
  private inFlight = 0;
  sendCalls = 0;

  async enqueue(requests: readonly EscalationRequest[]): Promise<void> {
    for (let at = 0; at < requests.length; at += 10) {
      this.sendCalls++;
      await sleep(between(8, 15));
      this.visible.push(...requests.slice(at, at + 10));
    }
  }

  receive(max: number): EscalationRequest[] {
    const batch = this.visible.splice(0, max);
    this.inFlight += batch.length;
    return batch;
  }

  settle(done: number, handedBack: readonly EscalationRequest[]): void {
    this.inFlight -= done;
    if (handedBack.length > 0) {
      this.inFlight += handedBack.length;
      setTimeout(() => {
        this.inFlight -= handedBack.length;
        this.visible.push(...handedBack);
      }, VISIBILITY_TIMEOUT_MS);
    }
  }

  get empty(): boolean {
    return this.visible.length === 0 && this.inFlight === 0;
  }
}

/**
 * Step Functions: a call ~25 ms, within the account's token buckets (StartExecution burst 1,300, 300/s;
 * StopExecution burst 1,000, 200/s, as in the large regions).
 */
function modelledStepFunctions() {
  const sfn = new InMemoryStepFunctions({ now: () => new Date() });
  const quota = new Quota(300, 1_300);
  const stopQuota = new Quota(200, 1_000);
  const call = async <T>(bucket: Quota, run: () => Promise<T>) => {
    await sleep(between(15, 35));
    if (!bucket.take()) throw new WorkflowThrottledError('ThrottlingException');
    return run();
  };
  return {
    quota,
    sfn,
    starter: {
      start: (input: EscalationInput) => call(quota, () => sfn.start(input)),
      stopEscalation: (input: EscalationInput) => call(stopQuota, () => sfn.stopEscalation(input)),
    },
  };
}

function row(i: number, kind: 'updated' | 'unchanged' | 'new-account' | 'new-cycle'): string {
  const account = `BOOK-${String(i).padStart(8, '0')}`;
  const asOf = kind === 'unchanged' ? YESTERDAY : AS_OF;
  const due = kind === 'new-cycle' || kind === 'new-account' ? NEW_CYCLE : CYCLE;
  return [
    account,
    asOf,
    `测试用户${i % 1000}`,
    `139${String(i).padStart(8, '0')}`,
    `debtor${i}@example.test`,
    String(1000 + (i % 9000)),
    'CNY',
    `${(i % 50_000) + 100}.${String(i % 100).padStart(2, '0')}`,
    due,
  ].join(',');
}

/** Which rows of the book are which: 90% updated, 7% unchanged, 2% new accounts, 1% new cycles. */
function kindOf(i: number): 'updated' | 'unchanged' | 'new-account' | 'new-cycle' {
  const slot = i % 100;
  if (slot < 90) return 'updated';
  if (slot < 97) return 'unchanged';
  if (slot < 99) return 'new-account';
  return 'new-cycle';
}

async function writeFeed(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write('account_id,as_of,customer_name,mobile,email,card_last4,currency,overdue_principal,due_date\n');
  for (let i = 0; i < ROWS; i++) {
    if (!out.write(`${row(i, kindOf(i))}\n`))
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
}

/** Yesterday's book, already in the table: every known account, its escalation running. */
function seedBook(cases: InMemoryCaseStore, rows = ROWS): void {
  for (let i = 0; i < rows; i++) {
    if (kindOf(i) === 'new-account') continue;
    const accountId = `BOOK-${String(i).padStart(8, '0')}`;
    cases.seed({
      caseId: `bench-bank:${accountId}`,
      bankId: 'bench-bank',
      accountId,
      status: 'open',
      asOf: YESTERDAY,
      cycle: CYCLE,
      dueDate: CYCLE,
      daysPastDue: 18,
      bucket: 'M1',
      overdue: { amountMinor: 100_00, currency: 'CNY' },
      timeZone: 'Asia/Shanghai',
      language: 'zh-CN',
      flags: [],
      policyPack: 'cn',
      pii: { wrappedKey: 'v1.x', fields: ['name'], ciphertext: 'x' },
      masked: { name: '测*' },
      completedSteps: ['sms-courtesy'],
      escalationCycle: CYCLE,
      createdAt: '2026-11-19T00:00:00.000Z',
      updatedAt: '2026-11-19T00:00:00.000Z',
    } as CollectionCase);
  }
}

/**
 * The CPU one conditional write costs in the SDK itself (marshalling, SigV4 signing, serialising, parsing the
 * answer), through the real document client with a request handler that answers at once: on a 1-vCPU
 * Lambda this, not the network, is what a write costs the function's own time.
 */
async function sdkCpuPerWrite(sample: CollectionCase): Promise<number> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'ap-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: {
        handle: async () => ({
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Readable.from([Buffer.from('{}')]),
          },
        }),
      },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const send = () =>
    client.send(new UpdateCommand(feedWrite('cases', { ...sample, caseId: `bench-bank:${Math.random()}` })));
  for (let i = 0; i < 500; i++) await send();
  const before = process.cpuUsage();
  const count = 3_000;
  for (let i = 0; i < count; i++) await send();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

/**
 * The pipeline's own CPU per row (read, check, seal, index, build and marshal the write, queue requests),
 * against sinks that answer at once; and the check pass's, which reads a file once before it is cut.
 */
async function pipelineCpu(path: string, banks: ReturnType<typeof bankDirectoryFromConfig>) {
  const { marshall } = await import('@aws-sdk/util-dynamodb');
  const { assertFeedReadable } = await import('../../lambdas/feeds/feed-file');
  const storage = {
    open: async () => createReadStream(path),
    put: async () => {},
    putStream: async () => {},
    readText: async () => undefined,
  };
  const run = async () => {
    const before = process.cpuUsage();
    await ingestFeed(
      {
        storage,
        cases: {
          upsertFromFeed: async (collectionCase) => {
            const write = feedWrite('cases', collectionCase);
            marshall(write.ExpressionAttributeValues, { removeUndefinedValues: true });
            return { outcome: 'created' };
          },
        },
        vault: new EnvelopePiiVault(new LocalDataKeyProvider(Buffer.alloc(32, 1))),
        blindIndex: new HmacBlindIndex({ bankKey: async () => Buffer.alloc(32, 2) }),
        escalationQueue: { enqueue: async () => {} },
        banks,
        clock: { now: () => new Date('2026-11-20T02:00:00Z') },
        stopwatch: { readMs: () => performance.now() },
      },
      { key: 'incoming/bench-bank/book.csv' },
    );
    const used = process.cpuUsage(before);
    return (used.user + used.system) / ROWS;
  };
  await run();
  const microsPerRow = Math.min(await run(), await run());
  const before = process.cpuUsage();
  await assertFeedReadable(storage, 'incoming/bench-bank/book.csv', ['account_id']);
  const check = process.cpuUsage(before);
  return { microsPerRow, checkMicrosPerRow: (check.user + check.system) / ROWS };
}

/**
 * A backlog of start requests all at once (say, the queue after a Step Functions outage), drained by the
 * consumers at `rate`, above the account's 300/s refill: the burst of 1,300 goes, then throttles, which the
 * consumers wait out with jittered backoff or hand back to the queue. Nothing may be lost or doubled.
 */
async function backlogScenario(count: number, rate: number) {
  const memory = new InMemoryCaseStore();
  seedBook(memory, count);
  for (const stored of memory.all()) memory.seed({ ...stored, escalationCycle: undefined } as CollectionCase);
  const table = new ModelledTable();
  const cases = modelledCaseStore(table, memory);
  const queue = new ModelledQueue();
  const stepFunctions = modelledStepFunctions();
  const requests = memory
    .all()
    .map((c) => ({ action: 'start' as const, caseId: c.caseId, cycle: c.cycle, run: 0 }));
  await queue.enqueue(requests);
  let throttles = 0;
  let handedBack = 0;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: CONSUMERS }, async () => {
      const pacing = new TokenBucketPacing(rate / CONSUMERS);
      while (!queue.empty) {
        const batch = queue.receive(START_BATCH);
        if (batch.length === 0) {
          await sleep(20);
          continue;
        }
        const report = await startEscalations({ escalations: stepFunctions.starter, cases, pacing }, batch);
        throttles += report.throttles;
        handedBack += report.retryLater.length;
        queue.settle(batch.length, report.retryLater);
      }
    }),
  );
  const lost = memory.all().filter((c) => c.escalationCycle !== c.cycle).length;
  return {
    backlog: requests.length,
    backlogRate: rate,
    backlogSeconds: round((performance.now() - begin) / 1000),
    backlogThrottlesAbsorbed: throttles,
    backlogHandedBack: handedBack,
    backlogStartsPerRequest: round(stepFunctions.sfn.calls.length / requests.length, 3),
    backlogLost: lost,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'overdue-bench-cloud-'));
  const path = join(dir, 'book.csv');
  try {
    await writeFeed(path);
    const banks = bankDirectoryFromConfig(
      JSON.stringify([
        {
          bankId: 'bench-bank',
          displayName: 'Bench Bank',
          policyPack: 'cn',
          defaults: { currency: 'CNY', timeZone: 'Asia/Shanghai', language: 'zh-CN' },
        },
      ]),
    ); // CPU first, on a small heap: a full book held in memory by the model would slow every allocation.
    const sample = new InMemoryCaseStore();
    seedBook(sample, 1);
    const sdkMicros = await sdkCpuPerWrite(sample.all()[0] as CollectionCase);
    const pipeline = await pipelineCpu(path, banks);
    const memory = new InMemoryCaseStore();
    seedBook(memory);
    const table = new ModelledTable();
    const cases = modelledCaseStore(table, memory);
    const kms = new ModelledKms(new LocalDataKeyProvider(Buffer.alloc(32, 1)));
    const queue = new ModelledQueue();
    const stepFunctions = modelledStepFunctions();

    const newCycles = Array.from({ length: ROWS }, (_, i) => kindOf(i)).filter(
      (k) => k === 'new-account' || k === 'new-cycle',
    ).length;

    // The consumers run from the start, as the SQS event source polls while intake is still writing.
    let intakeDone = false;
    let startsDone = 0;
    let throttlesAbsorbed = 0;
    let handedBack = 0;
    let started = 0;
    const begin = performance.now();
    const consumer = async () => {
      const pacing = new TokenBucketPacing(START_RATE / CONSUMERS);
      while (!(intakeDone && queue.empty)) {
        const batch = queue.receive(START_BATCH);
        if (batch.length === 0) {
          await sleep(20);
          continue;
        }
        const report = await startEscalations({ escalations: stepFunctions.starter, cases, pacing }, batch);
        started += report.started;
        throttlesAbsorbed += report.throttles;
        handedBack += report.retryLater.length;
        queue.settle(batch.length, report.retryLater);
      }
      startsDone = performance.now() - begin;
    };
    const consumers = Array.from({ length: CONSUMERS }, consumer);

    const report = await ingestFeed(
      {
        storage: {
          open: async () => createReadStream(path),
          put: async () => sleep(between(20, 40)),
          putStream: async (_key, body: Readable) => {
            for await (const _ of body) {
              // An upload reads its body.
            }
          },
          readText: async () => {
            await sleep(between(10, 20));
            return undefined;
          },
        },
        cases,
        vault: new EnvelopePiiVault(kms),
        blindIndex: new HmacBlindIndex({
          bankKey: async () => {
            await sleep(5);
            return Buffer.alloc(32, 2);
          },
        }),
        escalationQueue: queue,
        banks,
        clock: { now: () => new Date('2026-11-20T02:00:00Z') },
        stopwatch: { readMs: () => performance.now() },
      },
      { key: 'incoming/bench-bank/book.csv', version: 'v1' },
    );
    const intakeMs = performance.now() - begin;
    intakeDone = true;
    await Promise.all(consumers);

    const lost = [...memory.cases.values()].filter(
      (c) => c.status === 'open' && c.escalationCycle !== c.cycle,
    ).length;
    const rowsPerSecond = ROWS / (intakeMs / 1000);
    const requestsPerRow = table.requests / ROWS;
    const cpuMicrosPerRow = pipeline.microsPerRow + sdkMicros * requestsPerRow;
    const cpuBoundRowsPerSecond = 1e6 / cpuMicrosPerRow;
    // One invocation: the slower of what the table lets through and what one vCPU can prepare and send.
    const inline1MSeconds = 1_000_000 / Math.min(rowsPerSecond, cpuBoundRowsPerSecond);
    // The map: the check pass reads the file once, then up to MAP_CHILDREN Lambdas, each as fast as one
    // invocation, share the table (its quota counting every request this run made per row, throttled ones too).
    const tableBoundRowsPerSecond = TABLE_WRITES_PER_SECOND / requestsPerRow;
    const perChild = Math.min(rowsPerSecond, cpuBoundRowsPerSecond);
    const mapRowsPerSecond = Math.min(tableBoundRowsPerSecond, MAP_CHILDREN * perChild);
    const projected1MSeconds = (1_000_000 * pipeline.checkMicrosPerRow) / 1e6 + 1_000_000 / mapRowsPerSecond;
    const floor1MSeconds = 1_000_000 / TABLE_WRITES_PER_SECOND;
    const figures = {
      rows: ROWS,
      created: report.created,
      updated: report.updated,
      unchanged: report.unchanged,
      newCycles,
      rowsPerSecond: Math.round(rowsPerSecond),
      timeToReportSeconds: round(intakeMs / 1000),
      allEscalationsStartedSeconds: round(startsDone / 1000),
      startExecutionCalls: stepFunctions.sfn.calls.length,
      startsPerNewCycle: round(stepFunctions.sfn.calls.length / newCycles, 3),
      escalationsStarted: started,
      startThrottlesAbsorbed: throttlesAbsorbed,
      startsHandedBack: handedBack,
      startsLost: lost,
      tableRequests: table.requests,
      tableThrottles: table.quota.refused,
      kmsCalls: kms.calls,
      pipelineCpuMicrosPerRow: round(pipeline.microsPerRow),
      checkPassMicrosPerRow: round(pipeline.checkMicrosPerRow, 2),
      cpuMicrosPerRow: round(cpuMicrosPerRow),
      cpuBoundRowsPerSecond: Math.round(cpuBoundRowsPerSecond),
      projected1MInlineSeconds: round(inline1MSeconds),
      projected1MSeconds: round(projected1MSeconds),
      lambdaLimitSeconds: 900,
      floor1MSeconds,
      projectedOverFloor: round(projected1MSeconds / floor1MSeconds, 2),
      sdkCpuMicrosPerWrite: Math.round(sdkMicros),
      sdkCpuShareAtFloor: round((sdkMicros * TABLE_WRITES_PER_SECOND) / 1e6, 2),
    };
    const backlog = BACKLOG > 0 ? await backlogScenario(BACKLOG, BACKLOG_RATE) : undefined;
    print({ ...figures, ...backlog });
    if (JSON_OUTPUT) console.log(JSON.stringify({ ...figures, ...backlog }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(value: number, places = 1): number {
  return Number(value.toFixed(places));
}

function print(f: Record<string, number>): void {
  const line = (label: string, value: string, target = '') =>
    console.log(`${label.padEnd(44)}${value.padStart(14)}  ${target}`);
  console.log(
    `cloud model: ${f.rows} rows (${f.updated} updated, ${f.unchanged} unchanged, ${f.newCycles} new delinquencies)`,
  );
  line('rows/s', String(f.rowsPerSecond));
  line('time to report', `${f.timeToReportSeconds} s`);
  line('time until every new escalation started', `${f.allEscalationsStartedSeconds} s`);
  line('StartExecution calls per new cycle', String(f.startsPerNewCycle), 'target 1.0');
  line('StartExecution throttles absorbed', String(f.startThrottlesAbsorbed));
  line('starts handed back to the queue', String(f.startsHandedBack));
  line('starts lost', String(f.startsLost), 'target 0');
  line('DynamoDB requests (throttled)', `${f.tableRequests} (${f.tableThrottles})`);
  line('KMS calls', String(f.kmsCalls));
  line(
    'CPU per row: pipeline + SDK',
    `${f.cpuMicrosPerRow} µs`,
    `pipeline ${f.pipelineCpuMicrosPerRow} µs, SDK ${f.sdkCpuMicrosPerWrite} µs a request`,
  );
  line('rows/s one vCPU can send', String(f.cpuBoundRowsPerSecond));
  line(
    'projected 1,000,000 rows, one invocation',
    `${f.projected1MInlineSeconds} s`,
    `Lambda limit ${f.lambdaLimitSeconds} s`,
  );
  line(
    'projected 1,000,000 rows, as loaded (map)',
    `${f.projected1MSeconds} s`,
    `${MAP_CHILDREN} children share the table`,
  );
  line(
    'floor at 4,000 writes/s',
    `${f.floor1MSeconds} s`,
    `projected/floor ${f.projectedOverFloor} (target ≤ 1.25)`,
  );
  line(
    'SDK CPU at 4,000 writes/s',
    `${Math.round((f.sdkCpuShareAtFloor ?? 0) * 100)}%`,
    'of one vCPU: one invocation cannot fill the table',
  );
  if (f.backlog) {
    console.log(
      `backlog: ${f.backlog} start requests at once, consumers paced at ${f.backlogRate}/s (quota: burst 1,300, 300/s)`,
    );
    line('drained in', `${f.backlogSeconds} s`);
    line('throttles absorbed (waited out)', String(f.backlogThrottlesAbsorbed));
    line('handed back to the queue', String(f.backlogHandedBack));
    line('StartExecution calls per request', String(f.backlogStartsPerRequest), 'target 1.0');
    line('starts lost', String(f.backlogLost), 'target 0');
  }
}

await main();
