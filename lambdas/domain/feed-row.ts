/** The overdue feed row (feed contract v1) parsed into a typed account snapshot; every failure names its field. */

import { containsCardNumber } from './card-number';
import { calendarDayNumber, isoDateFromDayNumber } from './delinquency';
import { AMOUNT_TOO_LARGE, canonicalCurrency, type Money, MoneyFormatError, parseMoney } from './money';
import { residentIdProblem } from './national-id';
import { canonicalTimeZone } from './zoned-time';

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

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The day number of a YYYY-MM-DD calendar date, or the reason the value is not one. */
function isoDay(value: string): number | string {
  if (!ISO_DATE.test(value)) return 'must be a YYYY-MM-DD date';
  return calendarDayNumber(value) ?? 'not a calendar date';
}

/** Normalises a mainland mobile or an E.164 number to E.164; returns undefined when it is neither. */
export function normaliseMobile(raw: string): string | undefined {
  const compact = /[\s-]/.test(raw) ? raw.replace(/[\s-]/g, '') : raw;
  if (MAINLAND_MOBILE.test(compact)) return `+86${compact}`;
  if (/^(?:\+|00)86(1[3-9]\d{9})$/.test(compact)) return `+86${compact.slice(-11)}`;
  if (/^\+[1-9]\d{7,14}$/.test(compact)) return compact;
  return undefined;
}

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LAST4 = /^\d{4}$/;
const WHOLE_NUMBER = /^\d{1,5}$/;
const AMOUNT_COLUMNS = ['overdue_principal', 'overdue_interest', 'overdue_fees'] as const;
const FLAG_SET: ReadonlySet<string> = new Set(KNOWN_FLAGS);

export type FeedRowResult = { ok: true; account: AccountSnapshot } | { ok: false; rejection: RowRejection };

function reject(field: string, reason: string): FeedRowResult {
  return { ok: false, rejection: { field, reason } };
}

/**
 * Validates one feed row (header names already normalised) against the contract, filling bank defaults.
 * Returns the snapshot or the first failure with the field it concerns: cells in contract order, then the
 * rules across cells. Written out by hand rather than as a zod schema: this runs for every row of every
 * feed, and a schema (and closures per cell) cost more than the rest of intake.
 */
