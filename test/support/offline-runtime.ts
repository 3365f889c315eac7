/** An offline runtime for an e2e test file (free ports, a temp data dir, DynamoDB Local in memory), and polling. */

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../bin/offline/dynamodb-local';
import { freePort } from '../../bin/offline/prerequisites';
import { type OfflineRuntime, S3RVER_CREDENTIALS, startOfflineRuntime } from '../../bin/offline/runtime';

export interface TestRuntime {
  readonly runtime: OfflineRuntime;
  readonly dataDir: string;
  readonly apiPort: number;
  readonly dynamoPort: number;
  /** Clients of the runtime's DynamoDB Local and s3rver, as any other program would use them. */
  readonly dynamo: DynamoDBClient;
  readonly s3: S3Client;
  /** Stops the runtime and the clients; the data dir is removed by `removeDataDir`. */
  stop(): Promise<void>;
  removeDataDir(): Promise<void>;
}

/** `log` receives the runtime's log lines (dropped when absent). */
export async function startTestRuntime(
  clockStart: Date,
  log: (line: string) => void = () => {},
): Promise<TestRuntime> {
  const dataDir = await mkdtemp(join(tmpdir(), 'overdue-e2e-'));
  const apiPort = await freePort();
  const dynamoPort = await freePort();
  const runtime = await startOfflineRuntime({
    dataDir,
    ports: { api: apiPort, s3: await freePort(), dynamodb: dynamoPort, ses: await freePort() },
    seedSample: false,
    clockStart,
    inMemory: true,
    log,
  });
  const dynamo = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${dynamoPort}`,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const s3 = new S3Client({
    endpoint: runtime.s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    runtime,
    dataDir,
    apiPort,
    dynamoPort,
    dynamo,
    s3,
    stop: async () => {
      dynamo.destroy();
      s3.destroy();
      await runtime.stop();
    },
    removeDataDir: () => rm(dataDir, { recursive: true, force: true }),
  };
}

/** Polls `probe` until it returns a value, or fails naming `what` after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command as a user would in a terminal of this checkout, without blocking this process (the runtime
 * under test lives here and must keep answering).
 */
export function runCommand(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
