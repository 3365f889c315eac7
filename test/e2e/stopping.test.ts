/** `npm start` stops whole on a signal to npm alone, and DynamoDB Local's Java never outlives its parent. */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, requireFreePort } from '../../bin/offline/prerequisites';
import { type ProcessRow, processTree, waitUntilGone } from '../support/process-tree';

const root = join(import.meta.dirname, '..', '..');
/** What "stops cleanly" allows: the runtime stops its components in order, Java included, within its own
 * 20 s deadline (bin/local.ts); on a loaded CI machine that takes more than the few seconds it takes alone. */
const STOP_WITHIN_MS = 25_000;

let started: { child: ChildProcess; tree: ProcessRow[]; dataDir?: string } | undefined;

afterEach(async () => {
  if (!started) return;
  // A failed test must not leave its processes behind: those it started, by pid.
  for (const row of processTree(started.child.pid ?? -1).concat(started.tree)) {
    try {
      process.kill(row.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  if (started.dataDir) await rm(started.dataDir, { recursive: true, force: true });
  started = undefined;
});

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Spawns `cmd args` in the checkout and resolves once its output shows `ready`; also how it exits. */
async function spawnUntilReady(
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: string,
): Promise<{ child: ChildProcess; output: () => string; exited: Promise<Exit> }> {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: 'pipe' });
  let output = '';
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes(ready)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    exited.then(({ code, signal }) =>
      reject(new Error(`${command} ended before it was ready (${code ?? signal}):\n${output}`)),
    );
  });
  return { child, output: () => output, exited };
}

async function startNpm() {
  const dataDir = await mkdtemp(join(tmpdir(), 'overdue-start-'));
  const ports = {
    OVERDUE_API_PORT: await freePort(),
    OVERDUE_S3_PORT: await freePort(),
    OVERDUE_DYNAMODB_PORT: await freePort(),
    OVERDUE_SES_PORT: await freePort(),
  };
  const env = {
    ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
    OVERDUE_DATA_DIR: dataDir,
    OVERDUE_NO_SAMPLE: '1',
  };
  const npm = await spawnUntilReady('npm', ['start'], env, 'Overdue is running offline.');
  const tree = processTree(npm.child.pid ?? -1);
  started = { child: npm.child, dataDir, tree };
  return { ...npm, tree, ports };
}

function javaOf(tree: ProcessRow[], port: number): ProcessRow | undefined {
  return tree.find((row) => row.command.includes(`DynamoDBLocal.jar -port ${port} `));
}

describe('npm start', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops every process it started, Java included, on ${signal} sent to the npm process alone`, async () => {
      const { child, tree, ports, exited, output } = await startNpm();
      expect(javaOf(tree, ports.OVERDUE_DYNAMODB_PORT)).toBeDefined();

      child.kill(signal);

      const left = await waitUntilGone(
        tree.map((row) => row.pid),
        STOP_WITHIN_MS,
      );
      expect(left.map((row) => `${row.pid} ${row.command.slice(0, 80)}`)).toEqual([]);
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(output()).toContain(`[overdue] ${signal}: stopping…`);
      expect(output()).toContain('[overdue] stopped.');
      for (const port of Object.values(ports)) {
        await expect(requireFreePort(port, 'a runtime port', 'the test')).resolves.toBeUndefined();
      }
    });
  }
});

describe('DynamoDB Local', () => {
  it('ends its Java when the node process that started it is killed with SIGKILL', async () => {
    const port = await freePort();
    const holder = await spawnUntilReady(
      process.execPath,
      ['--import', 'tsx', join(root, 'test/e2e/fixtures/hold-dynamodb-local.ts'), String(port)],
      {},
      'ready',
    );
    const tree = processTree(holder.child.pid ?? -1);
    started = { child: holder.child, tree };
    const java = javaOf(tree, port);
    expect(java).toBeDefined();

    holder.child.kill('SIGKILL');

    expect(await waitUntilGone([java?.pid ?? -1], STOP_WITHIN_MS)).toEqual([]);
    await expect(requireFreePort(port, 'DynamoDB Local', 'the test')).resolves.toBeUndefined();
  });
});
