/**
 * Bundle bench: every function's bundle, built with the options the house construct gives NodejsFunction
 * (lib/constructs/function-bundling.ts), by size and by cold import time, next to two references measured
 * in the same run: a bare `node -e 0`, and a minimal function (one DynamoDB document client and a
 * Powertools logger) bundled the same way. Target: every function imports within 1.5× the minimal one.
 *
 * Each import runs in a fresh Node process (this one's binary: Node 22 under npm scripts) with the
 * functions' NODE_OPTIONS and a Lambda-like environment, and is timed inside it around `await import()`:
 * wall time, which the target is about, and the process's CPU time, which a busy machine disturbs less.
 * The SDK packages the construct leaves to the Lambda runtime resolve from the project's node_modules, as
 * the runtime resolves them from its own. Rounds are interleaved (each round imports every bundle once) so
 * that a shared machine's drift touches all alike; medians of the rounds are reported.
 *
 * Usage: npm run bench:bundles [-- --runs 5] [--json] [--tracer-ablation] [--bundle-sdk] [--source-maps]
 *   --json            ends with one line: {"bareNodeMs", "floorImportMs", "functions": [{name, bytes, importMs}]}
 *   --source-maps     instead compares bundles without a map, with one, and with one and --enable-source-maps
 *                     (bytes, import time), and times 1,000 stack traces in the largest bundle with and without
 *   --tracer-ablation also builds every function with Powertools Tracer replaced by a no-op, measured in the
 *                     same rounds, to show what tracing costs at import
 *   --bundle-sdk      what if: bundles the AWS SDK into every bundle (the floor too) instead of leaving it to
 *                     the runtime
 */

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { FUNCTION_BUNDLING, FUNCTION_NODE_OPTIONS } from '../../lib/constructs/function-bundling';
import {
  deployedBuildOptions,
  handlerEntries,
  projectRoot,
  type SourceMapChoice,
} from '../support/function-bundles';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const RUNS = option('runs', 5);
const JSON_OUTPUT = args.includes('--json');
const SOURCE_MAPS = args.includes('--source-maps');
const TRACER_ABLATION = args.includes('--tracer-ablation');
const BUNDLE_SDK = args.includes('--bundle-sdk');
const EXTERNALS: readonly string[] = BUNDLE_SDK ? [] : FUNCTION_BUNDLING.externalModules;
const TARGET_RATIO = 1.5;
const STACK_TRACES = 1_000;

/** The reference: the least a function that reads DynamoDB and logs through Powertools imports. */
const FLOOR_SOURCE = `
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const logger = new Logger({ serviceName: 'floor' });
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event) => {
  logger.info('event', { keys: Object.keys(event ?? {}) });
  return documentClient.config.region;
};
`;

/** Appended to a function's module for the stack-trace probe: frames inside the bundle, as a real error has. */
const STACK_PROBE = `
function nested(depth) { return depth === 0 ? new Error('probe').stack : nested(depth - 1); }
export function stackTraces(count) {
  let characters = 0;
  for (let i = 0; i < count; i++) characters += nested(8).length;
  return characters;
}
`;

const IMPORT_TIMER = `
const cpu = process.cpuUsage();
const started = performance.now();
await import(process.argv[2]);
const wallMs = performance.now() - started;
const { user, system } = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ wallMs, cpuMs: (user + system) / 1000 }));
`;

const STACK_TIMER = `
const probe = await import(process.argv[2]);
const count = Number(process.argv[3]);
let started = performance.now();
probe.stackTraces(1);
const firstMs = performance.now() - started;
started = performance.now();
probe.stackTraces(count);
process.stdout.write(JSON.stringify({ firstMs, eachMs: (performance.now() - started) / count }));
`;

/** Powertools Tracer as a no-op, for --tracer-ablation. */
const noTracer: Plugin = {
  name: 'no-tracer',
  setup(builder) {
    builder.onResolve({ filter: /^@aws-lambda-powertools\/tracer$/ }, () => ({
      path: 'tracer',
      namespace: 'no-tracer',
    }));
    builder.onLoad({ filter: /.*/, namespace: 'no-tracer' }, () => ({
      contents: 'export class Tracer { captureAWSv3Client(client) { return client; } }',
      loader: 'js',
    }));
  },
};

