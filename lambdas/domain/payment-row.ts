/** The payments feed row (feed contract v1): one payment a bank received on an account. */

import * as z from 'zod/mini';
import { containsCardNumber } from './card-number';
import { calendarDayNumber } from './delinquency';
import { shownColumnName } from './feed-row';
import { canonicalCurrency, type Money, MoneyFormatError, parseMoney } from './money';

export interface Payment {
  readonly paymentId: string;
  readonly accountId: string;
  readonly amount: Money;
  /** ISO 8601 instant, normalised to UTC. */
  readonly paidAt: string;
  readonly channel?: string;
}

/** `2026-03-01T09:30[:00[.123]]` then `Z` or `±hh:mm`; the parts are checked by `isRealInstant`. */
const ISO_INSTANT =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Every part of an ISO instant in range: a calendar date (no 30 February), hours 00–23 (no 24:00),
 * minutes and seconds 00–59 (no leap second), an offset within ±14:00 (the widest any zone uses).
 * Date.parse alone is not enough: it moves 2026-02-30 to 2 March and 24:00 to the next day.
 */
function isRealInstant(text: string): boolean {
  const match = ISO_INSTANT.exec(text);
  if (!match) return false;
  const [, date, hour, minute, second = '00', offsetHours = '00', offsetMinutes = '00'] = match;
  if (calendarDayNumber(date as string) === undefined) return false;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return false;
  if (Number(offsetMinutes) > 59 || Number(offsetHours) * 60 + Number(offsetMinutes) > 14 * 60) return false;
  return !Number.isNaN(Date.parse(text));
}

function blankAsAbsent(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

const rawPayment = z.object({
  payment_id: z
    .string()
    .check(z.trim(), z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -')),
  account_id: z
    .string()
    .check(z.trim(), z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -')),
  amount: z.string().check(z.trim(), z.minLength(1, 'is required')),
  currency: z.pipe(z.optional(z.string().check(z.trim())), z.transform(blankAsAbsent)),
  paid_at: z
    .string()
    .check(
      z.trim(),
      z.regex(ISO_INSTANT, 'must be ISO 8601 with a zone'),
      z.refine(isRealInstant, 'not a real instant'),
    ),
  // A code, not free text: the channel is stored plain in the trail, and free text could carry a name or a
  // number ("王小明 138…"), which must only ever be stored sealed.
  channel: z.pipe(
    z.optional(
      z.string().check(
        z.trim(),
        z.maxLength(32, 'longer than 32 characters'),
        z.toLowerCase(),
        z.refine((v) => v === '' || /^[a-z][a-z0-9_-]*$/.test(v), 'not a channel code (a-z, 0-9, - and _)'),
      ),
    ),
    z.transform(blankAsAbsent),
  ),
});

/**
 * `latestPaidAtMs`: the latest instant a payment may have been made (now, with a day for clocks and zones):
 * a later one is a typo, and would order the account's payments wrongly for good.
 */
export function parsePaymentRow(
  row: Record<string, string | undefined>,
  defaultCurrency: string,
  latestPaidAtMs: number = Number.POSITIVE_INFINITY,
): { ok: true; payment: Payment } | { ok: false; rejection: { field: string; reason: string } } {
  // As in the overdue feed: before anything else, so a card number reaches no message, log or store.
  const withCard = Object.entries(row).find(([, value]) => value !== undefined && containsCardNumber(value));
  if (withCard)
    return { ok: false, rejection: { field: shownColumnName(withCard[0]), reason: 'card number present' } };
  const parsed = rawPayment.safeParse(row);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const reason = issue?.code === 'invalid_type' ? 'is required' : (issue?.message ?? 'invalid');
    return { ok: false, rejection: { field: String(issue?.path[0] ?? 'row'), reason } };
  }
  const r = parsed.data;
  if (Date.parse(r.paid_at) > latestPaidAtMs)
    return { ok: false, rejection: { field: 'paid_at', reason: 'is in the future' } };
  const currency = r.currency === undefined ? defaultCurrency : canonicalCurrency(r.currency);
  if (currency === undefined)
    return { ok: false, rejection: { field: 'currency', reason: 'not a supported ISO 4217 currency' } };
  let amount: Money;
  try {
    // A payment is positive: a minus sign is the same refusal as 0, not a format error.
    if (r.amount.startsWith('-'))
      return { ok: false, rejection: { field: 'amount', reason: 'must be more than 0' } };
    amount = parseMoney(r.amount, currency);
  } catch (error) {
    const reason = error instanceof MoneyFormatError ? error.message : 'not an amount';
    return { ok: false, rejection: { field: 'amount', reason } };
  }
  if (amount.amountMinor <= 0)
    return { ok: false, rejection: { field: 'amount', reason: 'must be more than 0' } };
  return {
    ok: true,
    payment: {
      paymentId: r.payment_id,
      accountId: r.account_id,
      amount,
      paidAt: new Date(r.paid_at).toISOString(),
      ...(r.channel ? { channel: r.channel } : {}),
    },
  };
}
