/** Builds the functions' bundles as the house construct does, for `npm run bench:bundles` and the bundle tests. */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { FUNCTION_BUNDLING } from '../../lib/constructs/function-bundling';

export const projectRoot = join(import.meta.dirname, '..', '..');

export interface HandlerEntry {
  /** The module's file name without `.ts`, e.g. `api-get-case`. */
  readonly name: string;
  readonly path: string;
}

/** The Lambda entry points: modules under lambdas/handlers/ that export `handler` (http.ts does not). */
export function handlerEntries(): HandlerEntry[] {
  const dir = join(projectRoot, 'lambdas', 'handlers');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .map((file) => ({ name: file.slice(0, -'.ts'.length), path: join(dir, file) }))
    .filter((entry) => /^export const handler\b/m.test(readFileSync(entry.path, 'utf8')));
}

export interface SourceMapChoice {
  readonly sourceMap: boolean;
  readonly sourcesContent: boolean;
}

/**
 * The esbuild options of the command NodejsFunction runs for FUNCTION_BUNDLING (entry and output apart);
 * the bench passes other source map choices to compare them.
 */
export function deployedBuildOptions(maps: SourceMapChoice = FUNCTION_BUNDLING): BuildOptions {
  return {
    bundle: true,
    platform: FUNCTION_BUNDLING.platform,
    format: FUNCTION_BUNDLING.format,
    target: FUNCTION_BUNDLING.target,
    mainFields: [...FUNCTION_BUNDLING.mainFields],
    minify: FUNCTION_BUNDLING.minify,
    // NodejsFunction's `sourceMap: true` is esbuild's `--sourcemap`: a linked .map file.
    sourcemap: maps.sourceMap,
    sourcesContent: maps.sourcesContent,
    external: [...FUNCTION_BUNDLING.externalModules],
    banner: { js: FUNCTION_BUNDLING.banner },
    logLevel: 'warning',
  };
}

/**
 * The AWS SDK v3 packages a bundle uses: imported as externals (left to the Lambda runtime) or, when the
 * SDK is bundled, read from node_modules.
 */
export function sdkPackagesIn(metafile: Metafile): string[] {
  const packages = new Set<string>();
  for (const [path, input] of Object.entries(metafile.inputs)) {
    // Clients and their libraries: what a handler chooses to call (the SDK's own core comes with any of them).
    const bundled = /node_modules\/(@aws-sdk\/(?:client|lib)-[^/]+)\//.exec(path);
    if (bundled?.[1]) packages.add(bundled[1]);
    for (const imported of input.imports) {
      const external = imported.external ? /^(@aws-sdk\/(?:client|lib)-[^/]+)/.exec(imported.path) : null;
      if (external?.[1]) packages.add(external[1]);
    }
  }
  return [...packages].sort();
}

/**
 * The metafile of a handler's bundle built with the deployed options (no map, nothing written), with
 * `extraSource` appended to the module when given (a test's positive control); `minify: false` builds the same
 * modules in a third of the time, where only which modules come in matters.
 */
export async function bundleMetafile(
  entryPoint: string,
  { extraSource = '', minify = FUNCTION_BUNDLING.minify }: { extraSource?: string; minify?: boolean } = {},
): Promise<Metafile> {
  const result = await build({
    ...deployedBuildOptions({ sourceMap: false, sourcesContent: false }),
    minify,
    ...(extraSource
      ? {
          stdin: {
            contents: `export * from ${JSON.stringify(entryPoint)};\n${extraSource}`,
            loader: 'ts' as const,
            resolveDir: projectRoot,
          },
        }
      : { entryPoints: [entryPoint] }),
    absWorkingDir: projectRoot,
    outfile: 'index.mjs',
    write: false,
    metafile: true,
  });
  return result.metafile;
}
