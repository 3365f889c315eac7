/** The overdue feed row (feed contract v1) parsed into a typed account snapshot; every failure names its field. */

import { containsCardNumber } from './card-number';
import { dayNumber, isoDateFromDayNumber } from './delinquency';
import { type Money, MoneyFormatError, minorUnitDigits, parseMoney } from './money';
import { residentIdProblem } from './national-id';
import { isValidTimeZone } from './zoned-time';

/** The overdue feed's usual columns in their customary order (the contract lets banks order them freely). */
export const FEED_COLUMNS = [
  'account_id',
  'as_of',
  'customer_name',
  'mobile',
  'email',
  'card_last4',
  'currency',
  'overdue_principal',
  'overdue_interest',
  'overdue_fees',
  'due_date',
  'days_past_due',
  'timezone',
  'language',
  'flags',
] as const;

export const KNOWN_FLAGS = [
  'deceased',
  'dispute',
  'bankruptcy',
  'litigation',
  'hardship',
  'do_not_call',
  'do_not_sms',
  'do_not_email',
] as const;
export type AccountFlag = (typeof KNOWN_FLAGS)[number];

export interface BankDefaults {
  readonly currency: string;
  readonly timeZone: string;
  readonly language: 'zh-CN' | 'en';
}

/** A validated account snapshot from one feed row. Personal fields are still plain here: seal them next. */
export interface AccountSnapshot {
  readonly accountId: string;
  readonly asOf: string;
  readonly personal: {
    readonly name: string;
    readonly mobile?: string;
    readonly email?: string;
    readonly nationalId?: string;
    readonly address?: string;
  };
  readonly cardLast4?: string;
  readonly overdue: Money;
  readonly totalBalance?: Money;
  readonly minPaymentDue?: Money;
  readonly dueDate: string;
  readonly daysPastDue: number;
  readonly timeZone: string;
  readonly language: 'zh-CN' | 'en';
  readonly flags: readonly AccountFlag[];
}

export interface RowRejection {
  readonly field: string;
  readonly reason: string;
}

