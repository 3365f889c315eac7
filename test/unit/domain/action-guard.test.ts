import { describe, expect, it } from 'vitest';
import { type ActionRequest, checkAction } from '../../../lambdas/domain/compliance-guard';
import type { ContactRecord } from '../../../lambdas/domain/contact-record';
import { policyPack } from '../../../lambdas/domain/policy-packs';

const cn = policyPack('cn');
const us = policyPack('us');

function action(at: string, overrides: Partial<ActionRequest> = {}): ActionRequest {
  return {
    action: 'credit-report',
    at: new Date(at),
    flags: [],
    debtorKey: 'd1',
    history: [],
    facts: {},
    ...overrides,
  };
}

const conversation: ContactRecord = {
  contactId: 'c1#call',
  debtorKey: 'd1',
  caseId: 'c1',
  channel: 'call',
  addressKey: 'm1',
  at: '2026-03-01T15:00:00Z',
  outcome: 'connected',
  automated: false,
  purpose: 'call',
};

describe('CN-11: no credit reporting before the debtor was told', () => {
  it('refuses reporting before a credit-report notice was sent, with no next lawful moment', () => {
    expect(checkAction(cn, action('2026-03-10T02:00:00Z'))).toMatchObject({
      allowed: false,
      rule: 'CN-11',
      nextLawfulAt: undefined,
    });
  });

  it('allows it once the notice was sent, and a conversation is not enough in pack cn', () => {
    const facts = { creditReportNotice: { sentAt: new Date('2026-03-01T02:00:00Z') } };
    expect(checkAction(cn, action('2026-03-01T02:00:00Z', { facts }))).toEqual({ allowed: true });
    expect(checkAction(cn, action('2026-03-10T02:00:00Z', { history: [conversation] }))).toMatchObject({
      rule: 'CN-11',
    });
  });

  it('does not count a notice returned undeliverable', () => {
    const facts = {
      creditReportNotice: { sentAt: new Date('2026-03-01T02:00:00Z'), returnedUndeliverable: true },
    };
    expect(checkAction(cn, action('2026-03-10T02:00:00Z', { facts }))).toMatchObject({
      rule: 'CN-11',
      nextLawfulAt: undefined,
    });
  });
});

describe('US-7: no furnishing before contacting the consumer', () => {
  const mailed = { sentAt: new Date('2026-03-01T15:00:00Z') };

  it('waits 14 days after a mailed notice that was not returned', () => {
    const decision = checkAction(
      us,
      action('2026-03-10T15:00:00Z', { facts: { creditReportNotice: mailed } }),
    );
    expect(decision).toMatchObject({ rule: 'US-7', nextLawfulAt: new Date('2026-03-15T15:00:00Z') });
    expect(
      checkAction(us, action('2026-03-15T15:00:00Z', { facts: { creditReportNotice: mailed } })),
    ).toEqual({
      allowed: true,
    });
  });

  it('allows furnishing once the notice was delivered, or after a conversation with the consumer', () => {
    const delivered = { ...mailed, deliveredAt: new Date('2026-03-04T15:00:00Z') };
    expect(
      checkAction(us, action('2026-03-05T15:00:00Z', { facts: { creditReportNotice: delivered } })),
    ).toEqual({
      allowed: true,
    });
    expect(checkAction(us, action('2026-03-05T15:00:00Z', { history: [conversation] }))).toEqual({
      allowed: true,
    });
  });

  it('does not take an unanswered call, a reserved one or a third party’s conversation as contact', () => {
    for (const record of [
      { ...conversation, outcome: 'attempted' },
      { ...conversation, outcome: 'reserved' },
      { ...conversation, thirdParty: true },
    ] as const) {
      expect(checkAction(us, action('2026-03-05T15:00:00Z', { history: [record] }))).toMatchObject({
        rule: 'US-7',
        nextLawfulAt: undefined,
      });
    }
  });
});

describe('CN-9: the evidence pack for a legal referral', () => {
  const twoNotices = {
    effectiveNoticesDeliveredAt: [new Date('2026-01-05T02:00:00Z'), new Date('2026-02-10T02:00:00Z')],
    firstMissedDueDate: '2025-12-15',
  };
  const referral = (at: string, facts: ActionRequest['facts'], flags: string[] = []) =>
    action(at, { action: 'legal-referral', facts, flags });

  it('allows a referral with two delivered notices 30+ days apart and more than 3 months unpaid', () => {
    expect(checkAction(cn, referral('2026-03-16T02:00:00Z', twoNotices))).toEqual({ allowed: true });
  });

  it('waits until the debt is more than 3 months unpaid: from the day after due date + 3 months, Shanghai', () => {
    const decision = checkAction(cn, referral('2026-03-15T02:00:00Z', twoNotices));
    expect(decision).toMatchObject({ rule: 'CN-9', nextLawfulAt: new Date('2026-03-15T16:00:00Z') });
  });

  it('refuses with one notice, or two less than 30 days apart, until another notice is delivered', () => {
    const one = {
      ...twoNotices,
      effectiveNoticesDeliveredAt: twoNotices.effectiveNoticesDeliveredAt.slice(0, 1),
    };
    expect(checkAction(cn, referral('2026-04-20T02:00:00Z', one))).toMatchObject({
      rule: 'CN-9',
      nextLawfulAt: undefined,
    });
    const close = {
      ...twoNotices,
      effectiveNoticesDeliveredAt: [new Date('2026-01-05T02:00:00Z'), new Date('2026-02-01T02:00:00Z')],
    };
    expect(checkAction(cn, referral('2026-04-20T02:00:00Z', close))).toMatchObject({
      rule: 'CN-9',
      nextLawfulAt: undefined,
    });
  });

  it('does not count a notice delivered after the instant asked about', () => {
    expect(checkAction(cn, referral('2026-02-09T02:00:00Z', { ...twoNotices }))).toMatchObject({
      rule: 'CN-9',
    });
  });

  it('stops while a cease state or a staff hold holds', () => {
    expect(checkAction(cn, referral('2026-03-16T02:00:00Z', twoNotices, ['litigation']))).toMatchObject({
      rule: 'SHARED-CEASE',
      nextLawfulAt: undefined,
    });
    expect(checkAction(cn, referral('2026-03-16T02:00:00Z', twoNotices, ['hold:review']))).toMatchObject({
      rule: 'SHARED-CEASE',
    });
  });
});

describe('US-9: no legal referral on a time-barred debt', () => {
  it('refuses it for good, and allows it otherwise (pack us has no evidence pack)', () => {
    const referral = action('2026-03-16T15:00:00Z', { action: 'legal-referral', flags: ['time-barred'] });
    expect(checkAction(us, referral)).toMatchObject({ rule: 'US-9', nextLawfulAt: undefined });
    expect(checkAction(us, { ...referral, flags: [] })).toEqual({ allowed: true });
  });
});

describe('freeze', () => {
  it('is always allowed: the bank’s own card, no rule bars it', () => {
    expect(checkAction(cn, action('2026-03-16T02:00:00Z', { action: 'freeze', flags: ['dispute'] }))).toEqual(
      {
        allowed: true,
      },
    );
  });
});
