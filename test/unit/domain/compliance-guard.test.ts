import { describe, expect, it } from 'vitest';
import {
  type ContactRequest,
  checkContact,
  checkContactPreLedger,
  type GuardDecision,
  nextLawfulMoment,
} from '../../../lambdas/domain/compliance-guard';
import type { ContactRecord } from '../../../lambdas/domain/contact-record';
import { policyPack } from '../../../lambdas/domain/policy-packs';

const cn = policyPack('cn');
const us = policyPack('us');
const VALIDATED = { validationNoticeSentAt: new Date('2026-02-01T15:00:00Z') };

/** An automated SMS reminder to debtor d1 on case c1 with an empty ledger; US requests are validated already. */
function sms(at: string, overrides: Partial<ContactRequest> = {}): ContactRequest {
  return {
    channel: 'sms',
    at: new Date(at),
    timeZone: 'Asia/Shanghai',
    flags: [],
    automated: true,
    purpose: 'reminder',
    thirdParty: false,
    debtorKey: 'd1',
    caseId: 'c1',
    addressKey: 'm1',
    history: [],
    facts: VALIDATED,
    ...overrides,
  };
}

function call(at: string, overrides: Partial<ContactRequest> = {}): ContactRequest {
  return sms(at, { channel: 'call', automated: false, purpose: 'call', ...overrides });
}

function record(at: string, overrides: Partial<ContactRecord> = {}): ContactRecord {
  return {
    contactId: `r-${at}-${Math.random()}`,
    debtorKey: 'd1',
    caseId: 'c1',
    channel: 'call',
    addressKey: 'm1',
    at,
    outcome: 'attempted',
    automated: false,
    purpose: 'call',
    ...overrides,
  };
}

function nextLawful(decision: GuardDecision): string | undefined {
  return decision.allowed ? 'allowed' : decision.nextLawfulAt?.toISOString();
}

describe('CN-1: no contact 22:00–08:00 debtor time', () => {
  it('allows an SMS at 21:59 Shanghai time', () => {
    expect(checkContact(cn, sms('2026-03-01T13:59:00Z'))).toEqual({ allowed: true });
  });

  it('refuses an SMS at 22:00 Shanghai time under CN-1, lawful again at 08:00 the next local day', () => {
    const decision = checkContact(cn, sms('2026-03-01T14:00:00Z'));
    expect(decision).toMatchObject({ allowed: false, rule: 'CN-1' });
    expect(nextLawful(decision)).toBe('2026-03-02T00:00:00.000Z');
  });

  it('refuses at 07:59 and points at 08:00 the same local day', () => {
    // 07:59 on 2 March in Shanghai is still 1 March in UTC.
    const decision = checkContact(cn, sms('2026-03-01T23:59:00Z'));
    expect(decision).toMatchObject({ allowed: false, rule: 'CN-1' });
    expect(nextLawful(decision)).toBe('2026-03-02T00:00:00.000Z');
  });

  it('applies the window to calls, email and visits but not to letters', () => {
    const night = '2026-03-01T15:00:00Z';
    for (const channel of ['call', 'email', 'visit'] as const) {
      expect(checkContact(cn, sms(night, { channel, purpose: 'call' })).allowed).toBe(false);
    }
    expect(checkContact(cn, sms(night, { channel: 'letter', purpose: 'collection-letter' }))).toEqual({
      allowed: true,
    });
  });

  it('reads the window in the debtor zone, not in Shanghai', () => {
    // 23:00 in Shanghai is 10:00 in New York.
    expect(checkContact(cn, sms('2026-03-01T15:00:00Z', { timeZone: 'America/New_York' }))).toEqual({
      allowed: true,
    });
  });

  it('keeps to Shanghai hours when the location is unknown', () => {
    expect(checkContact(cn, sms('2026-03-01T14:00:00Z', { timeZone: undefined }))).toMatchObject({
      rule: 'CN-1',
      nextLawfulAt: new Date('2026-03-02T00:00:00Z'),
    });
  });
});

