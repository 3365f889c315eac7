/** The layering rules of STYLE.md, checked on the source so that a violation fails the build, not a review. */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(path: string): string[] {
  const text = readFileSync(join(root, path), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
}

describe('layering', () => {
  it('keeps aws-cdk-lib and constructs out of the runtime code', () => {
    const offenders = sources('lambdas').filter((file) =>
      importsOf(file).some(
        (spec) => spec.startsWith('aws-cdk-lib') || spec === 'constructs' || spec === 'cdk-nag',
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps the infrastructure from importing runtime modules but the pure domain (ladder rules checked at synth)', () => {
    const offenders = sources('lib').filter((file) =>
      importsOf(file).some((spec) => spec.includes('lambdas/') && !spec.includes('lambdas/domain/')),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps the domain free of I/O: no ports, adapters, SDKs or node I/O modules', () => {
    const forbidden =
      /^(@aws-sdk|@aws-lambda-powertools|node:(fs|net|http|https|child_process)|\.\.\/(ports|adapters|use-cases|handlers))/;
    const offenders = sources('lambdas/domain').flatMap((file) =>
      importsOf(file)
        .filter((spec) => forbidden.test(spec))
        .map((spec) => `${relative(root, join(root, file))} → ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('takes time from the Clock port in domain and use cases, never from Date.now() or new Date()', () => {
    const offenders = [
      ...sources('lambdas/domain'),
      ...sources('lambdas/use-cases'),
      ...sources('lambdas/feeds'),
    ].filter((file) => /Date\.now\(\)|new Date\(\)/.test(readFileSync(join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('lets use cases and feed readers depend on ports, never on adapters or handlers', () => {
    const offenders = [...sources('lambdas/use-cases'), ...sources('lambdas/feeds')].filter((file) =>
      importsOf(file).some((spec) => /\/(adapters|handlers)\//.test(spec) || spec.startsWith('@aws-sdk')),
    );
    expect(offenders).toEqual([]);
  });
});
