/** A cache fed by input keeps at most its capacity, dropping the entry used longest ago. */

import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../../lambdas/domain/bounded-cache';

describe('BoundedCache', () => {
  it('never holds more than its capacity, however many keys arrive', () => {
    const cache = new BoundedCache<string, number>(3);
    for (let i = 0; i < 1_000; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(3);
    expect(cache.get('k999')).toBe(999);
    expect(cache.get('k996')).toBeUndefined();
  });

  it('drops the least recently used entry, a read counting as a use', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new BoundedCache(0)).toThrow(RangeError);
    expect(() => new BoundedCache(1.5)).toThrow(RangeError);
  });
});
