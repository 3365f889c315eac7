import { describe, expect, it } from 'vitest';
import { type BankDefaults, normaliseMobile, parseFeedRow } from '../../../lambdas/domain/feed-row';
import { DEBTOR, feedRow } from '../../support/fakes';

const defaults: BankDefaults = { currency: 'CNY', timeZone: 'Asia/Shanghai', language: 'zh-CN' };

function rejectionOf(row: Record<string, string | undefined>) {
  const result = parseFeedRow(row, defaults);
  if (result.ok) throw new Error('expected the row to be rejected');
  return result.rejection;
}

function accountOf(row: Record<string, string | undefined>) {
  const result = parseFeedRow(row, defaults);
  if (!result.ok)
    throw new Error(`expected a valid row, got ${result.rejection.field}: ${result.rejection.reason}`);
  return result.account;
}

describe('parseFeedRow, valid rows', () => {
  it('turns a valid row into an account snapshot with the bank defaults filled in', () => {
    expect(accountOf(feedRow({ overdue_interest: '20.50', overdue_fees: '0.05' }))).toEqual({
      accountId: 'ACC-001',
      asOf: '2026-03-01',
      personal: { name: DEBTOR.name, mobile: '+8613812345678', email: DEBTOR.email },
      cardLast4: '4321',
      overdue: { amountMinor: 152055, currency: 'CNY' },
      dueDate: '2026-02-17',
      daysPastDue: 12,
      timeZone: 'Asia/Shanghai',
      language: 'zh-CN',
      flags: [],
    });
  });

  it.each(['13812345678', '138 1234 5678', '138-1234-5678', '+8613812345678', '008613812345678'])(
    'normalises the mobile %j to +86…',
    (mobile) => {
      expect(accountOf(feedRow({ mobile })).personal.mobile).toBe('+8613812345678');
    },
  );

  it('keeps a foreign E.164 number as it is', () => {
    expect(normaliseMobile('+12125550123')).toBe('+12125550123');
  });

  it('accepts an email without a mobile', () => {
    const account = accountOf(feedRow({ mobile: '' }));
    expect(account.personal).toEqual({ name: DEBTOR.name, email: DEBTOR.email });
  });

  it('derives the due date from days past due when the due date is absent', () => {
    const account = accountOf(feedRow({ due_date: '', days_past_due: '31' }));
    expect(account.dueDate).toBe('2026-01-29');
    expect(account.daysPastDue).toBe(31);
  });

  it('computes days past due from the due date when the count is absent', () => {
    expect(accountOf(feedRow({ days_past_due: '' })).daysPastDue).toBe(12);
  });

  it('lowercases, trims and de-duplicates flags', () => {
    expect(accountOf(feedRow({ flags: ' Dispute ; do_not_sms;dispute ' })).flags).toEqual([
      'dispute',
      'do_not_sms',
    ]);
  });

  it('takes time zone, language and currency from the row over the bank defaults', () => {
    const account = accountOf(
      feedRow({ timezone: 'America/New_York', language: 'en', currency: 'USD', overdue_principal: '10' }),
    );
    expect(account).toMatchObject({
      timeZone: 'America/New_York',
      language: 'en',
      overdue: { amountMinor: 1000, currency: 'USD' },
    });
  });

  it('rejects a row with no amount at all rather than reading it as paid (absent is not zero)', () => {
    expect(parseFeedRow(feedRow({ overdue_principal: '' }), defaults)).toEqual({
      ok: false,
      rejection: { field: 'overdue_principal', reason: 'an overdue amount is required (0 when paid)' },
    });
  });

  it('reads an explicit 0 as nothing overdue', () => {
    expect(accountOf(feedRow({ overdue_principal: '0' })).overdue).toEqual({
      amountMinor: 0,
      currency: 'CNY',
    });
  });
});