type Entry = { path: string } | { source: string };

interface Bundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly mapBytes: number;
}

interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

const workDir = mkdtempSync(join(tmpdir(), 'overdue-bundles-'));
// Externals (the SDK) resolve from here, as the Lambda runtime resolves them from its own node_modules.
symlinkSync(join(projectRoot, 'node_modules'), join(workDir, 'node_modules'), 'dir');
const importTimer = join(workDir, 'import-timer.mjs');
const stackTimer = join(workDir, 'stack-timer.mjs');
writeFileSync(importTimer, IMPORT_TIMER);
writeFileSync(stackTimer, STACK_TIMER);

async function bundle(
  name: string,
  entry: Entry,
  maps: SourceMapChoice = FUNCTION_BUNDLING,
  plugins: Plugin[] = [],
): Promise<Bundle> {
  const dir = join(workDir, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'index.mjs');
  await build({
    ...deployedBuildOptions(maps),
    ...('path' in entry
      ? { entryPoints: [entry.path] }
      : {
          stdin: { contents: entry.source, resolveDir: projectRoot, sourcefile: `${name}.ts`, loader: 'ts' },
        }),
    outfile: file,
    external: [...EXTERNALS],
    plugins,
  });
  const mapBytes = maps.sourceMap ? statSync(`${file}.map`).size : 0;
  return { name, file, bytes: statSync(file).size, mapBytes };
}

/** What a function's process sees: its NODE_OPTIONS, and what Powertools reads to know it runs in Lambda. */
function lambdaEnvironment(nodeOptions: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_OPTIONS: nodeOptions,
    AWS_REGION: 'ap-east-1',
    // Tracer switches itself on (and patches http/https at construction) only in a Lambda runtime.
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    POWERTOOLS_SERVICE_NAME: 'overdue-bench',
  };
}

