/** The virtual clock the offline runtime, the workflow tests and the simulation keep time with. */

import { describe, expect, it } from 'vitest';
import { VirtualClock, VirtualClockStoppedError } from '../../../lambdas/adapters/local/virtual-clock';

const T0 = new Date('2026-03-01T05:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe('VirtualClock', () => {
  it('wakes a sleeper when set or advanced to its moment, not before', async () => {
    const clock = new VirtualClock(T0);
    const woke: string[] = [];
    void clock.sleepUntil(at(10)).then(() => woke.push('ten'));
    clock.advance(9 * 60_000);
    await Promise.resolve();
    expect(woke).toEqual([]);
    clock.set(at(10));
    await Promise.resolve();
    expect(woke).toEqual(['ten']);
  });

  it('runFor stops at each sleeper in turn and lets its work finish before going on', async () => {
    const clock = new VirtualClock(T0);
    const seen: string[] = [];
    for (const minutes of [30, 10, 20])
      void clock.sleepUntil(at(minutes)).then(() => seen.push(`${minutes} at ${clock.now().toISOString()}`));
    await clock.runFor(60 * 60_000, async () => {
      await Promise.resolve();
    });
    expect(seen).toEqual([
      `10 at ${at(10).toISOString()}`,
      `20 at ${at(20).toISOString()}`,
      `30 at ${at(30).toISOString()}`,
    ]);
    expect(clock.now()).toEqual(at(60));
  });

  it('set without waking leaves those due asleep until the clock next moves, so the caller acts first', async () => {
    const clock = new VirtualClock(at(-1));
    const order: string[] = [];
    void clock.sleepUntil(T0).then(() => order.push('step due at 05:00'));
    clock.set(T0, { wake: false });
    await Promise.resolve();
    order.push('feed loaded at 05:00');
    expect(clock.sleeping).toBe(1);
    await clock.runFor(0, async () => {
      await Promise.resolve();
    });
    expect(order).toEqual(['feed loaded at 05:00', 'step due at 05:00']);
  });

  it('rejects every sleeper once stopped', async () => {
    const clock = new VirtualClock(T0);
    const sleeping = clock.sleepUntil(at(5));
    clock.stop();
    await expect(sleeping).rejects.toBeInstanceOf(VirtualClockStoppedError);
    await expect(clock.sleepUntil(at(6))).rejects.toBeInstanceOf(VirtualClockStoppedError);
  });
});