describe('parseFeedRow, each failure names its field', () => {
  it('rejects a row without account_id', () => {
    const { account_id: _dropped, ...row } = feedRow();
    expect(rejectionOf(row)).toEqual({ field: 'account_id', reason: 'is required' });
  });

  it('rejects an account_id that is not an id', () => {
    expect(rejectionOf(feedRow({ account_id: 'ACC 001' })).field).toBe('account_id');
  });

  it.each(['01/03/2026', '2026-02-30', 'yesterday'])('rejects the as_of %j', (asOf) => {
    expect(rejectionOf(feedRow({ as_of: asOf })).field).toBe('as_of');
  });

  it('rejects a row without a customer name', () => {
    expect(rejectionOf(feedRow({ customer_name: '  ' })).field).toBe('customer_name');
  });

  it('rejects a mobile that is not a mobile number', () => {
    expect(rejectionOf(feedRow({ mobile: '12345' }))).toEqual({
      field: 'mobile',
      reason: 'not a mobile number',
    });
  });

  it('rejects an email that is not an email address', () => {
    expect(rejectionOf(feedRow({ email: 'not-an-email' })).field).toBe('email');
  });

  it('rejects a row with neither mobile nor email', () => {
    expect(rejectionOf(feedRow({ mobile: '', email: '' }))).toEqual({
      field: 'mobile',
      reason: 'mobile or email is required',
    });
  });

  it('rejects an unknown currency', () => {
    expect(rejectionOf(feedRow({ currency: 'XYZ' }))).toEqual({
      field: 'currency',
      reason: 'not a supported ISO 4217 currency',
    });
  });

  it('rejects currency names that every object inherits', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      expect(rejectionOf(feedRow({ currency: name })), name).toEqual({
        field: 'currency',
        reason: 'not a supported ISO 4217 currency',
      });
  });

  it('stores the canonical currency code, whatever its case', () => {
    expect(accountOf(feedRow({ currency: ' cny ' })).overdue.currency).toBe('CNY');
    expect(accountOf(feedRow({ currency: 'Usd' })).overdue.currency).toBe('USD');
  });

  it('rejects zone names that every object inherits', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      expect(rejectionOf(feedRow({ timezone: name })), name).toEqual({
        field: 'timezone',
        reason: 'not an IANA time zone',
      });
  });

  it('stores the canonical IANA zone name, whatever the spelling or link', () => {
    expect(accountOf(feedRow({ timezone: 'asia/shanghai' })).timeZone).toBe('Asia/Shanghai');
    // Links (old names) resolve to the zone Intl calls canonical.
    expect(accountOf(feedRow({ timezone: 'Asia/Chongqing' })).timeZone).toBe('Asia/Shanghai');
    expect(accountOf(feedRow({ timezone: 'US/Eastern' })).timeZone).toBe('America/New_York');
  });

  it('rejects a UTC offset as a zone: it is not IANA and knows no daylight-saving time', () => {
    expect(rejectionOf(feedRow({ timezone: '+08:00' }))).toEqual({
      field: 'timezone',
      reason: 'not an IANA time zone',
    });
  });

  it('rejects overdue amounts whose sum passes 2^53 − 1 minor units, naming the amount that overflowed', () => {
    const row = feedRow({ overdue_principal: '90071992547409.91', overdue_interest: '0.00' });
    expect(accountOf(row).overdue.amountMinor).toBe(Number.MAX_SAFE_INTEGER);
    expect(rejectionOf({ ...row, overdue_fees: '0.01' })).toEqual({
      field: 'overdue_fees',
      reason: 'overdue amounts add up to more than 9007199254740991 minor units',
    });
  });

  it('rejects a single amount past 2^53 − 1 minor units', () => {
    expect(rejectionOf({ ...feedRow(), total_balance: '90071992547409.92' })).toEqual({
      field: 'total_balance',
      reason: 'more than 9007199254740991 minor units',
    });
  });

  it('rejects an amount with more decimals than its currency has, naming the amount column', () => {
    expect(rejectionOf(feedRow({ overdue_interest: '10.123' }))).toEqual({
      field: 'overdue_interest',
      reason: 'more than 2 decimals for CNY',
    });
  });

  it('rejects a negative amount', () => {
    expect(rejectionOf(feedRow({ overdue_fees: '-5.00' }))).toEqual({
      field: 'overdue_fees',
      reason: 'not a non-negative decimal amount',
    });
  });

  it('rejects a due_date after as_of', () => {
    expect(rejectionOf(feedRow({ due_date: '2026-03-02', days_past_due: '' }))).toEqual({
      field: 'due_date',
      reason: 'after as_of',
    });
  });

  it('rejects days_past_due that disagrees with due_date and as_of', () => {
    expect(rejectionOf(feedRow({ days_past_due: '5' }))).toEqual({
      field: 'days_past_due',
      reason: 'is 5 but due_date and as_of give 12',
    });
  });

  it('rejects a row with neither due_date nor days_past_due', () => {
    expect(rejectionOf(feedRow({ due_date: '', days_past_due: '' })).field).toBe('due_date');
  });

  it('rejects an unknown flag without quoting the cell', () => {
    expect(rejectionOf(feedRow({ flags: 'dispute;vip' }))).toEqual({
      field: 'flags',
      reason: 'unknown flag',
    });
    expect(rejectionOf(feedRow({ flags: 'Li Lei 13800001234' }))).toEqual({
      field: 'flags',
      reason: 'unknown flag',
    });
  });

  it('rejects an unknown time zone and language', () => {
    expect(rejectionOf(feedRow({ timezone: 'Mars/Base' })).field).toBe('timezone');
    expect(rejectionOf(feedRow({ language: 'fr' })).field).toBe('language');
  });

  it('never quotes the personal data of the row in a rejection', () => {
    const rejection = rejectionOf(feedRow({ mobile: '99999', customer_name: DEBTOR.name }));
    expect(JSON.stringify(rejection)).not.toContain('99999');
    expect(JSON.stringify(rejection)).not.toContain(DEBTOR.name);
  });
});
