import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AMOUNT_TOO_LARGE,
  addMoney,
  canonicalCurrency,
  formatMoney,
  MoneyFormatError,
  minorUnitDigits,
  parseMoney,
} from '../../../lambdas/domain/money';

describe('parseMoney', () => {
  it('parses a decimal amount into integer fen', () => {
    expect(parseMoney('1234.56', 'CNY')).toEqual({ amountMinor: 123456, currency: 'CNY' });
  });

  it('parses amounts that a float would get wrong without rounding error', () => {
    // 0.29 * 100 is 28.999999999999996 in floating point.
    expect(parseMoney('0.29', 'CNY').amountMinor).toBe(29);
    expect(parseMoney('4.35', 'USD').amountMinor).toBe(435);
  });

  it('pads a short fraction and accepts whole amounts and surrounding spaces', () => {
    expect(parseMoney('12.5', 'CNY').amountMinor).toBe(1250);
    expect(parseMoney(' 12 ', 'USD').amountMinor).toBe(1200);
  });

  it('uses the minor-unit digits of each currency', () => {
    expect(parseMoney('1500', 'JPY')).toEqual({ amountMinor: 1500, currency: 'JPY' });
    expect(() => parseMoney('1500.5', 'JPY')).toThrow(/more than 0 decimals for JPY/);
  });

  it('rejects more decimals than the currency has', () => {
    expect(() => parseMoney('10.123', 'CNY')).toThrow(MoneyFormatError);
    expect(() => parseMoney('10.123', 'CNY')).toThrow(/more than 2 decimals for CNY/);
  });

  it.each(['-5.00', 'abc', '', '1e3', '1,000.00', '.50', '12.', '0x10', 'NaN'])(
    'rejects %j as not a non-negative decimal amount',
    (text) => {
      expect(() => parseMoney(text, 'CNY')).toThrow(MoneyFormatError);
    },
  );

  it('rejects a currency it does not know', () => {
    expect(() => parseMoney('1.00', 'XYZ')).toThrow('not a supported ISO 4217 currency');
  });

  it('refuses amounts past 2^53 − 1 minor units instead of rounding them, with a reason that says so', () => {
    expect(parseMoney('90071992547409.91', 'CNY').amountMinor).toBe(Number.MAX_SAFE_INTEGER);
    for (const [text, currency] of [
      ['90071992547409.92', 'CNY'],
      ['9007199254740992', 'JPY'],
      ['1000000000000000', 'CNY'],
      ['99999999999999999999999', 'USD'],
    ] as const)
      expect(() => parseMoney(text, currency), text).toThrow('more than 9007199254740991 minor units');
  });

  it('agrees with the plain regular-expression reading on any text, amount or error', () => {
    const reference = (text: string, digits: number): number | string => {
      const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
      if (!match) return 'not a non-negative decimal amount';
      const fraction = match[2] ?? '';
      if (fraction.length > digits) return `more than ${digits} decimals`;
      const whole =
        BigInt(match[1] ?? '0') * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
      return whole <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(whole) : AMOUNT_TOO_LARGE;
    };
    const ours = (text: string, currency: string): number | string => {
      try {
        return parseMoney(text, currency).amountMinor;
      } catch (error) {
        return (error as Error).message.replace(/ for \w+$/, '');
      }
    };
    // Whole and fraction lengths drawn evenly, so the 15-digit and minor-unit edges come up often.
    const digitRun = (max: number) =>
      fc
        .integer({ min: 0, max })
        .chain((n) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }))
        .map((digits) => digits.join(''));
    const amountLike = fc
      .tuple(fc.constantFrom('', ' '), digitRun(20), fc.option(digitRun(5)), fc.constantFrom('', ' '))
      .map(
        ([before, whole, fraction, after]) =>
          `${before}${whole}${fraction === null ? '' : `.${fraction}`}${after}`,
      );
    const anyText = fc.string({ unit: fc.constantFrom(...'0123456789.-+ e,x\t'.split('')), maxLength: 20 });
    fc.assert(
      fc.property(
        fc.oneof(amountLike, anyText),
        fc.constantFrom(['JPY', 0], ['CNY', 2], ['KWD', 3], ['CLF', 4]),
        (text, [currency, digits]) => {
          expect(ours(text, currency as string)).toEqual(reference(text, digits as number));
        },
      ),
      { numRuns: 2000, seed: 20260301 },
    );
  });
});

describe('formatMoney', () => {
  it('renders minor units as a plain decimal string', () => {
    expect(formatMoney({ amountMinor: 123456, currency: 'CNY' })).toBe('1234.56');
    expect(formatMoney({ amountMinor: 5, currency: 'CNY' })).toBe('0.05');
    expect(formatMoney({ amountMinor: -150, currency: 'USD' })).toBe('-1.50');
  });

  it('renders a zero-decimal currency without a fraction', () => {
    expect(formatMoney({ amountMinor: 1500, currency: 'JPY' })).toBe('1500');
  });

  it('round-trips with parseMoney', () => {
    expect(formatMoney(parseMoney('987654.30', 'HKD'))).toBe('987654.30');
  });
});

describe('addMoney', () => {
  it('adds amounts of one currency', () => {
    expect(addMoney(parseMoney('0.10', 'CNY'), parseMoney('0.20', 'CNY'))).toEqual({
      amountMinor: 30,
      currency: 'CNY',
    });
  });

  it('refuses a sum past 2^53 − 1 minor units', () => {
    const max = { amountMinor: Number.MAX_SAFE_INTEGER, currency: 'CNY' };
    expect(() => addMoney(max, { amountMinor: 1, currency: 'CNY' })).toThrow(AMOUNT_TOO_LARGE);
  });

  it('refuses to add different currencies', () => {
    expect(() => addMoney({ amountMinor: 1, currency: 'CNY' }, { amountMinor: 1, currency: 'USD' })).toThrow(
      /cannot add CNY to USD/,
    );
  });
});

describe('currency lookups', () => {
  it('find only the ISO 4217 codes served, never what every object inherits', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'CONSTRUCTOR']) {
      expect(minorUnitDigits(name), name).toBeUndefined();
      expect(canonicalCurrency(name), name).toBeUndefined();
      expect(() => parseMoney('1', name), name).toThrow('not a supported ISO 4217 currency');
    }
  });

  it('canonicalise a code to its upper-case form', () => {
    expect(canonicalCurrency(' cny ')).toBe('CNY');
    expect(canonicalCurrency('Usd')).toBe('USD');
    expect(canonicalCurrency('XYZ')).toBeUndefined();
  });
});
