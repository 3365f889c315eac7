import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, bucketOf, dayNumber, daysPastDue } from '../../../lambdas/domain/delinquency';

describe('daysPastDue', () => {
  it('counts calendar days from the first missed due date', () => {
    expect(daysPastDue('2026-02-17', '2026-03-01')).toBe(12);
  });

  it('is 0 on the due date itself and before it', () => {
    expect(daysPastDue('2026-03-01', '2026-03-01')).toBe(0);
    expect(daysPastDue('2026-03-10', '2026-03-01')).toBe(0);
  });

  it('counts 29 February in a leap year', () => {
    expect(daysPastDue('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysPastDue('2025-02-28', '2025-03-01')).toBe(1);
  });

  it('is not thrown off by a daylight-saving change', () => {
    expect(daysPastDue('2026-03-07', '2026-03-09')).toBe(2);
  });

  it.each(['2026-02-30', '2026-13-01', '2026/03/01', '01-03-2026', ''])(
    'rejects the invalid date %j',
    (date) => {
      expect(() => daysPastDue(date, '2026-03-01')).toThrow(RangeError);
      expect(() => dayNumber(date)).toThrow(RangeError);
    },
  );
});

describe('dayNumber', () => {
  it('agrees with the calendar on every date from year 1 to 9999, and rejects days a month lacks', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const day = Math.floor(date.getTime() / 86_400_000);
          const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
          expect(dayNumber(iso)).toBe(day);
        },
      ),
      { numRuns: 2000 },
    );
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayNumber('2000-02-29')).toBe(11_016);
    for (const date of ['1900-02-29', '2026-04-31', '2026-00-10', '2026-06-00']) {
      expect(() => dayNumber(date), date).toThrow(RangeError);
    }
  });
});

describe('addDays', () => {
  it('crosses month and year ends', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});

describe('bucketOf', () => {
  it.each([
    [0, 'current'],
    [1, 'M1'],
    [30, 'M1'],
    [31, 'M2'],
    [60, 'M2'],
    [61, 'M3'],
    [90, 'M3'],
    [91, 'M4'],
    [120, 'M4'],
    [121, 'M5'],
    [150, 'M5'],
    [151, 'M6+'],
    [1000, 'M6+'],
  ] as const)('puts %i days past due in %s', (days, bucket) => {
    expect(bucketOf(days)).toBe(bucket);
  });
});
