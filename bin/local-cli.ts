/** `npm run local -- <command>`: talks to a running `npm start` through its loopback-only /_local/ endpoints. */

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { basename } from 'node:path';
import { describeDrop, EXIT } from './offline/drop-summary';
import type { FeedDrop } from './offline/feed-drop';

const USAGE = `usage: npm run local -- <command>
  token --user alice --group collector --bank demo-bank   print a staff API token
  advance --days N | --hours N                            move the virtual clock forward
  clock                                                   show the virtual clock
  outbox                                                  list the SMS sent so far
  mail [--show N]                                         list the email in the SES sink (address masked);
                                                          --show N prints the Nth in full text
  executions                                              list the escalations and where they stand
  drop <file> [--bank demo-bank] [--payments]             upload a feed's bytes to incoming/<bank>/<file name>
                                                          (payments/… with --payments) and print its report;
                                                          .csv, .csv.gz, .jsonl or .jsonl.gz
exit codes: 0 done · 1 drop: the file was quarantined · 2 usage · 3 the runtime is not running or failed`;

/** A failure with the exit code it ends the command with. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.runtime,
  ) {
    super(message);
  }
}

const usageError = (message: string) => new CliError(message, EXIT.usage);

const PORT = process.env.OVERDUE_API_PORT || '4000';

function notRunning(): CliError {
  return new CliError(
    `the offline runtime is not running on port ${PORT}: start it with \`npm start\` ` +
      '(or set OVERDUE_API_PORT to the port it uses).',
  );
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  if (index === -1) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw usageError(`--${name} needs a value`);
  return value;
}

/** The runtime's answer to a refused request: a wrong request is the user's (2), anything else the runtime's (3). */
function answerError(status: number, payload: { message?: string }): CliError {
  const message = payload.message ?? `the runtime answered ${status}`;
  return status >= 400 && status < 500 ? usageError(message) : new CliError(message);
}

async function call(path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${PORT}/_local/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw notRunning();
  }
  const payload = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) throw answerError(response.status, payload);
  return payload;
}

/**
 * Streams a file's bytes to PUT /_local/feeds/… . With `Expect: 100-continue` the runtime checks the name
 * before any byte is sent, so a refused file is not uploaded for nothing.
 */
function upload(path: string, file: string, size: number): Promise<{ status: number; payload: unknown }> {
  return new Promise((resolve, reject) => {
    const put = httpRequest({
      host: '127.0.0.1',
      port: Number(PORT),
      method: 'PUT',
      path,
      headers: { 'content-type': 'application/octet-stream', 'content-length': size, expect: '100-continue' },
    });
    put.on('continue', () => {
      const bytes = createReadStream(file);
      bytes.on('error', (error) => put.destroy(error));
      bytes.pipe(put);
    });
    put.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        let payload: unknown = {};
        try {
          payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          // Not JSON: the status says enough.
        }
        // A refusal before 100-continue leaves the request unsent: close it rather than send the file.
        put.destroy();
        resolve({ status: response.statusCode ?? 0, payload });
      });
    });
    put.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ECONNREFUSED'
          ? notRunning()
          : error.code === 'ECONNRESET'
            ? new CliError(
                'the offline runtime stopped before the feed finished loading: the next npm start loads it again from its last checkpoint',
              )
            : new CliError(`upload failed: ${error.message}`),
      ),
    );
  });
}

