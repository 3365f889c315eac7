/** The processes under a given one, as `ps` shows them, and which of them still live: for tests of how things stop. */

import { spawnSync } from 'node:child_process';

export interface ProcessRow {
  readonly pid: number;
  readonly ppid: number;
  /** `ps` state: Z is a zombie, dead and waiting to be reaped. */
  readonly state: string;
  readonly command: string;
}

export function processTable(): ProcessRow[] {
  const ps = spawnSync('ps', ['-A', '-o', 'pid=,ppid=,stat=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({
      pid: Number(match[1]),
      ppid: Number(match[2]),
      state: match[3] ?? '',
      command: match[4] ?? '',
    }));
}

/** `root` and every process below it, however deep. */
export function processTree(root: number): ProcessRow[] {
  const table = processTable();
  const tree = table.filter((row) => row.pid === root);
  for (let i = 0; i < tree.length; i++) {
    const parent = tree[i]?.pid;
    tree.push(...table.filter((row) => row.ppid === parent));
  }
  return tree;
}

/** Those of `pids` that still run (zombies count as gone: they have ended). */
export function stillRunning(pids: readonly number[]): ProcessRow[] {
  return processTable().filter((row) => pids.includes(row.pid) && !row.state.startsWith('Z'));
}

/** Polls until none of `pids` runs, or `timeoutMs` has passed; returns those still running. */
export async function waitUntilGone(pids: readonly number[], timeoutMs: number): Promise<ProcessRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = stillRunning(pids);
    if (running.length === 0 || Date.now() > deadline) return running;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
