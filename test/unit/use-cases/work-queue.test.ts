/** The write queue: bounded concurrency, bounded backlog, and nothing started or lost around a failure. */

import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../../../lambdas/use-cases/work-queue';

/** Work whose items finish only when released, recording what ran and how much ran at once. */
function controlledWork() {
  const started: number[] = [];
  const finished: number[] = [];
  const release = new Map<number, { ok: () => void; fail: (error: Error) => void }>();
  let running = 0;
  let most = 0;
  const work = (item: number) =>
    new Promise<void>((resolve, reject) => {
      started.push(item);
      running++;
      most = Math.max(most, running);
      const settle = () => {
        running--;
        finished.push(item);
      };
      release.set(item, {
        ok: () => {
          settle();
          resolve();
        },
        fail: (error) => {
          settle();
          reject(error);
        },
      });
    });
  const settleAll = async () => {
    for (let round = 0; round < 1000 && release.size > 0; round++) {
      for (const [item, control] of [...release]) {
        release.delete(item);
        control.ok();
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { work, started, finished, release, settleAll, most: () => most };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WorkQueue', () => {
  it('runs every item once, in order, never more than the limit at a time', async () => {
    const control = controlledWork();
    const queue = new WorkQueue(control.work, 4, 1000);
    await queue.add([1, 2, 3, 4, 5, 6]);
    await queue.add([7, 8, 9, 10]);
    await tick();
    expect(control.started).toEqual([1, 2, 3, 4]);
    const ending = queue.end();
    await control.settleAll();
    await ending;
    expect(control.started).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(control.finished.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(control.most()).toBe(4);
  });

  it('makes the producer wait while more than the backlog is queued, and lets it go when half is free', async () => {
    const control = controlledWork();
    const queue = new WorkQueue(control.work, 2, 10);
    let added = false;
    const adding = queue.add(Array.from({ length: 30 }, (_, i) => i)).then(() => {
      added = true;
    });
    await tick();
    expect(added).toBe(false);
    // Release items until at most five (half the backlog) are waiting: 30 - 2 running - 23 done = 5.
    for (let item = 0; item < 23; item++) {
      control.release.get(item)?.ok();
      control.release.delete(item);
      await tick();
    }
    await adding;
    expect(added).toBe(true);
    const ending = queue.end();
    await control.settleAll();
    await ending;
    expect(control.finished).toHaveLength(30);
  });

  it('starts nothing after a failure, lets the items in flight finish, and throws the first error', async () => {
    const control = controlledWork();
    const queue = new WorkQueue(control.work, 3, 1000);
    await queue.add([1, 2, 3, 4, 5, 6]);
    await tick();
    control.release.get(2)?.fail(new Error('throttled'));
    control.release.delete(2);
    await tick();
    await expect(queue.add([7])).rejects.toThrow('throttled');
    let ended = false;
    const ending = queue.end().catch((error: Error) => {
      ended = true;
      return error;
    });
    await tick();
    expect(ended).toBe(false); // items 1 and 3 are still in flight
    await control.settleAll();
    expect((await ending) as Error).toHaveProperty('message', 'throttled');
    expect(control.started).toEqual([1, 2, 3]);
    expect(control.finished.sort()).toEqual([1, 2, 3]);
  });

  it('ends at once when nothing was ever queued', async () => {
    const queue = new WorkQueue(async () => {}, 4, 10);
    await expect(queue.end()).resolves.toBeUndefined();
  });
});