/** Blank or absent is absent; anything else is trimmed. */
function optionalText(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Why a value is not a YYYY-MM-DD calendar date, or undefined when it is one. */
function isoDateProblem(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'must be a YYYY-MM-DD date';
  try {
    dayNumber(value);
    return undefined;
  } catch {
    return 'not a calendar date';
  }
}

/** Normalises a mainland mobile or an E.164 number to E.164; returns undefined when it is neither. */
export function normaliseMobile(raw: string): string | undefined {
  const compact = raw.replace(/[\s-]/g, '');
  if (/^1[3-9]\d{9}$/.test(compact)) return `+86${compact}`;
  if (/^(?:\+|00)86(1[3-9]\d{9})$/.test(compact)) return `+86${compact.slice(-11)}`;
  if (/^\+[1-9]\d{7,14}$/.test(compact)) return compact;
  return undefined;
}

/** The row's cells, each checked on its own; cross-field rules follow in parseFeedRow. */
interface RawRow {
  readonly account_id: string;
  readonly as_of: string;
  readonly customer_name: string;
  readonly mobile?: string;
  readonly email?: string;
  readonly national_id?: string;
  readonly address?: string;
  readonly card_last4?: string;
  readonly currency?: string;
  readonly overdue_principal?: string;
  readonly overdue_interest?: string;
  readonly overdue_fees?: string;
  readonly total_balance?: string;
  readonly min_payment_due?: string;
  readonly due_date?: string;
  readonly days_past_due?: string;
  readonly timezone?: string;
  readonly language?: string;
  readonly flags?: string;
}

class CellProblem {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {}
}

/** An optional cell: absent, or trimmed and passing `problem` (which returns the reason it fails). */
function optionalCell(
  row: Record<string, string | undefined>,
  field: string,
  problem?: (value: string) => string | undefined,
): string | undefined {
  const value = optionalText(row[field]);
  const reason = value === undefined || !problem ? undefined : problem(value);
  if (reason !== undefined) throw new CellProblem(field, reason);
  return value;
}

/**
 * Checks every cell in contract order and returns the first failure. Hand-written rather than a zod
 * schema: this runs for every row of every feed, and a schema cost more than the rest of intake.
 */
function readCells(row: Record<string, string | undefined>): RawRow | RowRejection {
  try {
    const accountId = row.account_id?.trim();
    if (accountId === undefined) return { field: 'account_id', reason: 'is required' };
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(accountId))
      return { field: 'account_id', reason: 'must be 1–64 letters, digits, _ or -' };
    const asOf = row.as_of;
    if (asOf === undefined) return { field: 'as_of', reason: 'is required' };
    const asOfProblem = isoDateProblem(asOf);
    if (asOfProblem) return { field: 'as_of', reason: asOfProblem };
    const name = row.customer_name?.trim();
    if (!name) return { field: 'customer_name', reason: 'is required' };
    if (name.length > 100) return { field: 'customer_name', reason: 'longer than 100 characters' };
    const cell = (field: string, problem?: (value: string) => string | undefined) =>
      optionalCell(row, field, problem);
    const raw: { -readonly [K in keyof RawRow]: RawRow[K] } = {
      account_id: accountId,
      as_of: asOf,
      customer_name: name,
      mobile: cell('mobile', (v) => (normaliseMobile(v) === undefined ? 'not a mobile number' : undefined)),
      email: cell('email', (v) =>
        /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? undefined : 'not an email address',
      ),
      national_id: cell('national_id', (v) => residentIdProblem(v.toUpperCase()))?.toUpperCase(),
      address: cell('address', (v) => (v.length <= 200 ? undefined : 'longer than 200 characters')),
      card_last4: cell('card_last4', (v) => (/^\d{4}$/.test(v) ? undefined : 'must be 4 digits')),
      currency: cell('currency', (v) =>
        minorUnitDigits(v) === undefined ? 'not a supported ISO 4217 currency' : undefined,
      ),
      overdue_principal: cell('overdue_principal'),
      overdue_interest: cell('overdue_interest'),
      overdue_fees: cell('overdue_fees'),
      total_balance: cell('total_balance'),
      min_payment_due: cell('min_payment_due'),
      due_date: cell('due_date', isoDateProblem),
      days_past_due: cell('days_past_due', (v) => (/^\d{1,5}$/.test(v) ? undefined : 'not a whole number')),
      timezone: cell('timezone', (v) => (isValidTimeZone(v) ? undefined : 'not an IANA time zone')),
      language: cell('language', (v) => (v === 'zh-CN' || v === 'en' ? undefined : 'must be zh-CN or en')),
      flags: cell('flags'),
    };
    return raw;
  } catch (error) {
    if (error instanceof CellProblem) return { field: error.field, reason: error.reason };
    throw error;
  }
}

/**
 * Validates one feed row (header names already normalised) against the contract, filling bank defaults.
 * Returns the snapshot or the first failure with the field it concerns.
 */
