/** `npm start`: runs the whole system offline on this machine (see bin/offline/runtime.ts) until Ctrl-C. */

import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';

// Before the handlers load: Powertools reads these when its logger and metrics are built.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';

const { PrerequisiteError } = await import('./offline/prerequisites');
const { startOfflineRuntime } = await import('./offline/runtime');

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

  // Handlers first: a Ctrl-C during start-up lets the start finish, then stops everything it started.
  let runtime: Awaited<ReturnType<typeof startOfflineRuntime>> | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[overdue] ${signal}: stopping…`);
    runtime?.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  runtime = await startOfflineRuntime({ dataDir, ports, seedSample });
  if (stopping) {
    await runtime.stop();
    process.exit(0);
  }
  if (firstStart) await writeFile(marker, `${runtime.clock.now().toISOString()}\n`);

  const outbox = relative(process.cwd(), runtime.outboxDir) || runtime.outboxDir;
  console.log(
    [
      '',
      'Overdue is running offline.',
      `  Staff API     ${runtime.apiUrl}`,
      `  S3 (s3rver)   ${runtime.s3Endpoint}  bucket ${runtime.bucket}  (drop feeds at incoming/<bank>/<name>.csv)`,
      `  SES sink      ${runtime.sesUrl}/store`,
      `  SMS outbox    ${outbox}/`,
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
