// How every function is bundled and started: read by the house construct (as NodejsFunction bundling
// props) and by `npm run bench:bundles` and the bundle tests (as esbuild options), so that what is measured
// is what is deployed. Plain values only: the bench imports this without loading aws-cdk-lib.

export const FUNCTION_BUNDLING = {
  format: 'esm',
  target: 'node22',
  platform: 'node', // what NodejsFunction always passes to esbuild
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  sourcesContent: true,
  // The Lambda Node.js runtime ships the AWS SDK v3: NodejsFunction leaves it out by default (with the
  // `sdkV3ExcludeSmithyPackages` flag, @smithy too). Written out so the bench cannot build something else.
  externalModules: ['@aws-sdk/*', '@smithy/*'],
  // ESM bundles still meet CommonJS dependencies that call require().
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
} as const;

/** The functions' NODE_OPTIONS. */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';
