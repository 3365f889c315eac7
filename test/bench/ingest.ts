/**
 * Ingest benchmark: the real intake use case (parse → validate → seal → marshal) against counting sinks,
 * compared in the same run with csv-parse alone on the same file, so the ratio means the same on any machine.
 * The two are measured in alternating rounds and each round's pair gives a ratio: a shared machine's speed
 * drifts by a fifth from one minute to the next, and a pair measured back to back drifts together.
 * Usage: npm run bench:ingest [-- --rows 100000] [--rounds 9] [--memory-rows 1000000] [--ablation]
 * With --ablation it instead says where a row's time goes: the pipeline with the seal, the blind index or
 * both replaced by constants, the four variants in alternating rounds.
 */

import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { feedWrite } from '../../lambdas/adapters/aws/dynamo-case-store';
import { bankDirectoryFromConfig } from '../../lambdas/adapters/bank-directory-from-config';
import { EnvelopePiiVault } from '../../lambdas/adapters/envelope-pii-vault';
import { HmacBlindIndex } from '../../lambdas/adapters/hmac-blind-index';
import { LocalDataKeyProvider } from '../../lambdas/adapters/local/local-data-key-provider';
import { LocalIndexKeySource } from '../../lambdas/adapters/local/local-index-key-source';
import type { BlindIndex } from '../../lambdas/ports/blind-index';
import type { CaseStore } from '../../lambdas/ports/case-store';
import type { PiiVault } from '../../lambdas/ports/pii-vault';
import { ingestFeed } from '../../lambdas/use-cases/ingest-feed';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const ROWS = option('rows', 100_000);
const MEMORY_ROWS = option('memory-rows', 1_000_000);
const ROUNDS = option('rounds', 9);
const ABLATION = args.includes('--ablation');

const HEADER =
  'account_id,as_of,customer_name,mobile,email,card_last4,currency,overdue_principal,overdue_interest,overdue_fees,due_date,days_past_due,timezone,language,flags';

/** Synthetic rows only: names and numbers are generated, never real people. */
function row(i: number): string {
  const dpd = 1 + (i % 180);
  const due = new Date(Date.UTC(2026, 10, 20) - dpd * 86_400_000).toISOString().slice(0, 10);
  const mobile = `139${String(i).padStart(8, '0')}`;
  return [
    `BENCH-${String(i).padStart(8, '0')}`,
    '2026-11-20',
    `测试用户${i % 1000}`,
    mobile,
    `debtor${i}@example.test`,
    String(1000 + (i % 9000)),
    'CNY',
    `${(i % 50_000) + 100}.${String(i % 100).padStart(2, '0')}`,
    '12.34',
    '0',
    due,
    String(dpd),
    'Asia/Shanghai',
    'zh-CN',
    i % 97 === 0 ? 'hardship' : '',
  ].join(',');
}

async function writeFeed(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${HEADER}\n`);
  for (let i = 0; i < rows; i++) {
    if (!out.write(`${row(i)}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
}

async function parseOnly(path: string): Promise<number> {
  let count = 0;
  for await (const _ of createReadStream(path).pipe(parse({ columns: true, bom: true }))) count++;
  return count;
}

interface Sinks {
  writeRequests: number;
  escalations: number;
  kms: LocalDataKeyProvider;
}

/** Stand-ins for the ablation: constant results, no cryptography. */
const CONSTANT_SEAL = {
  wrappedKey: 'v1.constant',
  fields: ['name', 'mobile', 'email'],
  ciphertext: 'c'.repeat(160),
};
const constantVault: PiiVault = {
  seal: async () => CONSTANT_SEAL,
  sealAll: async (_bankId, requests) => requests.map(() => CONSTANT_SEAL),
  open: async () => '',
};
const constantIndex: BlindIndex = {
  compute: async () => 'i'.repeat(43),
  forBank: async () => () => 'i'.repeat(43),
};

async function pipeline(
  path: string,
  without: { seal?: boolean; index?: boolean } = {},
): Promise<{ rows: number; sinks: Sinks }> {
  const kms = new LocalDataKeyProvider(Buffer.alloc(32, 1));
  const sinks: Sinks = { writeRequests: 0, escalations: 0, kms };
  // Builds every write as the DynamoDB adapter hands it to the SDK, and counts it. What the SDK then does with
  // it (marshalling, serialising, signing, sending) is not intake's code: bench:cloud measures it per request.
  const cases: Pick<CaseStore, 'upsertFromFeed'> = {
    upsertFromFeed: async (collectionCase) => {
      feedWrite('bench-cases', collectionCase);
      sinks.writeRequests++;
      return { outcome: 'created' };
    },
  };
  const report = await ingestFeed(
    {
      storage: {
        open: async () => createReadStream(path),
        put: async () => {},
        putStream: async (_key, body) => {
          for await (const _ of body) {
            // Drained, as an upload would.
          }
        },
        readText: async () => undefined,
      },
      cases,
      vault: without.seal ? constantVault : new EnvelopePiiVault(kms),
      blindIndex: without.index
        ? constantIndex
        : new HmacBlindIndex(new LocalIndexKeySource(Buffer.alloc(32, 2))),
      escalationQueue: {
        enqueue: async (requests) => {
          sinks.escalations += requests.length;
        },
      },
      stopwatch: { readMs: () => performance.now() },
      banks: bankDirectoryFromConfig(
        JSON.stringify([
          {
            bankId: 'bench-bank',
            displayName: 'Bench Bank',
            policyPack: 'cn',
            defaults: { currency: 'CNY', timeZone: 'Asia/Shanghai', language: 'zh-CN' },
          },
        ]),
      ),
      clock: { now: () => new Date() },
    },
    { key: 'incoming/bench-bank/bench.csv' },
  );
  if (report.rejected > 0) throw new Error(`benchmark rows rejected: ${report.rejected}`);
  return { rows: report.read, sinks };
}

