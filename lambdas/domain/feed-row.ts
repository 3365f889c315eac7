/** The overdue feed row (feed contract v1) parsed into a typed account snapshot; every failure names its field. */

import { z } from 'zod';
import { daysPastDue as computeDaysPastDue, dayNumber } from './delinquency';
import { type Money, MoneyFormatError, minorUnitDigits, parseMoney } from './money';
import { isValidTimeZone } from './zoned-time';

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
  };
  readonly cardLast4?: string;
  readonly overdue: Money;
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

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a YYYY-MM-DD date')
  .refine((value) => {
    try {
      dayNumber(value);
      return true;
    } catch {
      return false;
    }
  }, 'not a calendar date');

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** Normalises a mainland mobile or an E.164 number to E.164; returns undefined when it is neither. */
export function normaliseMobile(raw: string): string | undefined {
  const compact = raw.replace(/[\s-]/g, '');
  if (/^1[3-9]\d{9}$/.test(compact)) return `+86${compact}`;
  if (/^(?:\+|00)86(1[3-9]\d{9})$/.test(compact)) return `+86${compact.slice(-11)}`;
  if (/^\+[1-9]\d{7,14}$/.test(compact)) return compact;
  return undefined;
}

const rawRow = z.object({
  account_id: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -'),
  as_of: isoDate,
  customer_name: z.string().trim().min(1, 'is required').max(100, 'longer than 100 characters'),
  mobile: optionalText.refine(
    (v) => v === undefined || normaliseMobile(v) !== undefined,
    'not a mobile number',
  ),
  email: optionalText.refine(
    (v) => v === undefined || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
    'not an email address',
  ),
  card_last4: optionalText.refine((v) => v === undefined || /^\d{4}$/.test(v), 'must be 4 digits'),
  currency: optionalText.refine(
    (v) => v === undefined || minorUnitDigits(v) !== undefined,
    'not a supported ISO 4217 currency',
  ),
  overdue_principal: optionalText,
  overdue_interest: optionalText,
  overdue_fees: optionalText,
  due_date: optionalText.pipe(isoDate.optional()),
  days_past_due: optionalText.refine((v) => v === undefined || /^\d{1,5}$/.test(v), 'not a whole number'),
  timezone: optionalText.refine((v) => v === undefined || isValidTimeZone(v), 'not an IANA time zone'),
  language: optionalText.refine((v) => v === undefined || v === 'zh-CN' || v === 'en', 'must be zh-CN or en'),
  flags: optionalText,
});

/**
 * Validates one feed row (header names already normalised) against the contract, filling bank defaults.
 * Returns the snapshot or the first failure with the field it concerns.
 */
export function parseFeedRow(
  row: Record<string, string | undefined>,
  defaults: BankDefaults,
): { ok: true; account: AccountSnapshot } | { ok: false; rejection: RowRejection } {
  const parsed = rawRow.safeParse(row);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'row');
    const reason = issue?.code === 'invalid_type' ? 'is required' : (issue?.message ?? 'invalid');
    return { ok: false, rejection: { field, reason } };
  }
  const r = parsed.data;
  if (!r.mobile && !r.email)
    return { ok: false, rejection: { field: 'mobile', reason: 'mobile or email is required' } };

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

  let dueDate = r.due_date;
  let dpd = r.days_past_due === undefined ? undefined : Number(r.days_past_due);
  if (dueDate !== undefined) {
    if (dayNumber(dueDate) > dayNumber(r.as_of)) {
      return { ok: false, rejection: { field: 'due_date', reason: 'after as_of' } };
    }
    const computed = computeDaysPastDue(dueDate, r.as_of);
    if (dpd !== undefined && dpd !== computed) {
      return {
        ok: false,
        rejection: { field: 'days_past_due', reason: `is ${dpd} but due_date and as_of give ${computed}` },
      };
    }
    dpd = computed;
  } else if (dpd !== undefined) {
    dueDate = new Date((dayNumber(r.as_of) - dpd) * 86_400_000).toISOString().slice(0, 10);
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
      },
      ...(r.card_last4 ? { cardLast4: r.card_last4 } : {}),
      overdue,
      dueDate,
      daysPastDue: dpd,
      timeZone: r.timezone ?? defaults.timeZone,
      language: (r.language as 'zh-CN' | 'en' | undefined) ?? defaults.language,
      flags,
    },
  };
}
