/** Money as an integer count of minor units (fen, cents) with its ISO 4217 currency; never a float. */

export interface Money {
  readonly amountMinor: number;
  readonly currency: string;
}

/**
 * Minor-unit exponent per ISO 4217 currency: the codes a card portfolio can owe in (current codes; funds
 * and precious-metal codes left out on purpose). A Map, not an object literal: a lookup of `constructor`
 * or `__proto__` must find nothing rather than what every object inherits.
 */
const MINOR_UNIT_DIGITS: ReadonlyMap<string, number> = new Map([
  ...(
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF ' +
    'CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL ' +
    'HTG HUF IDR ILS INR IRR KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MKD MMK MNT MOP MRU MUR ' +
    'MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG ' +
    'SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST ' +
    'XCD YER ZAR ZMW ZWL'
  )
    .split(' ')
    .map((code): [string, number] => [code, 2]),
  ...'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF'
    .split(' ')
    .map((code): [string, number] => [code, 0]),
  ...'BHD IQD JOD KWD LYD OMR TND'.split(' ').map((code): [string, number] => [code, 3]),
  ['CLF', 4],
  ['UYW', 4],
]);

/** The minor-unit digits of a canonical (upper-case) ISO 4217 code this system serves. */
export function minorUnitDigits(currency: string): number | undefined {
  return MINOR_UNIT_DIGITS.get(currency);
}

/** The canonical code of a currency as a feed writes it (` cny ` is CNY), or undefined if not served. */
export function canonicalCurrency(text: string): string | undefined {
  const code = text.trim().toUpperCase();
  return MINOR_UNIT_DIGITS.has(code) ? code : undefined;
}

/**
 * The largest amount, in minor units, that a JavaScript number holds exactly (and DynamoDB stores): an
 * amount or a sum beyond it is refused rather than rounded.
 */
export const MAX_AMOUNT_MINOR = Number.MAX_SAFE_INTEGER;
export const AMOUNT_TOO_LARGE = `more than ${MAX_AMOUNT_MINOR} minor units`;

export class MoneyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyFormatError';
  }
}

/**
 * Parses a decimal string such as "1234.56" into minor units without going through a float,
 * so that "0.1" + "0.2" never becomes 0.30000000000000004 fen.
 */
export function parseMoney(text: string, currency: string): Money {
  const digits = minorUnitDigits(currency);
  // The code is not quoted back: it may be any text a bank put in the cell.
  if (digits === undefined) throw new MoneyFormatError('not a supported ISO 4217 currency');
  const trimmed = text.trim();
  // Read digit by digit (this runs for several cells of every feed row): whole digits, then optionally
  // a point and at least one digit, nothing else.
  let at = 0;
  let whole = 0;
  let significant = 0;
  while (at < trimmed.length && isDigit(trimmed.charCodeAt(at))) {
    whole = whole * 10 + (trimmed.charCodeAt(at++) - 48);
    if (whole > 0) significant++;
  }
  const wholeDigits = at;
  let fraction = 0;
  let fractionDigits = 0;
  if (at < trimmed.length && trimmed.charCodeAt(at) === 46) {
    at++;
    while (at < trimmed.length && isDigit(trimmed.charCodeAt(at))) {
      if (fractionDigits < digits) fraction = fraction * 10 + (trimmed.charCodeAt(at) - 48);
      fractionDigits++;
      at++;
    }
    if (fractionDigits === 0) at = -1;
  }
  if (wholeDigits === 0 || at !== trimmed.length)
    throw new MoneyFormatError('not a non-negative decimal amount');
  if (fractionDigits > digits) throw new MoneyFormatError(`more than ${digits} decimals for ${currency}`);
  // 17 significant digits are past 2^53 whatever they are. Up to 16, each step above is exact while below
  // 2^53, and a rounded step lands at 2^53 or beyond: the check below refuses it, as it does a product or
  // sum past 2^53 − 1 (exact below it, rounded to 2^53 or beyond above it).
  if (significant > 16) throw new MoneyFormatError(AMOUNT_TOO_LARGE);
  const amountMinor = whole * 10 ** digits + fraction * 10 ** (digits - fractionDigits);
  if (!Number.isSafeInteger(amountMinor)) throw new MoneyFormatError(AMOUNT_TOO_LARGE);
  return { amountMinor, currency };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new MoneyFormatError(`cannot add ${a.currency} to ${b.currency}`);
  const amountMinor = a.amountMinor + b.amountMinor;
  if (!Number.isSafeInteger(amountMinor)) throw new MoneyFormatError(AMOUNT_TOO_LARGE);
  return { amountMinor, currency: a.currency };
}

export function zeroMoney(currency: string): Money {
  return { amountMinor: 0, currency };
}

/** Renders minor units back to a plain decimal string ("1234.56"), for letters and messages. */
export function formatMoney(money: Money): string {
  const digits = minorUnitDigits(money.currency) ?? 2;
  if (digits === 0) return String(money.amountMinor);
  const sign = money.amountMinor < 0 ? '-' : '';
  const abs = Math.abs(money.amountMinor);
  const whole = Math.floor(abs / 10 ** digits);
  const fraction = String(abs % 10 ** digits).padStart(digits, '0');
  return `${sign}${whole}.${fraction}`;
}
