/**
 * No module-level mutable scratch state in the runtime code: a buffer, array or variable shared by every
 * call is correct only while no caller awaits in the middle, a promise nothing checks. Per-call values or
 * per-instance state instead; module-level caches are bounded (BoundedCache) or read-only.
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** Files another change rewrites; each entry says why it is waived and is to be removed with it. */
const WAIVED: ReadonlySet<string> = new Set<string>([]);

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Top-level statements that make state every call shares. */
const SHARED_STATE = [
  /^(?:export )?(?:let|var) /,
  // A buffer or typed array made once and written by calls.
  /^(?:export )?const \w+(?:: [^=]+)? = (?:Buffer\.alloc|Buffer\.allocUnsafe|new (?:Uint8Array|ArrayBuffer|Array)\b)/,
  // An array literal to push into, unless typed read-only.
  /^(?:export )?const \w+(?:: (?!readonly )[^=]+)? = \[\]/,
  // A Map or Set that grows, unless typed read-only.
  /^(?:export )?const \w+(?:: (?!Readonly)[^=]+)? = new (?:Map|Set|WeakMap)\b/,
];

function offendingLines(path: string): string[] {
  return readFileSync(join(root, path), 'utf8')
    .split('\n')
    .flatMap((line, i) =>
      SHARED_STATE.some((rule) => rule.test(line)) ? [`${path}:${i + 1}: ${line}`] : [],
    );
}

describe('module-level state', () => {
  it('the runtime code keeps no mutable scratch state at module level', () => {
    const offenders = sources('lambdas')
      .filter((path) => !WAIVED.has(path))
      .flatMap(offendingLines);
    expect(offenders).toEqual([]);
  });

  it('the rule finds what it is meant to find (positive control)', () => {
    const rules = (line: string) => SHARED_STATE.some((rule) => rule.test(line));
    expect(rules('let nextSlot = 0;')).toBe(true);
    expect(rules('const SCRATCH = Buffer.allocUnsafe(16 * 1024);')).toBe(true);
    expect(rules('const GATHERED: string[] = [];')).toBe(true);
    expect(rules('const formatters = new Map<string, Intl.DateTimeFormat>();')).toBe(true);
    expect(rules('const FLAG_SET: ReadonlySet<string> = new Set(KNOWN_FLAGS);')).toBe(false);
    expect(rules('  let index = 0;')).toBe(false);
  });
});
