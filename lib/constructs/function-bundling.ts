// How every function is bundled and started: read by the house construct (as NodejsFunction bundling
// props) and by `npm run bench:bundles` and the bundle tests (as esbuild options), so that what is measured
// is what is deployed. Plain values only: the bench imports this without loading aws-cdk-lib.

export const FUNCTION_BUNDLING = {
  format: 'esm',
  target: 'node22',
  platform: 'node', // what NodejsFunction always passes to esbuild
  mainFields: ['module', 'main'],
  minify: true,
  // Maps ship with the code but Node does not read them (no --enable-source-maps): a logged minified
  // position is decoded offline with the map from the function's package (node:module's SourceMap).
  // `npm run bench:bundles -- --source-maps` on ingest-feed (2-core machine under load, 2026-11-29):
  // - with --enable-source-maps the first stack trace a container formats took 210-260 ms (Node parses the
  //   map), each later one ~300 µs against ~60 µs without (10 frames in the bundle). X-Ray's SDK
  //   instrumentation reads the stack of every failed AWS call, and conditional-check failures are how
  //   the case store tells unchanged and stale feed rows: a re-dropped feed would pay that per row.
  // - import time: no difference above this machine's noise, with or without a map, with or without the flag.
  // - without the sources inside, a map is under a third of the size (ingest-feed 2.35 -> 0.74 MB) and still
  //   maps a position to file, line and column; the source text is in git.
  sourceMap: true,
  sourcesContent: false,
  // The AWS SDK is bundled, not taken from the Lambda runtime (NodejsFunction's default leaves @aws-sdk/* and
  // @smithy/* out): the version that runs is the one the tests ran (lib-storage and the document client
  // included, which the runtime does not promise), and a bundled client imports in about half the time of
  // the runtime's copy (npm run bench:bundles -- --bundle-sdk, 2026-11-29: the minimal function 157 ms CPU
  // against 265 ms; the functions 190-274 ms against 315-638 ms). Bundles grow to 0.4-1.3 MB.
  externalModules: [],
  // ESM bundles still meet CommonJS dependencies that call require().
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
} as const;

/** The functions' NODE_OPTIONS, none: see sourceMap above for why not --enable-source-maps. */
export const FUNCTION_NODE_OPTIONS: string = '';