export function parseFeedRow(
  row: Record<string, string | undefined>,
  defaults: BankDefaults,
  /** The latest `as_of` day (a day number) a row may carry: a date in the future is a typo, not a snapshot. */
  latestAsOfDay: number = Number.POSITIVE_INFINITY,
): FeedRowResult {
  // Before anything else, so that a card number never reaches a parser message, a log or a store.
  for (const column in row) {
    const value = row[column];
    if (value !== undefined && hidesCardNumber(column, value))
      return reject(shownColumnName(column), 'card number present');
  }

  const accountId = row.account_id?.trim();
  if (accountId === undefined) return reject('account_id', 'is required');
  if (!ACCOUNT_ID.test(accountId)) return reject('account_id', 'must be 1–64 letters, digits, _ or -');
  const asOf = row.as_of;
  if (asOf === undefined) return reject('as_of', 'is required');
  const asOfDay = isoDay(asOf);
  if (typeof asOfDay === 'string') return reject('as_of', asOfDay);
  // Stored, a future as_of would make every later (true) row of the account stale: never corrected by a feed.
  if (asOfDay > latestAsOfDay) return reject('as_of', 'is in the future');
  const name = row.customer_name?.trim();
  if (!name) return reject('customer_name', 'is required');
  if (name.length > 100) return reject('customer_name', 'longer than 100 characters');

  const mobileText = optionalText(row.mobile);
  const mobile = mobileText === undefined ? undefined : normaliseMobile(mobileText);
  if (mobileText !== undefined && mobile === undefined) return reject('mobile', 'not a mobile number');
  const email = optionalText(row.email);
  if (email !== undefined && !EMAIL.test(email)) return reject('email', 'not an email address');
  const nationalId = optionalText(row.national_id)?.toUpperCase();
  const idProblem = nationalId === undefined ? undefined : residentIdProblem(nationalId);
  if (idProblem !== undefined) return reject('national_id', idProblem);
  const address = optionalText(row.address);
  if (address !== undefined && address.length > 200) return reject('address', 'longer than 200 characters');
  const cardLast4 = optionalText(row.card_last4);
  if (cardLast4 !== undefined && !LAST4.test(cardLast4)) return reject('card_last4', 'must be 4 digits');
  const currencyText = optionalText(row.currency);
  const givenCurrency = currencyText === undefined ? undefined : canonicalCurrency(currencyText);
  if (currencyText !== undefined && givenCurrency === undefined)
    return reject('currency', 'not a supported ISO 4217 currency');
  const dueText = optionalText(row.due_date);
  const dueDay = dueText === undefined ? undefined : isoDay(dueText);
  if (typeof dueDay === 'string') return reject('due_date', dueDay);
  const dpdText = optionalText(row.days_past_due);
  if (dpdText !== undefined && !WHOLE_NUMBER.test(dpdText))
    return reject('days_past_due', 'not a whole number');
  const timeZoneText = optionalText(row.timezone);
  const timeZone = timeZoneText === undefined ? undefined : canonicalTimeZone(timeZoneText);
  if (timeZoneText !== undefined && timeZone === undefined)
    return reject('timezone', 'not an IANA time zone');
  const language = optionalText(row.language);
  if (language !== undefined && language !== 'zh-CN' && language !== 'en')
    return reject('language', 'must be zh-CN or en');

  if (mobile === undefined && email === undefined) return reject('mobile', 'mobile or email is required');

  // Absent is not zero: a file that leaves the amounts out must not cure (close) every case in it.
  const currency = givenCurrency ?? defaults.currency;
  let overdueMinor = 0;
  let anyAmount = false;
  for (const field of AMOUNT_COLUMNS) {
    const text = optionalText(row[field]);
    if (text === undefined) continue;
    anyAmount = true;
    const amount = moneyOrReason(text, currency);
    if (typeof amount === 'string') return reject(field, amount);
    overdueMinor += amount.amountMinor;
    // Each amount is safe; their sum must be too, or the balance stored would be rounded.
    if (!Number.isSafeInteger(overdueMinor))
      return reject(field, `overdue amounts add up to ${AMOUNT_TOO_LARGE}`);
  }
  if (!anyAmount) return reject('overdue_principal', 'an overdue amount is required (0 when paid)');
  const totalText = optionalText(row.total_balance);
  const totalBalance = totalText === undefined ? undefined : moneyOrReason(totalText, currency);
  if (typeof totalBalance === 'string') return reject('total_balance', totalBalance);
  const minText = optionalText(row.min_payment_due);
  const minPaymentDue = minText === undefined ? undefined : moneyOrReason(minText, currency);
  if (typeof minPaymentDue === 'string') return reject('min_payment_due', minPaymentDue);

  let dueDate = dueText;
  let dpd = dpdText === undefined ? undefined : Number(dpdText);
  if (dueDay !== undefined) {
    if (dueDay > asOfDay) return reject('due_date', 'after as_of');
    const computed = asOfDay - dueDay;
    if (dpd !== undefined && dpd !== computed)
      return reject('days_past_due', `is ${dpd} but due_date and as_of give ${computed}`);
    dpd = computed;
  } else if (dpd !== undefined) {
    dueDate = isoDateFromDayNumber(asOfDay - dpd);
  } else {
    return reject('due_date', 'due_date or days_past_due is required');
  }

  const flags = flagsOf(optionalText(row.flags));
  // The flag is not quoted back: the cell may hold anything.
  if (flags === undefined) return reject('flags', 'unknown flag');

  // One object shape for every row (absent fields undefined): cheaper to build, seal and store.
  return {
    ok: true,
    account: {
      accountId,
      asOf,
      personal: { name, mobile, email, nationalId, address },
      cardLast4,
      overdue: { amountMinor: overdueMinor, currency },
      totalBalance,
      minPaymentDue,
      dueDate: dueDate as string,
      daysPastDue: dpd,
      timeZone: timeZone ?? defaults.timeZone,
      language: (language as 'zh-CN' | 'en' | undefined) ?? defaults.language,
      flags,
    },
  };
}

/**
 * A column's name as a reject may show it: names shaped like column names are shown, anything else (a
 * header row of data, a JSON key holding text) is not, as a reason never quotes what a bank wrote.
 */
export function shownColumnName(name: string): string {
  return /^[a-z_][a-z0-9_]{0,39}$/.test(name) ? name : '(not shown)';
}

function moneyOrReason(text: string, currency: string): Money | string {
  try {
    return parseMoney(text, currency);
  } catch (error) {
    return error instanceof MoneyFormatError ? error.message : 'not an amount';
  }
}

/** The row's flags without repeats, or undefined if one is unknown. */
function flagsOf(text: string | undefined): AccountFlag[] | undefined {
  const flags: AccountFlag[] = [];
  if (text === undefined) return flags;
  for (const part of text.split(';')) {
    const flag = part.trim().toLowerCase();
    if (flag === '') continue;
    if (!FLAG_SET.has(flag)) return undefined;
    if (!flags.includes(flag as AccountFlag)) flags.push(flag as AccountFlag);
  }
  return flags;
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
