/** Money as an integer count of minor units (fen, cents) with its ISO 4217 currency; never a float. */

export interface Money {
  readonly amountMinor: number;
  readonly currency: string;
}

/**
 * Minor-unit exponent per ISO 4217 currency: the codes a card portfolio can owe in (current codes; funds
 * and precious-metal codes left out on purpose).
 */
const MINOR_UNIT_DIGITS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(
    (
      'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF ' +
      'CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL ' +
      'HTG HUF IDR ILS INR IRR KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MKD MMK MNT MOP MRU MUR ' +
      'MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG ' +
      'SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST ' +
      'XCD YER ZAR ZMW ZWL'
    )
      .split(' ')
      .map((code) => [code, 2]),
  ),
  ...Object.fromEntries(
    'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF'.split(' ').map((code) => [code, 0]),
  ),
  ...Object.fromEntries('BHD IQD JOD KWD LYD OMR TND'.split(' ').map((code) => [code, 3])),
  CLF: 4,
  UYW: 4,
};

export function minorUnitDigits(currency: string): number | undefined {
  return MINOR_UNIT_DIGITS[currency];
}

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
  if (digits === undefined) throw new MoneyFormatError(`unsupported currency ${currency}`);
  const trimmed = text.trim();
  // Read digit by digit (this runs for several cells of every feed row): up to 15 whole digits, then
  // optionally a point and at least one digit, nothing else.
  let at = 0;
  let whole = 0;
  while (at < trimmed.length && isDigit(trimmed.charCodeAt(at)))
    whole = whole * 10 + (trimmed.charCodeAt(at++) - 48);
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
  if (wholeDigits === 0 || wholeDigits > 15 || at !== trimmed.length)
    throw new MoneyFormatError('not a non-negative decimal amount');
  if (fractionDigits > digits) throw new MoneyFormatError(`more than ${digits} decimals for ${currency}`);
  const amountMinor = whole * 10 ** digits + fraction * 10 ** (digits - fractionDigits);
  if (!Number.isSafeInteger(amountMinor)) throw new MoneyFormatError('amount too large');
  return { amountMinor, currency };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new MoneyFormatError(`cannot add ${a.currency} to ${b.currency}`);
  return { amountMinor: a.amountMinor + b.amountMinor, currency: a.currency };
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
