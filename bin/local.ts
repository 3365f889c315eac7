/**
 * `npm start`: runs the whole system offline on this machine (see bin/offline/runtime.ts) until Ctrl-C, SIGTERM
 * or SIGHUP. package.json starts it with `exec node --import tsx`, so that npm's own process has this one as
 * its direct child: npm forwards SIGINT and SIGTERM to its child, and a shell left between the two (dash does
 * not exec the last command) would die of the signal and leave this process running.
 */

import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';

// Before the handlers load: Powertools reads these when its logger and metrics are built.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
// Nothing traces offline, but the X-Ray SDK the handlers import would otherwise install async hooks that track
// every promise (its automatic mode, cls-hooked): the simulation spent a tenth of its CPU in them.
process.env.AWS_XRAY_MANUAL_MODE ??= '1';

const { PrerequisiteError } = await import('./offline/prerequisites');
const { startOfflineRuntime } = await import('./offline/runtime');

/** How long a stop may take before the process exits regardless. */
const STOP_DEADLINE_MS = 20_000;

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new PrerequisiteError(`${name}=${raw} is not a port number (1–65535).`);
  }
  return value;
}

async function main(): Promise<void> {
  const dataDir = resolve(process.env.OVERDUE_DATA_DIR ?? '.local');
  const ports = {
    api: port('OVERDUE_API_PORT', 4000),
    s3: port('OVERDUE_S3_PORT', 4569),
    dynamodb: port('OVERDUE_DYNAMODB_PORT', 8000),
    ses: port('OVERDUE_SES_PORT', 8005),
  };
  const marker = join(dataDir, 'initialized');
  const firstStart = !existsSync(marker);
  const seedSample =
    firstStart && !process.argv.includes('--no-sample') && process.env.OVERDUE_NO_SAMPLE !== '1';

  // Handlers first: a Ctrl-C during start-up lets the start finish, then stops everything it started; a
  // start that does not finish within the stop deadline is left (DynamoDB Local's guard ends Java on exit).
  // One Ctrl-C in a terminal arrives twice (from the terminal, and forwarded by npm): repeats are ignored.
  let runtime: Awaited<ReturnType<typeof startOfflineRuntime>> | undefined;
  let stopping = false;
  const stopAndExit = (running: NonNullable<typeof runtime>) => {
    // A component that hangs must not keep the process: on exit, DynamoDB Local's guard ends Java anyway.
    setTimeout(() => {
      console.error(
        `[overdue] not stopped after ${STOP_DEADLINE_MS / 1000} s (a feed still loading?): exiting; ` +
          'the next start loads unfinished feeds again from their last checkpoint',
      );
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    running.stop().then(
      () => {
        console.log('[overdue] stopped.');
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  let startUpDeadline: NodeJS.Timeout | undefined;
  const shutdown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[overdue] ${reason}: stopping…`);
    if (runtime) stopAndExit(runtime);
    else {
      startUpDeadline = setTimeout(() => {
        console.error(`[overdue] start-up not finished after ${STOP_DEADLINE_MS / 1000} s: exiting`);
        process.exit(1);
      }, STOP_DEADLINE_MS).unref();
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
  // Under `npm start`, npm is the parent. Killed hard, it forwards nothing: this process is handed to another
  // parent, which is the sign to stop as if npm had forwarded a SIGTERM.
  if (process.env.npm_lifecycle_event === 'start') {
    const npm = process.ppid;
    setInterval(() => {
      if (process.ppid !== npm) shutdown('npm is gone');
    }, 1000).unref();
  }

  runtime = await startOfflineRuntime({ dataDir, ports, seedSample });
  if (stopping) {
    // The stop has its own deadline from here.
    clearTimeout(startUpDeadline);
    stopAndExit(runtime);
    return;
  }
  if (firstStart) await writeFile(marker, `${runtime.clock.now().toISOString()}\n`);

  const outbox = relative(process.cwd(), runtime.outboxDir) || runtime.outboxDir;
  console.log(
    [
      '',
      'Overdue is running offline.',
      `  Staff API     ${runtime.apiUrl}`,
      `  S3 (s3rver)   ${runtime.s3Endpoint}  bucket ${runtime.bucket}  (feeds at incoming/<bank>/<name>.csv|.csv.gz|.jsonl|.jsonl.gz)`,
      `  SES sink      ${runtime.sesUrl}/store  (npm run -s local -- mail)`,
      `  SMS outbox    ${outbox}/`,
      `  Bank events   ${relative(process.cwd(), join(runtime.dataDir, 'outbox', 'bank-events'))}/`,
      `  Letters       s3rver bucket ${runtime.bucket}, letters/<bank>/`,
      `  Virtual clock ${runtime.clock.now().toISOString()}`,
      '',
      'Try:',
      '  TOKEN=$(npm run -s local -- token --user alice --group collector --bank demo-bank)',
      `  curl -H "Authorization: Bearer $TOKEN" ${runtime.apiUrl}/cases/demo-bank:SAMPLE-0001`,
      '  npm run -s local -- advance --days 7     # then: npm run -s local -- outbox',
      '  npm run -s local -- drop my-feed.csv --bank demo-bank',
      '',
      'Ctrl-C stops everything.',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  if (error instanceof PrerequisiteError) {
    console.error(`overdue: ${error.message}`);
  } else {
    console.error(
      `overdue: the offline runtime failed to start: ${(error as Error)?.message ?? String(error)}`,
    );
  }
  process.exit(1);
});
