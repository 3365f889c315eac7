import { describe, expect, it } from 'vitest';
import {
  type ContactRequest,
  checkContact,
  nextLawfulMoment,
} from '../../../lambdas/domain/compliance-guard';
import { policyPack } from '../../../lambdas/domain/policy-packs';

const cn = policyPack('cn');
const us = policyPack('us');

function sms(at: string, overrides: Partial<ContactRequest> = {}): ContactRequest {
  return { channel: 'sms', at: new Date(at), timeZone: 'Asia/Shanghai', flags: [], ...overrides };
}

describe('compliance guard, pack cn (CN-1: no contact 22:00–08:00 debtor time)', () => {
  it('allows an SMS at 21:59 Shanghai time', () => {
    expect(checkContact(cn, sms('2026-03-01T13:59:00Z'))).toEqual({ allowed: true });
  });

  it('refuses an SMS at 22:00 Shanghai time under CN-1, lawful again at 08:00 the next local day', () => {
    const decision = checkContact(cn, sms('2026-03-01T14:00:00Z'));
    expect(decision).toMatchObject({ allowed: false, rule: 'CN-1' });
    expect(decision.allowed === false && decision.nextLawfulAt?.toISOString()).toBe(
      '2026-03-02T00:00:00.000Z',
    );
  });

  it('refuses an SMS at 22:30 Shanghai time', () => {
    expect(checkContact(cn, sms('2026-03-01T14:30:00Z'))).toMatchObject({ allowed: false, rule: 'CN-1' });
  });

  it('refuses at 07:59 and points at 08:00 the same local day', () => {
    // 07:59 on 2 March in Shanghai is still 1 March in UTC.
    const decision = checkContact(cn, sms('2026-03-01T23:59:00Z'));
    expect(decision).toMatchObject({ allowed: false, rule: 'CN-1' });
    expect(decision.allowed === false && decision.nextLawfulAt?.toISOString()).toBe(
      '2026-03-02T00:00:00.000Z',
    );
  });

  it('allows an SMS at exactly 08:00 Shanghai time', () => {
    expect(checkContact(cn, sms('2026-03-02T00:00:00Z'))).toEqual({ allowed: true });
  });

  it('applies the window to calls, email and visits but not to letters', () => {
    const night = '2026-03-01T15:00:00Z';
    for (const channel of ['call', 'email', 'visit'] as const) {
      expect(checkContact(cn, sms(night, { channel })).allowed).toBe(false);
    }
    expect(checkContact(cn, sms(night, { channel: 'letter' }))).toEqual({ allowed: true });
  });

  it('reads the window in the debtor zone, not in Shanghai', () => {
    // 23:00 in Shanghai is 10:00 in New York.
    expect(checkContact(cn, sms('2026-03-01T15:00:00Z', { timeZone: 'America/New_York' }))).toEqual({
      allowed: true,
    });
  });
});

describe('compliance guard, pack us (US-1: 08:00–21:00 at the consumer location)', () => {
  const newYork = { timeZone: 'America/New_York' };

  it('allows an SMS at 20:59 New York time', () => {
    expect(checkContact(us, sms('2026-03-02T01:59:00Z', newYork))).toEqual({ allowed: true });
  });

  it('refuses an SMS at 21:00 New York time under US-1, lawful at 08:00 the next day', () => {
    const decision = checkContact(us, sms('2026-03-02T02:00:00Z', newYork));
    expect(decision).toMatchObject({ allowed: false, rule: 'US-1' });
    expect(decision.allowed === false && decision.nextLawfulAt?.toISOString()).toBe(
      '2026-03-02T13:00:00.000Z',
    );
  });

  it('points at 08:00 daylight time when the clocks change overnight', () => {
    // 22:00 EST on 7 March; the next morning is in EDT (UTC-4).
    const decision = checkContact(us, sms('2026-03-08T03:00:00Z', newYork));
    expect(decision.allowed === false && decision.nextLawfulAt?.toISOString()).toBe(
      '2026-03-08T12:00:00.000Z',
    );
  });
});

describe('compliance guard, cease flags and opt-outs', () => {
  it.each(['deceased', 'dispute', 'bankruptcy', 'litigation', 'hardship'])(
    'refuses any contact while %s holds, with no next lawful moment',
    (flag) => {
      const decision = checkContact(cn, sms('2026-03-02T02:00:00Z', { flags: [flag] }));
      expect(decision).toEqual({
        allowed: false,
        rule: 'SHARED-CEASE',
        reason: `collection ceased: ${flag}`,
        nextLawfulAt: undefined,
      });
    },
  );

  it('lets a cease flag win over quiet hours, so waiting is never offered', () => {
    const decision = checkContact(cn, sms('2026-03-01T15:00:00Z', { flags: ['dispute'] }));
    expect(decision).toMatchObject({ allowed: false, rule: 'SHARED-CEASE', nextLawfulAt: undefined });
  });

  it('refuses SMS under do_not_sms but still allows email and calls', () => {
    const flags = ['do_not_sms'];
    expect(checkContact(cn, sms('2026-03-02T02:00:00Z', { flags }))).toMatchObject({
      allowed: false,
      rule: 'OPT-OUT',
      nextLawfulAt: undefined,
    });
    expect(checkContact(cn, sms('2026-03-02T02:00:00Z', { flags, channel: 'email' }))).toEqual({
      allowed: true,
    });
    expect(checkContact(cn, sms('2026-03-02T02:00:00Z', { flags, channel: 'call' }))).toEqual({
      allowed: true,
    });
  });
});

describe('nextLawfulMoment', () => {
  it('is the requested instant when it is lawful', () => {
    expect(nextLawfulMoment(cn, sms('2026-03-02T02:00:00Z'))?.toISOString()).toBe('2026-03-02T02:00:00.000Z');
  });

  it('is the next window opening in quiet hours', () => {
    expect(nextLawfulMoment(cn, sms('2026-03-01T15:00:00Z'))?.toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });

  it('is undefined while a cease flag holds', () => {
    expect(nextLawfulMoment(cn, sms('2026-03-02T02:00:00Z', { flags: ['deceased'] }))).toBeUndefined();
  });
});
