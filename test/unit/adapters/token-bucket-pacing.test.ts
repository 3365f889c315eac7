/** The pace of StartExecution calls: a burst, then the configured rate, whatever the caller's hurry. */

import { describe, expect, it } from 'vitest';
import { backoffWithJitter } from '../../../lambdas/adapters/backoff';
import { TokenBucketPacing } from '../../../lambdas/adapters/token-bucket-pacing';

function fakeTime() {
  let now = 0;
  const slept: number[] = [];
  return {
    nowMs: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
    elapsed: () => now,
  };
}

describe('TokenBucketPacing', () => {
  it('lets a burst through at once, then paces calls at the rate', async () => {
    const time = fakeTime();
    const pacing = new TokenBucketPacing(100, 10, time.nowMs, time.sleep);
    for (let i = 0; i < 10; i++) await pacing.next();
    expect(time.elapsed()).toBe(0);
    for (let i = 0; i < 100; i++) await pacing.next();
    expect(time.elapsed()).toBeGreaterThanOrEqual(990);
    expect(time.elapsed()).toBeLessThanOrEqual(1_010);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new TokenBucketPacing(0)).toThrow(RangeError);
  });
});

describe('backoffWithJitter', () => {
  it('waits a random share of an exponentially growing, capped window', async () => {
    const slept: number[] = [];
    const sleep = async (ms: number) => void slept.push(ms);
    const highest = backoffWithJitter(100, 1_000, () => 0.999, sleep);
    const lowest = backoffWithJitter(100, 1_000, () => 0, sleep);
    for (const attempt of [1, 2, 3, 4, 5]) await highest(attempt);
    await lowest(3);
    expect(slept).toEqual([199, 399, 799, 999, 999, 0]);
  });
});