describe('US-1: 08:00–21:00 at the consumer location', () => {
  const newYork = { timeZone: 'America/New_York' };

  it('allows an SMS at 20:59 New York time and refuses it at 21:00, lawful at 08:00 the next day', () => {
    expect(checkContact(us, sms('2026-03-02T01:59:00Z', newYork))).toEqual({ allowed: true });
    const decision = checkContact(us, sms('2026-03-02T02:00:00Z', newYork));
    expect(decision).toMatchObject({ allowed: false, rule: 'US-1' });
    expect(nextLawful(decision)).toBe('2026-03-02T13:00:00.000Z');
  });

  it('points at 08:00 daylight time when the clocks change overnight', () => {
    // 22:00 EST on 7 March; the next morning is in EDT (UTC-4).
    expect(nextLawful(checkContact(us, sms('2026-03-08T03:00:00Z', newYork)))).toBe(
      '2026-03-08T12:00:00.000Z',
    );
  });

  it('with the location unknown, refuses noon in New York because it is 07:00 in Honolulu', () => {
    const decision = checkContact(us, sms('2026-03-02T17:00:00Z', { timeZone: undefined }));
    expect(decision).toMatchObject({ allowed: false, rule: 'US-1' });
    expect(nextLawful(decision)).toBe('2026-03-02T18:00:00.000Z');
  });

  it('with the location unknown, refuses 20:00 in Honolulu because it is 01:00 in New York', () => {
    // 15:00 HST is 20:00 EST: lawful everywhere; 16:00 HST is 21:00 EST.
    expect(checkContact(us, sms('2026-03-03T01:00:00Z', { timeZone: undefined }))).toEqual({ allowed: true });
    const decision = checkContact(us, sms('2026-03-03T02:00:00Z', { timeZone: undefined }));
    expect(decision).toMatchObject({ allowed: false, rule: 'US-1' });
    expect(nextLawful(decision)).toBe('2026-03-03T18:00:00.000Z');
  });

  it('with the location unknown after the clocks change, the window ends at 21:00 EDT (01:00Z)', () => {
    expect(checkContact(us, sms('2026-03-10T00:59:00Z', { timeZone: undefined }))).toEqual({ allowed: true });
    expect(checkContact(us, sms('2026-03-10T01:00:00Z', { timeZone: undefined }))).toMatchObject({
      rule: 'US-1',
      nextLawfulAt: new Date('2026-03-10T18:00:00Z'),
    });
  });
});

