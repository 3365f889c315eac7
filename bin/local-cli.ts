/** `npm run local -- <command>`: talks to a running `npm start` through its loopback-only /_local/ endpoints. */

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

const USAGE = `usage: npm run local -- <command>
  token --user alice --group collector --bank demo-bank   print a staff API token
  advance --days N | --hours N                            move the virtual clock forward
  clock                                                   show the virtual clock
  outbox                                                  list the SMS sent so far
  executions                                              list the escalations and where they stand
  drop <file.csv> [--bank demo-bank] [--payments]         put an overdue (or payments) feed into the drop bucket`;

class CliError extends Error {}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  if (index === -1) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new CliError(`--${name} needs a value`);
  return value;
}

async function call(path: string, body?: unknown): Promise<unknown> {
  const port = process.env.OVERDUE_API_PORT || '4000';
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${port}/_local/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new CliError(
      `the offline runtime is not running on port ${port}: start it with \`npm start\` ` +
        '(or set OVERDUE_API_PORT to the port it uses).',
    );
  }
  const payload = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) throw new CliError(payload.message ?? `the runtime answered ${response.status}`);
  return payload;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'token': {
      const { token } = (await call('token', {
        user: option(args, 'user') ?? 'alice',
        group: option(args, 'group') ?? 'collector',
        bank: option(args, 'bank') ?? 'demo-bank',
      })) as { token: string };
      console.log(token);
      return;
    }
    case 'advance': {
      const days = option(args, 'days');
      const hours = option(args, 'hours');
      const minutes = option(args, 'minutes');
      if (days === undefined && hours === undefined && minutes === undefined) {
        throw new CliError('advance needs --days N or --hours N');
      }
      const body: Record<string, number> = {};
      for (const [key, value] of Object.entries({ days, hours, minutes })) {
        if (value === undefined) continue;
        const n = Number(value);
        if (!Number.isFinite(n) || n <= 0) throw new CliError(`--${key} needs a positive number`);
        body[key] = n;
      }
      printClock(await call('clock/advance', body));
      return;
    }
    case 'clock':
      printClock(await call('clock'));
      return;
    case 'outbox': {
      const messages = (await call('outbox')) as Array<{ to: string; body: string; sentAt: string }>;
      if (messages.length === 0) console.log('(no SMS sent yet)');
      for (const message of messages) console.log(`${message.sentAt}  ${message.to}\n  ${message.body}`);
      return;
    }
    case 'executions': {
      const executions = (await call('executions')) as Array<{
        name: string;
        status: string;
        waitingUntil?: string;
        waitingFor?: string;
        error?: { name: string };
      }>;
      if (executions.length === 0) console.log('(no escalations yet)');
      for (const execution of executions) {
        const detail = execution.waitingUntil
          ? `waits until ${execution.waitingUntil} for ${execution.waitingFor ?? 'its next step'}`
          : (execution.error?.name ?? '');
        console.log(`${execution.status.padEnd(9)} ${execution.name}  ${detail}`.trimEnd());
      }
      return;
    }
    case 'drop': {
      const file = args.find((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--bank');
      if (!file) throw new CliError('drop needs a CSV file');
      const csv = await readFile(file, 'utf8').catch(() => {
        throw new CliError(`cannot read ${file}`);
      });
      const bank = option(args, 'bank') ?? 'demo-bank';
      const feed = args.includes('--payments') ? 'payments' : 'incoming';
      const { key, reports } = (await call('feeds', { bank, name: basename(file), csv, feed })) as {
        key: string;
        reports: Array<Record<string, unknown>>;
      };
      console.log(`dropped s3://overdue-local-drop/${key}`);
      for (const report of reports) console.log(JSON.stringify(report, null, 2));
      return;
    }
    default:
      throw new CliError(USAGE);
  }
}

function printClock(view: unknown): void {
  const clock = view as Record<string, string>;
  console.log(`virtual clock ${clock.now}`);
  for (const [zone, time] of Object.entries(clock))
    if (zone !== 'now') console.log(`  ${zone.padEnd(17)} ${time}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof CliError ? error.message : `local: ${(error as Error)?.message ?? error}`);
  process.exit(1);
});