async function drop(args: string[]): Promise<number> {
  const bank = option(args, 'bank') ?? 'demo-bank';
  const feed = args.includes('--payments') ? 'payments' : 'incoming';
  const unknown = args.filter((arg) => arg.startsWith('--') && !['--bank', '--payments'].includes(arg));
  if (unknown.length > 0) throw usageError(`drop does not know ${unknown.join(', ')}\n${USAGE}`);
  const files = args.filter((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--bank');
  if (files.length !== 1) throw usageError(`drop needs one feed file\n${USAGE}`);
  const file = files[0] as string;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile())
    throw usageError(
      `cannot read ${file}: ${info?.isDirectory() ? 'a directory, not a file' : 'no such file'}`,
    );
  const path = `/_local/feeds/${feed}/${encodeURIComponent(bank)}/${encodeURIComponent(basename(file))}`;
  const started = performance.now();
  const { status, payload } = await upload(path, file, info.size);
  const wallMs = performance.now() - started;
  if (status !== 200) throw answerError(status, payload as { message?: string });
  const { lines, exitCode } = describeDrop(payload as FeedDrop, wallMs);
  console.log(lines.join('\n'));
  return exitCode;
}

interface ExecutionView {
  name: string;
  status: string;
  lastState?: string;
  waitingUntil?: string;
  waitingFor?: string;
  workItem?: string;
  error?: { name: string };
}

/** What an escalation is doing, in words: its wait, how a finished run ended, why one failed. */
function whereItStands(execution: ExecutionView): string {
  if (execution.waitingUntil) {
    const step = execution.waitingFor ?? 'its next step';
    return execution.workItem
      ? `${step}: work item open for a person until ${execution.waitingUntil} (then its default path)`
      : `waits until ${execution.waitingUntil} for ${step}`;
  }
  if (execution.status === 'SUCCEEDED') {
    const ended: Record<string, string> = {
      Finished: 'ended: ladder complete or case closed',
      Paused: 'paused: a cease flag or hold (the case view says which); resumes as the next run when lifted',
      Parked: 'parked: a fault outlasted the retries; the next feed row restarts it',
    };
    return ended[execution.lastState ?? ''] ?? `ended in ${execution.lastState ?? 'an unknown state'}`;
  }
  if (execution.status === 'ABORTED')
    return 'stopped: the case was cured or closed, or a newer run took over';
  return execution.error?.name ?? '';
}

/** The options each command without a function of its own takes: anything else is a usage error. */
const OPTIONS: Readonly<Record<string, readonly string[]>> = {
  token: ['--user', '--group', '--bank'],
  advance: ['--days', '--hours', '--minutes'],
  clock: [],
  outbox: [],
  executions: [],
};

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const known = command !== undefined && Object.hasOwn(OPTIONS, command) ? OPTIONS[command] : undefined;
  if (known) {
    // Values follow their option; a stray word or option is refused rather than silently ignored.
    const stray = args.filter((arg, i) => !known.includes(arg) && !known.includes(args[i - 1] ?? ''));
    if (stray.length > 0) throw usageError(`${command} does not take ${stray.join(', ')}\n${USAGE}`);
  }
  switch (command) {
    case 'token': {
      const { token } = (await call('token', {
        user: option(args, 'user') ?? 'alice',
        group: option(args, 'group') ?? 'collector',
        bank: option(args, 'bank') ?? 'demo-bank',
      })) as { token: string };
      console.log(token);
      return EXIT.ok;
    }
    case 'advance': {
      const days = option(args, 'days');
      const hours = option(args, 'hours');
      const minutes = option(args, 'minutes');
      if (days === undefined && hours === undefined && minutes === undefined) {
        throw usageError('advance needs --days N or --hours N');
      }
      const body: Record<string, number> = {};
      for (const [key, value] of Object.entries({ days, hours, minutes })) {
        if (value === undefined) continue;
        const n = Number(value);
        if (!Number.isFinite(n) || n <= 0) throw usageError(`--${key} needs a positive number`);
        body[key] = n;
      }
      printClock(await call('clock/advance', body));
      return EXIT.ok;
    }
    case 'clock':
      printClock(await call('clock'));
      return EXIT.ok;
    case 'outbox': {
      const messages = (await call('outbox')) as Array<{ to: string; body: string; sentAt: string }>;
      if (messages.length === 0) console.log('(no SMS sent yet)');
      for (const message of messages) console.log(`${message.sentAt}  ${message.to}\n  ${message.body}`);
      return EXIT.ok;
    }
    case 'mail':
      return mail(args);
    case 'executions': {
      const executions = (await call('executions')) as ExecutionView[];
      if (executions.length === 0) console.log('(no escalations yet)');
      for (const execution of executions)
        console.log(`${execution.status.padEnd(9)} ${execution.name}  ${whereItStands(execution)}`.trimEnd());
      return EXIT.ok;
    }
    case 'drop':
      return drop(args);
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return EXIT.ok;
    default:
      throw usageError(USAGE);
  }
}

interface MailView {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly sentAt: string;
  readonly contactId?: string;
}

async function mail(args: string[]): Promise<number> {
  const unknown = args.filter((arg) => arg.startsWith('--') && arg !== '--show');
  if (unknown.length > 0) throw usageError(`mail does not know ${unknown.join(', ')}\n${USAGE}`);
  const show = option(args, 'show');
  const messages = (await call('mail')) as MailView[];
  if (show === undefined) {
    if (messages.length === 0) console.log('(no email sent yet)');
    messages.forEach((message, index) => {
      console.log(
        `${String(index + 1).padStart(3)}  ${message.sentAt}  ${message.to}  ${message.contactId ?? '(no contact id)'}\n     ${message.subject}`,
      );
    });
    return EXIT.ok;
  }
  const n = Number(show);
  if (!Number.isInteger(n) || n < 1) throw usageError('--show needs a message number from `mail`');
  const message = messages[n - 1];
  if (!message) throw usageError(`there is no message ${n}: the sink holds ${messages.length}`);
  console.log(
    [
      `To:         ${message.to}`,
      `Subject:    ${message.subject}`,
      `Sent:       ${message.sentAt}`,
      `Contact id: ${message.contactId ?? '(not sent by this runtime)'}`,
      '',
      message.text,
    ].join('\n'),
  );
  return EXIT.ok;
}

function printClock(view: unknown): void {
  const clock = view as Record<string, string>;
  console.log(`virtual clock ${clock.now}`);
  for (const [zone, time] of Object.entries(clock))
    if (zone !== 'now') console.log(`  ${zone.padEnd(17)} ${time}`);
}

main(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    console.error(error instanceof CliError ? error.message : `local: ${(error as Error)?.message ?? error}`);
    process.exitCode = error instanceof CliError ? error.exitCode : EXIT.runtime;
  },
);