describe('cease states, staff holds and opt-outs (both packs)', () => {
  it.each(['deceased', 'dispute', 'bankruptcy', 'litigation', 'hardship', 'hold:complaint'])(
    'refuses a reminder while %s holds, with no next lawful moment',
    (flag) => {
      expect(checkContact(cn, sms('2026-03-02T02:00:00Z', { flags: [flag] }))).toEqual({
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

  it('ignores flags that are no cease state, even ones named like object properties', () => {
    expect(checkContact(cn, sms('2026-03-02T02:00:00Z', { flags: ['constructor', 'vip'] }))).toEqual({
      allowed: true,
    });
  });

  it('refuses SMS under do_not_sms but still allows email and calls', () => {
    const flags = ['do_not_sms'];
    expect(checkContact(cn, sms('2026-03-02T02:00:00Z', { flags }))).toMatchObject({
      rule: 'OPT-OUT',
      nextLawfulAt: undefined,
    });
    expect(checkContact(cn, sms('2026-03-02T02:00:00Z', { flags, channel: 'email' }))).toEqual({
      allowed: true,
    });
    expect(checkContact(cn, call('2026-03-02T02:00:00Z', { flags }))).toEqual({ allowed: true });
  });

  it('US-4: an open dispute refuses a reminder and a call, but lets the verification go', () => {
    const at = '2026-03-02T15:00:00Z';
    const base = { flags: ['dispute'], timeZone: 'America/New_York' };
    expect(checkContact(us, sms(at, base))).toMatchObject({ rule: 'US-4', nextLawfulAt: undefined });
    expect(checkContact(us, call(at, base))).toMatchObject({ rule: 'US-4', nextLawfulAt: undefined });
    expect(checkContact(us, sms(at, { ...base, channel: 'email', purpose: 'verification' }))).toEqual({
      allowed: true,
    });
  });

  it('CN: a dispute still lets the answer to the objection go (CN-6)', () => {
    expect(
      checkContact(cn, sms('2026-03-02T02:00:00Z', { flags: ['dispute'], purpose: 'verification' })),
    ).toEqual({ allowed: true });
  });

  it('US-5: after a cease-communication request only the confirmation may be sent', () => {
    const at = '2026-03-02T15:00:00Z';
    const base = { flags: ['cease-communication'], timeZone: 'America/New_York' };
    expect(checkContact(us, sms(at, base))).toMatchObject({ rule: 'US-5', nextLawfulAt: undefined });
    expect(
      checkContact(us, sms(at, { ...base, channel: 'letter', purpose: 'collection-letter' })),
    ).toMatchObject({
      rule: 'US-5',
    });
    expect(checkContact(us, sms(at, { ...base, channel: 'letter', purpose: 'cease-confirmation' }))).toEqual({
      allowed: true,
    });
  });
});

describe('CN-4: third parties', () => {
  it('refuses any automated contact with a third party, at any hour, for good', () => {
    const decision = checkContact(cn, sms('2026-03-02T02:00:00Z', { thirdParty: true }));
    expect(decision).toMatchObject({ allowed: false, rule: 'CN-4', nextLawfulAt: undefined });
  });

  it('lets a person call a third party (to ask for contact details), but not send them a letter', () => {
    expect(checkContact(cn, call('2026-03-02T02:00:00Z', { thirdParty: true }))).toEqual({ allowed: true });
    const letter = sms('2026-03-02T02:00:00Z', {
      thirdParty: true,
      automated: false,
      channel: 'letter',
      purpose: 'collection-letter',
    });
    expect(checkContact(cn, letter)).toMatchObject({ rule: 'CN-4', nextLawfulAt: undefined });
  });

  it('pack us keeps the same shape under its own rule id', () => {
    const decision = checkContact(
      us,
      sms('2026-03-02T15:00:00Z', { thirdParty: true, timeZone: 'America/New_York' }),
    );
    expect(decision).toMatchObject({ rule: 'US-THIRD-PARTY', nextLawfulAt: undefined });
  });
});

describe('CN-2: at most 6 call attempts per number per day', () => {
  // 10:00–10:50 Shanghai on 2 March.
  const sixAttempts = [0, 10, 20, 30, 40, 50].map((m) =>
    record(`2026-03-02T02:${String(m).padStart(2, '0')}:00Z`),
  );

  it('allows the sixth attempt and refuses the seventh, lawful at 08:00 the next local day', () => {
    expect(checkContact(cn, call('2026-03-02T03:00:00Z', { history: sixAttempts.slice(0, 5) }))).toEqual({
      allowed: true,
    });
    const decision = checkContact(cn, call('2026-03-02T03:00:00Z', { history: sixAttempts }));
    expect(decision).toMatchObject({ allowed: false, rule: 'CN-2' });
    expect(nextLawful(decision)).toBe('2026-03-03T00:00:00.000Z');
  });

  it('counts attempts by anyone on the number and reserved slots, but not released or failed ones', () => {
    const mixed = [
      ...sixAttempts.slice(0, 4),
      record('2026-03-02T02:41:00Z', { debtorKey: 'd2', caseId: 'c9' }),
      record('2026-03-02T02:42:00Z', { outcome: 'reserved' }),
    ];
    expect(checkContact(cn, call('2026-03-02T03:00:00Z', { history: mixed }))).toMatchObject({
      rule: 'CN-2',
    });
    const freed = mixed.map((r, i) =>
      i >= 4 ? { ...r, outcome: i === 4 ? 'released' : 'failed' } : r,
    ) as ContactRecord[];
    expect(checkContact(cn, call('2026-03-02T03:00:00Z', { history: freed }))).toEqual({ allowed: true });
  });

  it('counts per number: another number of the same debtor may still be tried', () => {
    expect(
      checkContact(cn, call('2026-03-02T03:00:00Z', { history: sixAttempts, addressKey: 'm2' })),
    ).toEqual({
      allowed: true,
    });
  });

  it('counts per Shanghai day: attempts of the day before do not count', () => {
    const yesterday = sixAttempts.map((r) => ({ ...r, at: r.at.replace('03-02', '03-01') }));
    expect(checkContact(cn, call('2026-03-02T03:00:00Z', { history: yesterday }))).toEqual({ allowed: true });
  });
});

describe('CN-3: at most 3 connected conversations per debtor per day', () => {
  const three = ['02:00', '03:00', '04:00'].map((t, i) =>
    record(`2026-03-02T${t}:00Z`, { outcome: 'connected', addressKey: `m${i}` }),
  );

  it('refuses a fourth call on any number once three conversations took place, lawful the next morning', () => {
    const decision = checkContact(cn, call('2026-03-02T05:00:00Z', { history: three, addressKey: 'm9' }));
    expect(decision).toMatchObject({ rule: 'CN-3' });
    expect(nextLawful(decision)).toBe('2026-03-03T00:00:00.000Z');
  });

  it('counts a reserved call as a conversation (it may connect) and ignores calls to third parties', () => {
    const withReserved = [...three.slice(0, 2), { ...three[2], outcome: 'reserved' } as ContactRecord];
    expect(checkContact(cn, call('2026-03-02T05:00:00Z', { history: withReserved }))).toMatchObject({
      rule: 'CN-3',
    });
    const thirdParty = three.map((r) => ({ ...r, thirdParty: true }));
    expect(checkContact(cn, call('2026-03-02T05:00:00Z', { history: thirdParty, addressKey: 'm9' }))).toEqual(
      {
        allowed: true,
      },
    );
  });
});

describe('US-2: 7 calls in 7 days, none within 7 days after a conversation', () => {
  const ny = { timeZone: 'America/New_York' };
  // One unanswered call at 10:00 EST on each of 2–8 March.
  const week = [2, 3, 4, 5, 6, 7]
    .map((d) => record(`2026-03-0${d}T15:00:00Z`))
    .concat(record('2026-03-08T14:00:00Z'));

  it('refuses an eighth call in 7 days, lawful when the first day leaves the window', () => {
    const request = call('2026-03-08T18:00:00Z', { ...ny, history: week });
    const decision = checkContact(us, request);
    expect(decision).toMatchObject({ rule: 'US-2' });
    // 9 March 00:00 EDT is 04:00Z, but US-1 holds until 08:00 EDT.
    expect(nextLawful(decision)).toBe('2026-03-09T12:00:00.000Z');
    expect(checkContact(us, { ...request, at: new Date('2026-03-09T12:00:00Z') })).toEqual({ allowed: true });
  });

  it('refuses any call for 7 days after a conversation, its day being day 1', () => {
    const conversation = [record('2026-03-02T15:00:00Z', { outcome: 'connected' })];
    const decision = checkContact(us, call('2026-03-08T20:00:00Z', { ...ny, history: conversation }));
    expect(decision).toMatchObject({ rule: 'US-2', nextLawfulAt: new Date('2026-03-09T12:00:00Z') });
    expect(checkContact(us, call('2026-03-09T12:00:00Z', { ...ny, history: conversation }))).toEqual({
      allowed: true,
    });
  });

  it('counts per debt: a conversation about another account of the person does not bar this one', () => {
    const other = [record('2026-03-02T15:00:00Z', { outcome: 'connected', caseId: 'c2' })];
    expect(checkContact(us, call('2026-03-03T15:00:00Z', { ...ny, history: other }))).toEqual({
      allowed: true,
    });
  });
});

describe('AUTO-DAILY: one automated reminder per person per local day', () => {
  const sent = record('2026-03-02T01:00:00Z', {
    channel: 'sms',
    automated: true,
    purpose: 'reminder',
    caseId: 'c2',
  });

  it('refuses a second automated reminder the same Shanghai day, even on another account, until 08:00 next day', () => {
    const decision = checkContact(cn, sms('2026-03-02T06:00:00Z', { history: [sent], channel: 'email' }));
    expect(decision).toMatchObject({ rule: 'AUTO-DAILY' });
    expect(nextLawful(decision)).toBe('2026-03-03T00:00:00.000Z');
  });

  it('counts per Shanghai day: the next morning is a new day', () => {
    expect(checkContact(cn, sms('2026-03-03T00:30:00Z', { history: [sent] }))).toEqual({ allowed: true });
  });

  it('does not cap a person’s SMS, nor count a failed reminder', () => {
    expect(checkContact(cn, sms('2026-03-02T06:00:00Z', { history: [sent], automated: false }))).toEqual({
      allowed: true,
    });
    const failed = { ...sent, outcome: 'failed' } as const;
    expect(checkContact(cn, sms('2026-03-02T06:00:00Z', { history: [failed] }))).toEqual({ allowed: true });
  });

  it('applies in pack us as well, per New York day', () => {
    const usSent = { ...sent, at: '2026-03-02T14:00:00Z' };
    const decision = checkContact(
      us,
      sms('2026-03-02T20:00:00Z', { history: [usSent], timeZone: 'America/New_York' }),
    );
    expect(decision).toMatchObject({ rule: 'AUTO-DAILY', nextLawfulAt: new Date('2026-03-03T13:00:00Z') });
  });
});

describe('US-3: the validation notice before any other collection communication', () => {
  const ny = { timeZone: 'America/New_York', facts: {} };

  it('refuses a reminder before the validation notice, with no next lawful moment', () => {
    expect(checkContact(us, sms('2026-03-02T15:00:00Z', ny))).toMatchObject({
      rule: 'US-3',
      nextLawfulAt: undefined,
    });
    expect(checkContact(us, call('2026-03-02T15:00:00Z', ny))).toMatchObject({ rule: 'US-3' });
  });

  it('lets the validation notice itself go, and everything else once it has been sent', () => {
    const notice = sms('2026-03-02T15:00:00Z', { ...ny, channel: 'letter', purpose: 'validation-notice' });
    expect(checkContact(us, notice)).toEqual({ allowed: true });
    expect(checkContact(us, sms('2026-03-02T15:00:00Z', { timeZone: 'America/New_York' }))).toEqual({
      allowed: true,
    });
  });

  it('is no rule of pack cn', () => {
    expect(checkContact(cn, sms('2026-03-02T02:00:00Z', { facts: {} }))).toEqual({ allowed: true });
  });
});

describe('US-9: no threat of suit on a time-barred debt', () => {
  const letter = {
    timeZone: 'America/New_York',
    channel: 'letter',
    purpose: 'collection-letter',
    automated: true,
    flags: ['time-barred'],
  } as const;

  it('refuses a letter that threatens suit, for good, and allows one that does not', () => {
    expect(checkContact(us, sms('2026-03-02T15:00:00Z', { ...letter, threatensSuit: true }))).toMatchObject({
      rule: 'US-9',
      nextLawfulAt: undefined,
    });
    expect(checkContact(us, sms('2026-03-02T15:00:00Z', letter))).toEqual({ allowed: true });
  });
});

describe('CN-9: letters of one case at least 30 days apart', () => {
  const letter = { channel: 'letter', purpose: 'collection-letter', addressKey: undefined } as const;
  const posted = record('2026-03-01T02:00:00Z', { ...letter, outcome: 'delivered' });

  it('refuses a second letter 20 days later, lawful 30 days after the first', () => {
    const decision = checkContact(cn, sms('2026-03-21T02:00:00Z', { ...letter, history: [posted] }));
    expect(decision).toMatchObject({ rule: 'CN-9' });
    expect(nextLawful(decision)).toBe('2026-03-31T02:00:00.000Z');
  });

  it('ignores failed letters and letters of the debtor’s other cases', () => {
    const history = [{ ...posted, outcome: 'failed' } as const, { ...posted, caseId: 'c2' }];
    expect(checkContact(cn, sms('2026-03-21T02:00:00Z', { ...letter, history }))).toEqual({ allowed: true });
  });

  it('is no rule of pack us', () => {
    const request = sms('2026-03-21T15:00:00Z', {
      ...letter,
      history: [posted],
      timeZone: 'America/New_York',
    });
    expect(checkContact(us, request)).toEqual({ allowed: true });
  });
});

describe('nextLawfulMoment', () => {
  it('is the requested instant when lawful, the next opening in quiet hours, undefined under a cease flag', () => {
    expect(nextLawfulMoment(cn, sms('2026-03-02T02:00:00Z'))?.toISOString()).toBe('2026-03-02T02:00:00.000Z');
    expect(nextLawfulMoment(cn, sms('2026-03-01T15:00:00Z'))?.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(nextLawfulMoment(cn, sms('2026-03-02T02:00:00Z', { flags: ['deceased'] }))).toBeUndefined();
  });

  it('waits past every rule at once: a daily cap reached at 21:00 lands at 08:00, not at midnight', () => {
    const sent = record('2026-03-02T01:00:00Z', { channel: 'sms', automated: true, purpose: 'reminder' });
    expect(nextLawfulMoment(cn, sms('2026-03-02T13:00:00Z', { history: [sent] }))?.toISOString()).toBe(
      '2026-03-03T00:00:00.000Z',
    );
  });
});

describe('the pre-ledger path of the use cases not yet on the ledger', () => {
  it('keeps hours, cease flags and opt-outs, for an automated reminder with no history', () => {
    const base = { channel: 'sms', timeZone: 'America/New_York', flags: [] } as const;
    expect(checkContactPreLedger(us, { ...base, at: new Date('2026-03-02T02:00:00Z') })).toMatchObject({
      rule: 'US-1',
      nextLawfulAt: new Date('2026-03-02T13:00:00Z'),
    });
    expect(
      checkContactPreLedger(us, { ...base, flags: ['hardship'], at: new Date('2026-03-02T15:00:00Z') }),
    ).toMatchObject({ rule: 'SHARED-CEASE' });
    // It cannot know whether the validation notice went out, so US-3 is not among its rules.
    expect(checkContactPreLedger(us, { ...base, at: new Date('2026-03-02T15:00:00Z') })).toEqual({
      allowed: true,
    });
  });
});
