/** Card numbers are recognised however they are written, and ordinary numbers are not mistaken for them. */

import { describe, expect, it } from 'vitest';
import { containsCardNumber, passesLuhn } from '../../../lambdas/domain/card-number';
import { parseFeedRow } from '../../../lambdas/domain/feed-row';
import { residentIdProblem } from '../../../lambdas/domain/national-id';

const defaults = { currency: 'CNY', timeZone: 'Asia/Shanghai', language: 'zh-CN' } as const;
const validRow = {
  account_id: 'ACC-1',
  as_of: '2026-03-01',
  customer_name: '张三',
  mobile: '13812345678',
  days_past_due: '10',
  overdue_principal: '100.00',
};

describe('card number screening', () => {
  it.each([
    ['4111111111111111'],
    ['4111 1111 1111 1111'],
    ['4111-1111-1111-1111'],
    ['name 5500 0000 0000 0004 here'],
    ['378282246310005'],
    ['6212345678901232'],
    ['４１１１１１１１１１１１１１１１'], // full-width digits, as a Chinese input method types them
    ['４１１１　１１１１　１１１１　１１１１'], // and with ideographic spaces
    ['4111\u00a01111\u00a01111\u00a01111'], // no-break spaces, pasted from a web page
    ['4111  1111  1111  1111'],
    ['4111 - 1111 - 1111 - 1111'],
    ['4111–1111–1111–1111'], // en dashes
  ])('finds a card number in %s', (text) => {
    expect(containsCardNumber(text)).toBe(true);
  });

  it.each([
    ['4111111111111112'], // fails Luhn
    ['411111111111'], // 12 digits
    ['41111111111111111111'], // 20 digits
    ['1500.00'],
    ['2026-03-01'],
    ['4111.1111.1111.1111'], // dots join amounts and dates, not card groups
    ['1,234,567,890,123,456'],
    ['4111    1111 1111 1111'], // four spaces: separate numbers
  ])('does not flag %s', (text) => {
    expect(containsCardNumber(text)).toBe(false);
  });

  it('checks Luhn as the card schemes do', () => {
    expect(passesLuhn('79927398713')).toBe(true);
    expect(passesLuhn('79927398710')).toBe(false);
  });

  it('rejects a row with a card number in any column, naming the column and not the number', () => {
    for (const [column, value] of [
      ['customer_name', '4111 1111 1111 1111'],
      ['address', 'Room 4111-1111-1111-1111'],
      ['remarks', '4111111111111111'],
      ['account_id', '4111111111111111'],
    ]) {
      const result = parseFeedRow({ ...validRow, [column as string]: value as string }, defaults);
      expect(result).toEqual({ ok: false, rejection: { field: column, reason: 'card number present' } });
    }
  });

  it('lets a mainland mobile or a valid resident ID through even when its digits pass Luhn', () => {
    // +86 13812345678 as 13 digits passes Luhn; it is a phone number in the mobile column.
    expect(passesLuhn('8613800000004')).toBe(true);
    const withMobile = parseFeedRow({ ...validRow, mobile: '+86 138 0000 0004' }, defaults);
    expect(withMobile.ok).toBe(true);
    const id = '110105198001010753';
    expect(residentIdProblem(id)).toBeUndefined();
    expect(passesLuhn(id)).toBe(true);
    expect(parseFeedRow({ ...validRow, national_id: id }, defaults).ok).toBe(true);
    // The same digits anywhere else are screened as a card number.
    expect(parseFeedRow({ ...validRow, address: id }, defaults)).toEqual({
      ok: false,
      rejection: { field: 'address', reason: 'card number present' },
    });
  });
});

describe('resident ID', () => {
  it('accepts a valid ID with X check character, in either case', () => {
    expect(residentIdProblem('11010519491231002X')).toBeUndefined();
    expect(parseFeedRow({ ...validRow, national_id: '11010519491231002x' }, defaults).ok).toBe(true);
  });

  it('names the problem: wrong check digit, impossible birth date, wrong shape', () => {
    expect(residentIdProblem('110105194912310021')).toBe('check digit does not match');
    expect(residentIdProblem('110105194902301234')).toBe('birth date is not a calendar date');
    expect(residentIdProblem('1101051949123100')).toMatch(/17 digits/);
    const rejected = parseFeedRow({ ...validRow, national_id: '110105194912310021' }, defaults);
    expect(rejected).toEqual({
      ok: false,
      rejection: { field: 'national_id', reason: 'check digit does not match' },
    });
  });
});

describe('balances', () => {
  it('parses total_balance and min_payment_due as money, rejecting more decimals than the currency has', () => {
    const ok = parseFeedRow({ ...validRow, total_balance: '20000.50', min_payment_due: '1000' }, defaults);
    expect(ok.ok && ok.account.totalBalance).toEqual({ amountMinor: 2_000_050, currency: 'CNY' });
    expect(ok.ok && ok.account.minPaymentDue).toEqual({ amountMinor: 100_000, currency: 'CNY' });
    const bad = parseFeedRow({ ...validRow, min_payment_due: '10.001' }, defaults);
    expect(bad).toMatchObject({ ok: false, rejection: { field: 'min_payment_due' } });
  });
});

describe('currencies', () => {
  it('knows the minor units of ISO 4217 currencies beyond the common ones', async () => {
    const { minorUnitDigits } = await import('../../../lambdas/domain/money');
    expect(minorUnitDigits('KWD')).toBe(3);
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('TWD')).toBe(2);
    expect(minorUnitDigits('CLF')).toBe(4);
    expect(minorUnitDigits('XYZ')).toBeUndefined();
    expect(parseFeedRow({ ...validRow, currency: 'KWD', overdue_principal: '1.234' }, defaults).ok).toBe(
      true,
    );
  });
});