function run(argv: string[], env: NodeJS.ProcessEnv): string {
  const child = spawnSync(process.execPath, argv, { env, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`node ${argv.join(' ')} failed:\n${child.stderr}`);
  return child.stdout;
}

function timeImport(bundled: Bundle, nodeOptions: string): Timing {
  return JSON.parse(run([importTimer, pathToFileURL(bundled.file).href], lambdaEnvironment(nodeOptions)));
}

/** The whole process, timed from here: there is nothing to import. */
function timeBareNode(nodeOptions: string): Timing {
  const started = performance.now();
  run(['-e', '0'], lambdaEnvironment(nodeOptions));
  return { wallMs: performance.now() - started, cpuMs: Number.NaN };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Runs every measurement once per round, in the same order each round, and keeps each one's medians. */
function interleaved(measurements: Array<() => Timing>): Timing[] {
  const samples = measurements.map(() => [] as Timing[]);
  for (let round = 0; round < RUNS; round++) {
    measurements.forEach((measure, i) => {
      samples[i]?.push(measure());
    });
  }
  return samples.map((timings) => ({
    wallMs: median(timings.map((timing) => timing.wallMs)),
    cpuMs: median(timings.map((timing) => timing.cpuMs)),
  }));
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => (Number.isNaN(value) ? '' : `${value.toFixed(0)} ms`);
const times = (value: number) => `${value.toFixed(2)}×`;

async function coldImports(): Promise<void> {
  const floor = await bundle('minimal-function', { source: FLOOR_SOURCE });
  const functions: Bundle[] = [];
  const untraced: Bundle[] = [];
  for (const entry of handlerEntries()) {
    functions.push(await bundle(entry.name, entry));
    if (TRACER_ABLATION)
      untraced.push(await bundle(`${entry.name}-no-tracer`, entry, FUNCTION_BUNDLING, [noTracer]));
  }
  const measured = (bundled: Bundle) => () => timeImport(bundled, FUNCTION_NODE_OPTIONS);
  const [bare, floorTiming, ...timings] = interleaved([
    () => timeBareNode(FUNCTION_NODE_OPTIONS),
    measured(floor),
    ...functions.map(measured),
    ...untraced.map(measured),
  ]);
  if (!bare || !floorTiming) throw new Error('no references measured');
  const unknown: Timing = { wallMs: Number.NaN, cpuMs: Number.NaN };
  const untracedTimings = timings.slice(functions.length);

  console.log(
    `cold import, median of ${RUNS} interleaved runs, each in a fresh Node ${process.version} process` +
      ` (NODE_OPTIONS=${FUNCTION_NODE_OPTIONS || '(none)'}; left to the runtime: ${EXTERNALS.join(', ') || 'nothing'})`,
  );
  const cells = (bytes: string, timing: Timing) =>
    `${bytes.padStart(10)}${ms(timing.wallMs).padStart(9)}${ms(timing.cpuMs).padStart(8)}` +
    `${times(timing.wallMs / floorTiming.wallMs).padStart(8)}${times(timing.cpuMs / floorTiming.cpuMs).padStart(8)}`;
  const heading = `${'bytes'.padStart(10)}${'import'.padStart(9)}${'cpu'.padStart(8)}${'× floor'.padStart(8)}${'cpu ×'.padStart(8)}`;
  console.log(
    `  ${'bundle'.padEnd(20)}${heading}${TRACER_ABLATION ? `        | without Tracer:${heading}` : ''}`,
  );
  console.log(
    `  ${'bare node -e 0'.padEnd(20)}${''.padStart(10)}${ms(bare.wallMs).padStart(9)}   (the whole process)`,
  );
  console.log(`  ${'minimal function'.padEnd(20)}${cells(kb(floor.bytes), floorTiming)}`);
  let over = 0;
  functions.forEach((bundled, i) => {
    const timing = timings[i] ?? unknown;
    const pass = timing.wallMs <= TARGET_RATIO * floorTiming.wallMs;
    if (!pass) over++;
    const withoutTracer = untraced[i];
    const ablation = withoutTracer
      ? `  | ${''.padStart(14)}${cells(kb(withoutTracer.bytes), untracedTimings[i] ?? unknown)}`
      : '';
    console.log(
      `  ${bundled.name.padEnd(20)}${cells(kb(bundled.bytes), timing)}  ${pass ? 'PASS' : 'FAIL'}${ablation}`,
    );
  });
  console.log(`  target: every function's import ≤ ${TARGET_RATIO}× the minimal function's; ${over} over it`);
  if (JSON_OUTPUT) {
    console.log(
      JSON.stringify({
        bareNodeMs: Number(bare.wallMs.toFixed(1)),
        floorImportMs: Number(floorTiming.wallMs.toFixed(1)),
        functions: functions.map((bundled, i) => ({
          name: bundled.name,
          bytes: bundled.bytes,
          importMs: Number((timings[i]?.wallMs ?? Number.NaN).toFixed(1)),
        })),
      }),
    );
  }
}

const MAP_CHOICES = {
  'no map': { sourceMap: false, sourcesContent: false },
  'map with sources': { sourceMap: true, sourcesContent: true },
  'map, no sources': { sourceMap: true, sourcesContent: false },
} as const satisfies Record<string, SourceMapChoice>;
type MapChoice = keyof typeof MAP_CHOICES;

/** The source map variants compared: what is shipped, and whether Node is told to read it. */
const MAP_VARIANTS: ReadonlyArray<{ label: string; maps: MapChoice; nodeOptions: string }> = [
  { label: 'no map', maps: 'no map', nodeOptions: '' },
  { label: 'map + flag', maps: 'map with sources', nodeOptions: '--enable-source-maps' },
  { label: 'no-src map + flag', maps: 'map, no sources', nodeOptions: '--enable-source-maps' },
  { label: 'no-src map, no flag', maps: 'map, no sources', nodeOptions: '' },
];

async function sourceMapStudy(): Promise<void> {
  const subjects: Array<{ name: string; entry: Entry }> = [
    { name: 'minimal-function', entry: { source: FLOOR_SOURCE } },
    ...handlerEntries().map((entry) => ({ name: entry.name, entry })),
  ];
  const built = new Map<string, Bundle>();
  for (const subject of subjects) {
    for (const [choice, maps] of Object.entries(MAP_CHOICES)) {
      const name = `${subject.name}-${choice.replace(/\W+/g, '-')}`;
      built.set(`${subject.name}/${choice}`, await bundle(name, subject.entry, maps));
    }
  }
  const bundleOf = (subject: string, choice: MapChoice) => {
    const found = built.get(`${subject}/${choice}`);
    if (!found) throw new Error(`no ${choice} bundle of ${subject}`);
    return found;
  };
  const cells = subjects.flatMap((subject) =>
    MAP_VARIANTS.map((variant) => ({ subject: subject.name, variant })),
  );
  const timings = interleaved(
    cells.map(
      ({ subject, variant }) =>
        () =>
          timeImport(bundleOf(subject, variant.maps), variant.nodeOptions),
    ),
  );

  console.log(
    `source maps: cold import, wall / cpu, median of ${RUNS} interleaved runs (Node ${process.version}); flag = --enable-source-maps`,
  );
  console.log(
    `  ${'bundle'.padEnd(18)}${'code'.padStart(10)}${'map'.padStart(10)}${'no-src map'.padStart(11)}${MAP_VARIANTS.map((v) => v.label.padStart(20)).join('')}`,
  );
  for (const subject of subjects) {
    const row = cells.flatMap((cell, i) => (cell.subject === subject.name ? [timings[i]] : []));
    console.log(
      `  ${subject.name.padEnd(18)}${kb(bundleOf(subject.name, 'no map').bytes).padStart(10)}` +
        `${kb(bundleOf(subject.name, 'map with sources').mapBytes).padStart(10)}` +
        `${kb(bundleOf(subject.name, 'map, no sources').mapBytes).padStart(11)}` +
        row
          .map((timing) =>
            `${ms(timing?.wallMs ?? Number.NaN)} / ${ms(timing?.cpuMs ?? Number.NaN)}`.padStart(20),
          )
          .join(''),
    );
  }

  // Stack traces in the function with the largest map, a probe appended so that every frame maps through it.
  const largest = [...subjects]
    .filter((subject) => subject.name !== 'minimal-function')
    .sort(
      (a, b) => bundleOf(b.name, 'map with sources').mapBytes - bundleOf(a.name, 'map with sources').mapBytes,
    )[0];
  if (!largest || !('path' in largest.entry)) return;
  const probeSource = { source: `export * from ${JSON.stringify(largest.entry.path)};\n${STACK_PROBE}` };
  console.log(
    `stack traces in ${largest.name}: ${STACK_TRACES.toLocaleString('en')} × new Error().stack, 10 frames in the bundle, median of ${RUNS} processes`,
  );
  for (const variant of MAP_VARIANTS.filter((candidate) => candidate.maps !== 'no map')) {
    const probe = await bundle(
      `${largest.name}-probe-${variant.label.replace(/\W+/g, '-')}`,
      probeSource,
      MAP_CHOICES[variant.maps],
    );
    const samples = Array.from(
      { length: RUNS },
      () =>
        JSON.parse(
          run(
            [stackTimer, pathToFileURL(probe.file).href, String(STACK_TRACES)],
            lambdaEnvironment(variant.nodeOptions),
          ),
        ) as { firstMs: number; eachMs: number },
    );
    const firstMs = median(samples.map((sample) => sample.firstMs));
    const eachMs = median(samples.map((sample) => sample.eachMs));
    console.log(
      `  ${variant.label.padEnd(18)} (${kb(probe.mapBytes)} map) first ${firstMs.toFixed(1)} ms, then ${(eachMs * 1000).toFixed(1)} µs each: ${(eachMs * STACK_TRACES).toFixed(0)} ms for ${STACK_TRACES.toLocaleString('en')}`,
    );
  }
}

try {
  if (SOURCE_MAPS) await sourceMapStudy();
  else await coldImports();
} finally {
  // The link first, on its own: the project's node_modules must never be what gets removed.
  unlinkSync(join(workDir, 'node_modules'));
  rmSync(workDir, { recursive: true, force: true });
}
