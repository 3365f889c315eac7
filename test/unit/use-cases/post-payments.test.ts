/** Payments post exactly once, lower the balance, and close a paid case and stop its escalation. */

import { describe, expect, it } from 'vitest';
import { parsePaymentRow } from '../../../lambdas/domain/payment-row';
import { handleFeedMessages } from '../../../lambdas/handlers/ingest-feed';
import { ingestFeed } from '../../../lambdas/use-cases/ingest-feed';
import { postPayments } from '../../../lambdas/use-cases/post-payments';
import { createFakeWorld, csvOf, feedRow } from '../../support/fakes';

const PAYMENTS = 'payments/demo-bank/today.csv';

async function worldWithCase() {
  const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
  world.storage.files.set('incoming/demo-bank/f.csv', csvOf([feedRow({ account_id: 'ACC-1' })])); // 1500.00 CNY
  await ingestFeed(world, { key: 'incoming/demo-bank/f.csv' });
  await world.startQueuedEscalations();
  return world;
}

const payment = (id: string, amount: string, extra: Record<string, string> = {}) => ({
  payment_id: id,
  account_id: 'ACC-1',
  amount,
  currency: 'CNY',
  paid_at: '2026-03-01T09:30:00+08:00',
  channel: 'app',
  ...extra,
});

describe('payment rows', () => {
  it('parses a payment to minor units and UTC', () => {
    expect(parsePaymentRow(payment('P1', '200.50'), 'CNY')).toEqual({
      ok: true,
      payment: {
        paymentId: 'P1',
        accountId: 'ACC-1',
        amount: { amountMinor: 20_050, currency: 'CNY' },
        paidAt: '2026-03-01T01:30:00.000Z',
        channel: 'app',
      },
    });
  });

  it.each([
    [{ amount: '0' }, 'amount', 'must be more than 0'],
    [{ amount: '-5' }, 'amount', 'must be more than 0'],
    [{ channel: '王小明 13812345678' }, 'channel', 'not a channel code (a-z, 0-9, - and _)'],
    [{ channel: '13812345678' }, 'channel', 'not a channel code (a-z, 0-9, - and _)'],
    [{ amount: '1.234' }, 'amount', 'more than 2 decimals for CNY'],
    [{ paid_at: '2026-03-01' }, 'paid_at', 'must be ISO 8601 with a zone'],
    [{ payment_id: '' }, 'payment_id', 'must be 1–64 letters, digits, _ or -'],
    [{ currency: 'XYZ' }, 'currency', 'not a supported ISO 4217 currency'],
    [{ currency: 'constructor' }, 'currency', 'not a supported ISO 4217 currency'],
    [{ paid_at: '2026-02-30T09:30:00+08:00' }, 'paid_at', 'not a real instant'],
    [{ paid_at: '2026-02-29T09:30:00Z' }, 'paid_at', 'not a real instant'],
    [{ paid_at: '2026-03-01T24:00:00Z' }, 'paid_at', 'not a real instant'],
    [{ paid_at: '2026-03-01T09:60Z' }, 'paid_at', 'not a real instant'],
    [{ paid_at: '2026-03-01T09:30:60Z' }, 'paid_at', 'not a real instant'],
    [{ paid_at: '2026-03-01T09:30:00+14:30' }, 'paid_at', 'not a real instant'],
    [{ paid_at: '2026-03-01T09:30:00+08:60' }, 'paid_at', 'not a real instant'],
    [{ paid_at: '2026-13-01T09:30:00Z' }, 'paid_at', 'not a real instant'],
    [{ amount: '90071992547409.92' }, 'amount', 'more than 9007199254740991 minor units'],
  ])('rejects %o naming %s', (override, field, reason) => {
    expect(parsePaymentRow(payment('P1', '10', override), 'CNY')).toEqual({
      ok: false,
      rejection: { field, reason },
    });
  });
});

describe('paid_at', () => {
  it.each([
    ['2028-02-29T23:59:59.999999999+14:00', '2028-02-29T09:59:59.999Z'],
    ['2026-03-01T00:00-09:30', '2026-03-01T09:30:00.000Z'],
    ['2026-03-01T09:30:00+05:45', '2026-03-01T03:45:00.000Z'],
    ['2026-12-31T23:59:59Z', '2026-12-31T23:59:59.000Z'],
  ])('accepts the real instant %s', (paidAt, utc) => {
    const parsed = parsePaymentRow(payment('P1', '10', { paid_at: paidAt }), 'CNY');
    expect(parsed.ok && parsed.payment.paidAt).toBe(utc);
  });

  it('rejects a payment made after the latest instant it could have been made', () => {
    const latest = Date.parse('2026-03-02T02:00:00Z');
    expect(parsePaymentRow(payment('P1', '10', { paid_at: '2030-12-01T10:00:00Z' }), 'CNY', latest)).toEqual({
      ok: false,
      rejection: { field: 'paid_at', reason: 'is in the future' },
    });
    const lastMoment = parsePaymentRow(
      payment('P1', '10', { paid_at: '2026-03-02T02:00:00Z' }),
      'CNY',
      latest,
    );
    expect(lastMoment.ok).toBe(true);
  });
});