export function parseFeedRow(
  row: Record<string, string | undefined>,
  defaults: BankDefaults,
): { ok: true; account: AccountSnapshot } | { ok: false; rejection: RowRejection } {
  // Before anything else, so that a card number never reaches a parser message, a log or a store.
  for (const column in row) {
    const value = row[column];
    if (value !== undefined && hidesCardNumber(column, value))
      return { ok: false, rejection: { field: column, reason: 'card number present' } };
  }
  const r = readCells(row);
  if ('reason' in r) return { ok: false, rejection: r };
  if (!r.mobile && !r.email)
    return { ok: false, rejection: { field: 'mobile', reason: 'mobile or email is required' } };

  // Absent is not zero: a file that leaves the amounts out must not cure (close) every case in it.
  if (r.overdue_principal === undefined && r.overdue_interest === undefined && r.overdue_fees === undefined) {
    return {
      ok: false,
      rejection: { field: 'overdue_principal', reason: 'an overdue amount is required (0 when paid)' },
    };
  }
  const currency = r.currency ?? defaults.currency;
  let overdue: Money = { amountMinor: 0, currency };
  for (const field of ['overdue_principal', 'overdue_interest', 'overdue_fees'] as const) {
    const text = r[field];
    if (text === undefined) continue;
    try {
      overdue = { amountMinor: overdue.amountMinor + parseMoney(text, currency).amountMinor, currency };
    } catch (error) {
      const reason = error instanceof MoneyFormatError ? error.message : 'not an amount';
      return { ok: false, rejection: { field, reason } };
    }
  }

  const balances: { totalBalance?: Money; minPaymentDue?: Money } = {};
  for (const [field, key] of [
    ['total_balance', 'totalBalance'],
    ['min_payment_due', 'minPaymentDue'],
  ] as const) {
    const text = r[field];
    if (text === undefined) continue;
    try {
      balances[key] = parseMoney(text, currency);
    } catch (error) {
      const reason = error instanceof MoneyFormatError ? error.message : 'not an amount';
      return { ok: false, rejection: { field, reason } };
    }
  }

  let dueDate = r.due_date;
  let dpd = r.days_past_due === undefined ? undefined : Number(r.days_past_due);
  const asOfDay = dayNumber(r.as_of);
  if (dueDate !== undefined) {
    const dueDay = dayNumber(dueDate);
    if (dueDay > asOfDay) return { ok: false, rejection: { field: 'due_date', reason: 'after as_of' } };
    const computed = asOfDay - dueDay;
    if (dpd !== undefined && dpd !== computed) {
      return {
        ok: false,
        rejection: { field: 'days_past_due', reason: `is ${dpd} but due_date and as_of give ${computed}` },
      };
    }
    dpd = computed;
  } else if (dpd !== undefined) {
    dueDate = isoDateFromDayNumber(asOfDay - dpd);
  } else {
    return { ok: false, rejection: { field: 'due_date', reason: 'due_date or days_past_due is required' } };
  }

  const flags: AccountFlag[] = [];
  for (const flag of (r.flags ?? '')
    .split(';')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean)) {
    if (!(KNOWN_FLAGS as readonly string[]).includes(flag)) {
      return { ok: false, rejection: { field: 'flags', reason: `unknown flag ${flag}` } };
    }
    if (!flags.includes(flag as AccountFlag)) flags.push(flag as AccountFlag);
  }

  const mobile = r.mobile === undefined ? undefined : normaliseMobile(r.mobile);
  return {
    ok: true,
    account: {
      accountId: r.account_id,
      asOf: r.as_of,
      personal: {
        name: r.customer_name,
        ...(mobile ? { mobile } : {}),
        ...(r.email ? { email: r.email } : {}),
        ...(r.national_id ? { nationalId: r.national_id } : {}),
        ...(r.address ? { address: r.address } : {}),
      },
      ...(r.card_last4 ? { cardLast4: r.card_last4 } : {}),
      overdue,
      ...balances,
      dueDate,
      daysPastDue: dpd,
      timeZone: r.timezone ?? defaults.timeZone,
      language: (r.language as 'zh-CN' | 'en' | undefined) ?? defaults.language,
      flags,
    },
  };
}

/**
 * A phone number with its country code or an 18-digit resident ID can pass Luhn by chance (one in ten):
 * in their own columns, a value that is valid as what it claims to be is not screened as a card number.
 */
function hidesCardNumber(column: string, value: string): boolean {
  if (!containsCardNumber(value)) return false;
  const mobile = column === 'mobile' ? normaliseMobile(value) : undefined;
  // Up to 13 digits with the country code covers +86 mobiles; a 14–15-digit "number" may be a card.
  if (mobile !== undefined && mobile.length - 1 <= 13) return false;
  return !(column === 'national_id' && residentIdProblem(value.trim().toUpperCase()) === undefined);
}