/**
 * Wall time, and the process's CPU time: on a shared virtual machine the wall clock also counts the time
 * the host gives to others (steal), which CPU time leaves out, so the CPU ratio moves less between runs.
 */
async function timed<T>(run: () => Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const value = await run();
  const used = process.cpuUsage(cpu);
  return {
    value,
    seconds: Number(process.hrtime.bigint() - start) / 1e9,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

/** Microseconds a row for the pipeline and for it without each cryptographic part, alternating. */
async function ablation(feed: string): Promise<void> {
  const variants = [
    ['full pipeline', {}],
    ['seal constant', { seal: true }],
    ['blind index constant', { index: true }],
    ['both constant', { seal: true, index: true }],
  ] as const;
  const micros = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (const [, without] of variants) await pipeline(feed, without);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, without] of variants) {
      const run = await timed(() => pipeline(feed, without));
      micros.get(name)?.push((run.seconds * 1e6) / run.value.rows);
    }
  }
  console.log(`ablation: ${ROWS.toLocaleString('en')} rows, ${ROUNDS} alternating rounds, µs a row (median)`);
  const full = median(micros.get('full pipeline') ?? []);
  for (const [name] of variants) {
    const value = median(micros.get(name) ?? []);
    const saved = name === 'full pipeline' ? '' : `   (the part replaced: ${(full - value).toFixed(1)} µs)`;
    console.log(`  ${name.padEnd(22)} ${value.toFixed(1)}${saved}`);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'overdue-bench-'));
  try {
    const feed = join(dir, 'feed.csv');
    await writeFeed(feed, ROWS);
    const mib = statSync(feed).size / 2 ** 20;
    if (ABLATION) {
      await ablation(feed);
      return;
    }
    // One untimed round of each on the same file, so that both are measured with the JIT settled (a
    // 20,000-row warm-up left csv-parse's first timed round a third slower than the rest).
    await parseOnly(feed);
    await pipeline(feed);

    const parseRates: number[] = [];
    const pipeRates: number[] = [];
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    let last: { rows: number; sinks: Sinks } | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      const parsed = await timed(() => parseOnly(feed));
      const piped = await timed(() => pipeline(feed));
      parseRates.push(parsed.value / parsed.seconds);
      pipeRates.push(piped.value.rows / piped.seconds);
      ratios.push(piped.value.rows / piped.seconds / (parsed.value / parsed.seconds));
      cpuRatios.push(piped.value.rows / piped.cpuSeconds / (parsed.value / parsed.cpuSeconds));
      last = piped.value;
    }
    if (!last) throw new Error('--rounds must be at least 1');
    const { sinks } = last;
    const rate = (rates: number[]) =>
      `${Math.round(median(rates)).toLocaleString('en')} rows/s (rounds: ${rates.map((r) => Math.round(r / 1000)).join(', ')} k)`;
    console.log(
      `ingest benchmark: ${ROWS.toLocaleString('en')} rows, ${mib.toFixed(1)} MiB, one process, ${ROUNDS} alternating rounds (medians)`,
    );
    console.log(`  csv-parse alone (columns: true)   ${rate(parseRates)}`);
    console.log(`  full pipeline (parse→validate→seal→marshal)  ${rate(pipeRates)}`);
    console.log(
      `  ratio pipeline / parse-only       ${median(ratios).toFixed(2)}x wall (floor 0.45x; rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')})`,
    );
    console.log(
      `                                    ${median(cpuRatios).toFixed(2)}x CPU time (rounds: ${cpuRatios.map((r) => r.toFixed(2)).join(', ')})`,
    );
    console.log(
      `  KMS calls                          ${sinks.kms.calls} (${((sinks.kms.calls / last.rows) * 10_000).toFixed(2)} per 10,000 rows; target ≤ 1)`,
    );
    console.log(
      `  write requests per 1,000 rows      ${((sinks.writeRequests / last.rows) * 1000).toFixed(0)}`,
    );
    console.log(
      `  peak RSS                           ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
    );

    if (MEMORY_ROWS > 0) {
      const big = join(dir, 'big.csv');
      await writeFeed(big, MEMORY_ROWS);
      const before = process.resourceUsage().maxRSS;
      const run = await timed(() => pipeline(big));
      console.log(
        `memory: ${MEMORY_ROWS.toLocaleString('en')} rows (${(statSync(big).size / 2 ** 20).toFixed(0)} MiB) in ${run.seconds.toFixed(1)} s, ` +
          `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (before: ${(before / 1024).toFixed(0)} MiB; target < 256 MiB)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