describe('card numbers in a payments feed', () => {
  it('rejects a payment row carrying a card number in any column, naming the column, never the number', async () => {
    const world = await worldWithCase();
    world.storage.files.set(
      PAYMENTS,
      csvOf([payment('P1', '10', { channel: '4111 1111 1111 1111' }), payment('P2', '10')]),
    );
    const report = await postPayments(world, { key: PAYMENTS });
    expect(report).toMatchObject({ read: 2, applied: 1, rejected: 1 });
    const rejects = world.storage.files.get(`rejects/${PAYMENTS}.csv`) ?? '';
    expect(rejects).toContain(',channel,card number present');
    expect(JSON.stringify([...world.storage.files.entries()].filter(([k]) => k !== PAYMENTS))).not.toContain(
      '4111',
    );
  });
});

describe('posting payments', () => {
  it('lowers the balance by a partial payment and applies the same payment only once', async () => {
    const world = await worldWithCase();
    world.storage.files.set(PAYMENTS, csvOf([payment('P1', '200.00'), payment('P1', '200.00')]));

    const first = await postPayments(world, { key: PAYMENTS });
    const again = await postPayments(world, { key: PAYMENTS });

    expect(first).toMatchObject({ read: 2, applied: 1, duplicate: 1, paidInFull: 0 });
    expect(again).toMatchObject({ applied: 0, duplicate: 2 });
    expect(world.cases.cases.get('demo-bank:ACC-1')?.overdue.amountMinor).toBe(130_000);
    expect(world.trail.ofKind('payment.posted')).toHaveLength(1);
  });

  it('closes a case paid in full and stops its escalation', async () => {
    const world = await worldWithCase();
    world.storage.files.set(PAYMENTS, csvOf([payment('P1', '1000.00'), payment('P2', '600.00')]));

    const report = await postPayments(world, { key: PAYMENTS });
    await world.startQueuedEscalations();

    expect(report).toMatchObject({ applied: 2, paidInFull: 1 });
    const paid = world.cases.cases.get('demo-bank:ACC-1');
    expect(paid?.status).toBe('closed');
    expect(paid?.overdue.amountMinor).toBe(0);
    expect(world.escalations.stopped).toEqual([...world.escalations.started.keys()]);
  });

  it('records a payment on a case already paid without closing it again or stopping anything more', async () => {
    const world = await worldWithCase();
    world.storage.files.set(PAYMENTS, csvOf([payment('P1', '1500.00')]));
    await postPayments(world, { key: PAYMENTS });
    await world.startQueuedEscalations();
    world.storage.files.set('payments/demo-bank/later.csv', csvOf([payment('P2', '10.00')]));

    const later = await postPayments(world, { key: 'payments/demo-bank/later.csv' });
    await world.startQueuedEscalations();

    expect(later).toMatchObject({ applied: 1, paidInFull: 0 });
    expect(world.escalations.stopped).toHaveLength(1);
    expect(world.cases.cases.get('demo-bank:ACC-1')).toMatchObject({
      status: 'closed',
      overdue: { amountMinor: 0 },
    });
    expect(world.trail.ofKind('payment.posted')).toHaveLength(2);
  });

  it('rejects a payment for an unknown account or in another currency, with line and reason', async () => {
    const world = await worldWithCase();
    world.storage.files.set(
      PAYMENTS,
      csvOf([payment('P1', '10', { account_id: 'NOPE' }), payment('P2', '10', { currency: 'USD' })]),
    );

    const report = await postPayments(world, { key: PAYMENTS });

    expect(report).toMatchObject({ read: 2, applied: 0, rejected: 2 });
    expect(world.storage.files.get(`rejects/${PAYMENTS}.csv`)).toBe(
      'line,account_id,field,reason\n2,NOPE,account_id,unknown account\n3,ACC-1,currency,differs from the account currency\n',
    );
  });

  it('quarantines a payments file of an unknown bank and applies nothing', async () => {
    const world = await worldWithCase();
    world.storage.files.set('payments/nobank/x.csv', csvOf([payment('P1', '1500.00')]));
    const report = await postPayments(world, { key: 'payments/nobank/x.csv' });
    expect(report).toMatchObject({ quarantined: true, quarantineReason: 'unknown bank nobank' });
    expect(world.cases.cases.get('demo-bank:ACC-1')?.overdue.amountMinor).toBe(150_000);
  });
});

describe('the intake handler', () => {
  it('routes an S3 event under payments/ to the payments posting, key decoded', async () => {
    const world = await worldWithCase();
    world.storage.files.set('payments/demo-bank/paid today.csv', csvOf([payment('P1', '1500.00')]));
    const notification = {
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          s3: { object: { key: 'payments/demo-bank/paid+today.csv', eTag: '"e1"' } },
        },
      ],
    };

    const {
      reports: [report],
    } = await handleFeedMessages(() => world, {
      Records: [{ messageId: 'm-1', body: JSON.stringify(notification) }],
    } as never);

    expect(report).toMatchObject({ key: 'payments/demo-bank/paid today.csv', applied: 1, paidInFull: 1 });
    expect(world.cases.cases.get('demo-bank:ACC-1')?.status).toBe('closed');
  });
});

describe('cure from the overdue feed', () => {
  it('stops the escalation of an account the feed reports as no longer overdue', async () => {
    const world = await worldWithCase();
    world.storage.files.set(
      'incoming/demo-bank/g.csv',
      csvOf([
        feedRow({ account_id: 'ACC-1', as_of: '2026-03-02', days_past_due: '13', overdue_principal: '0' }),
      ]),
    );
    const report = await ingestFeed(world, { key: 'incoming/demo-bank/g.csv' });
    await world.startQueuedEscalations();
    expect(report.cured).toBe(1);
    expect(world.escalations.stopped).toEqual([...world.escalations.started.keys()]);
    expect(world.escalations.running()).toEqual([]);
  });
});
