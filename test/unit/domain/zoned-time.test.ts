import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  instantAt,
  isValidTimeZone,
  localDate,
  wallTimeIn,
  zoneCacheSizes,
} from '../../../lambdas/domain/zoned-time';

describe('wallTimeIn', () => {
  it('shows Shanghai time eight hours ahead of UTC', () => {
    expect(wallTimeIn(new Date('2026-03-01T14:00:00Z'), 'Asia/Shanghai')).toEqual({
      year: 2026,
      month: 3,
      day: 1,
      hour: 22,
      minute: 0,
      second: 0,
    });
  });

  it('shows midnight as hour 0, not 24', () => {
    expect(wallTimeIn(new Date('2026-03-01T16:00:00Z'), 'Asia/Shanghai').hour).toBe(0);
  });

  it('follows New York across the spring-forward change', () => {
    expect(wallTimeIn(new Date('2026-03-08T06:59:00Z'), 'America/New_York')).toMatchObject({
      hour: 1,
      minute: 59,
    });
    expect(wallTimeIn(new Date('2026-03-08T07:00:00Z'), 'America/New_York')).toMatchObject({
      hour: 3,
      minute: 0,
    });
  });
});

describe('instantAt', () => {
  it('finds the instant of a Shanghai wall time', () => {
    const at = instantAt({ year: 2026, month: 3, day: 2, hour: 8, minute: 0 }, 'Asia/Shanghai');
    expect(at.toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });

  it('uses standard time before and daylight time after the New York change on the same day', () => {
    const night = instantAt({ year: 2026, month: 3, day: 8, hour: 1, minute: 0 }, 'America/New_York');
    const morning = instantAt({ year: 2026, month: 3, day: 8, hour: 9, minute: 0 }, 'America/New_York');
    expect(night.toISOString()).toBe('2026-03-08T06:00:00.000Z');
    expect(morning.toISOString()).toBe('2026-03-08T13:00:00.000Z');
  });

  it('moves a wall time inside the spring-forward gap forward, never before the gap', () => {
    const at = instantAt({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, 'America/New_York');
    expect(at.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(wallTimeIn(at, 'America/New_York')).toMatchObject({ day: 8, hour: 3, minute: 30 });
  });

  it('keeps the calendar day when the gap is at midnight (Santiago)', () => {
    const at = instantAt({ year: 2026, month: 9, day: 6, hour: 0, minute: 0 }, 'America/Santiago');
    expect(localDate(at, 'America/Santiago')).toBe('2026-09-06');
  });

  it('round-trips with wallTimeIn on the fall-back day', () => {
    const wall = { year: 2026, month: 11, day: 1, hour: 9, minute: 15 };
    const at = instantAt(wall, 'America/New_York');
    expect(at.toISOString()).toBe('2026-11-01T14:15:00.000Z');
    expect(wallTimeIn(at, 'America/New_York')).toMatchObject(wall);
  });
});

describe('localDate', () => {
  it('gives the debtor-local calendar date, which can differ from the UTC date', () => {
    expect(localDate(new Date('2026-03-01T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-03-02');
    expect(localDate(new Date('2026-03-01T03:00:00Z'), 'America/New_York')).toBe('2026-02-28');
  });
});

describe('isValidTimeZone', () => {
  it('accepts IANA zones and rejects anything else', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});

describe('canonicalTimeZone', () => {
  it('gives one canonical name for every spelling and link of a zone', () => {
    for (const spelling of ['Asia/Shanghai', 'asia/shanghai', 'ASIA/SHANGHAI', 'PRC', 'Asia/Chongqing'])
      expect(canonicalTimeZone(spelling), spelling).toBe('Asia/Shanghai');
    expect(canonicalTimeZone('etc/utc')).toBe(canonicalTimeZone('UTC'));
  });

  it('finds no zone for names every object inherits, offsets, or nonsense', () => {
    for (const name of ['constructor', '__proto__', 'toString', '+08:00', '-05:00', '', 'Mars/Olympus_Mons'])
      expect(canonicalTimeZone(name), name).toBeUndefined();
    expect(() => wallTimeIn(new Date(0), 'constructor')).toThrow(RangeError);
  });

  it('keeps its caches bounded however many spellings a feed sends', () => {
    // Every upper/lower-case spelling of "Asia/Shanghai" is a valid zone name: 2^11 of them here.
    const letters = 'asia/shanghai';
    for (let mask = 0; mask < 2 ** 11; mask++) {
      let spelling = '';
      let bit = 0;
      for (const char of letters)
        spelling += /[a-z]/.test(char) && (mask >> bit++) & 1 ? char.toUpperCase() : char;
      expect(wallTimeIn(new Date('2026-03-01T14:00:00Z'), spelling).hour).toBe(22);
    }
    const sizes = zoneCacheSizes();
    expect(sizes.spellings).toBeLessThanOrEqual(1_000);
    expect(sizes.formatters).toBeLessThan(10);
  });
});
