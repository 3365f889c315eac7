/**
 * Property tests of the compliance guard against an independent checker written here from RULES.md and the
 * brief (its own numbers, its own Intl calendar arithmetic, brute-force windows), over random ledgers, flags,
 * zones and instants around the US spring-forward of 8 March 2026.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ContactRequest, checkContact } from '../../../lambdas/domain/compliance-guard';
import type { ContactOutcome, ContactPurpose, ContactRecord } from '../../../lambdas/domain/contact-record';
import { type ContactChannel, type PackId, policyPack } from '../../../lambdas/domain/policy-packs';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------------------
// The independent checker: which rules forbid this contact? Standing bars are marked so.

const US_ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'America/Adak',
  'Pacific/Honolulu',
];

const formatters = new Map<string, Intl.DateTimeFormat>();
function local(instant: number, zone: string): { day: number; hour: number } {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(instant))) parts[part.type] = Number(part.value);
  const { year = 0, month = 1, day = 1, hour = 0 } = parts;
  return { day: Date.UTC(year, month - 1, day) / DAY, hour };
}

interface Violation {
  readonly rule: string;
  readonly standing: boolean;
}

function violations(pack: PackId, request: ContactRequest): Violation[] {
  const found: Violation[] = [];
  const bar = (rule: string) => found.push({ rule, standing: true });
  const wait = (rule: string) => found.push({ rule, standing: false });
  const at = request.at.getTime();
  const dayZone = request.timeZone ?? (pack === 'cn' ? 'Asia/Shanghai' : 'America/New_York');
  const today = local(at, dayZone).day;
  const dayOf = (r: ContactRecord) => local(Date.parse(r.at), dayZone).day;
  const counted = request.history.filter((r) => r.outcome !== 'released' && r.outcome !== 'failed');
  const mine = counted.filter((r) => r.debtorKey === request.debtorKey);
  const maybeConversation = (r: ContactRecord) => r.outcome === 'connected' || r.outcome === 'reserved';

  const cease: Record<string, ContactPurpose[]> = {
    deceased: [],
    bankruptcy: [],
    litigation: [],
    hardship: [],
    dispute: ['verification'],
    ...(pack === 'us' ? { 'cease-communication': ['cease-confirmation'] as ContactPurpose[] } : {}),
  };
  for (const flag of request.flags) {
    const allowed = flag.startsWith('hold:') ? [] : cease[flag];
    if (allowed && !allowed.includes(request.purpose)) bar('cease');
  }
  const optOut = { sms: 'do_not_sms', email: 'do_not_email', call: 'do_not_call' } as Record<string, string>;
  if (optOut[request.channel] && request.flags.includes(optOut[request.channel] as string)) bar('opt-out');
  if (request.thirdParty && (request.automated || request.purpose !== 'call')) bar('third-party');
  if (
    pack === 'us' &&
    !request.facts.validationNoticeSentAt &&
    !['validation-notice', 'verification', 'cease-confirmation'].includes(request.purpose)
  ) {
    bar('US-3');
  }
  if (pack === 'us' && request.threatensSuit && request.flags.includes('time-barred')) bar('US-9');

  if (request.channel !== 'letter') {
    const zones = request.timeZone ? [request.timeZone] : pack === 'cn' ? ['Asia/Shanghai'] : US_ZONES;
    const end = pack === 'cn' ? 22 : 21;
    if (zones.some((zone) => local(at, zone).hour < 8 || local(at, zone).hour >= end)) wait('hours');
  }
  const isCall = request.channel === 'call';
  const toDebtor = !request.thirdParty;
  if (pack === 'cn' && isCall) {
    const sameNumber = counted.filter(
      (r) =>
        r.channel === 'call' &&
        (request.addressKey === undefined
          ? r.debtorKey === request.debtorKey
          : r.addressKey === request.addressKey) &&
        dayOf(r) === today,
    );
    if (sameNumber.length >= 6) wait('CN-2');
    if (toDebtor) {
      const talks = mine.filter(
        (r) => r.channel === 'call' && !r.thirdParty && maybeConversation(r) && dayOf(r) === today,
      );
      if (talks.length >= 3) wait('CN-3');
    }
  }
  if (pack === 'us' && isCall && toDebtor) {
    const calls = mine.filter((r) => r.channel === 'call' && !r.thirdParty && r.caseId === request.caseId);
    if (calls.some((r) => maybeConversation(r) && today - dayOf(r) >= 0 && today - dayOf(r) <= 6))
      wait('US-2');
    for (let first = today - 6; first <= today; first++) {
      const inWindow = calls.filter((r) => dayOf(r) >= first && dayOf(r) <= first + 6).length;
      if (inWindow + 1 > 7) wait('US-2');
    }
  }
  const reminder = (r: { channel: ContactChannel; purpose: ContactPurpose; automated: boolean }) =>
    r.automated && (r.channel === 'sms' || r.channel === 'email') && r.purpose === 'reminder';
  if (reminder(request) && mine.some((r) => reminder(r) && dayOf(r) === today)) wait('AUTO-DAILY');
  if (pack === 'cn' && request.purpose === 'collection-letter') {
    const letters = counted.filter((r) => r.caseId === request.caseId && r.purpose === 'collection-letter');
    if (letters.some((r) => Math.abs(Date.parse(r.at) - at) < 30 * DAY)) wait('CN-9');
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------
// Generators: small key spaces so that records collide on debtor, case and number; bursts so caps are reached.

const START = Date.parse('2026-03-04T00:00:00Z');
const SPAN = 9 * DAY; // 4–13 March: the clocks in New York spring forward on the 8th.

const channels: ContactChannel[] = ['sms', 'email', 'call', 'letter', 'visit'];
const purposes: ContactPurpose[] = [
  'reminder',
  'validation-notice',
  'collection-letter',
  'credit-report-notice',
  'cease-confirmation',
  'verification',
  'call',
];
const outcomes: ContactOutcome[] = [
  'reserved',
  'sent',
  'attempted',
  'connected',
  'delivered',
  'released',
  'failed',
];

const recordShape = fc.record({
  debtorKey: fc.constantFrom('d1', 'd1', 'd2'),
  caseId: fc.constantFrom('c1', 'c1', 'c2'),
  channel: fc.constantFrom<ContactChannel>('call', 'call', 'sms', 'email', 'letter'),
  addressKey: fc.constantFrom<string | undefined>('m1', 'm1', 'm2', undefined),
  outcome: fc.constantFrom(...outcomes),
  automated: fc.boolean(),
  purpose: fc.constantFrom<ContactPurpose>(
    'call',
    'reminder',
    'reminder',
    'collection-letter',
    'validation-notice',
  ),
});

/** A burst: `count` records like one shape, `spacing` apart, starting `offset` from the request. */
function burstOf(shape: typeof recordShape, count: fc.Arbitrary<number>, offset: fc.Arbitrary<number>) {
  return fc
    .record({
      shape,
      thirdParty: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
      count,
      offset,
      spacing: fc.integer({ min: 1, max: HOUR }),
    })
    .map(({ shape, thirdParty, count, offset, spacing }) =>
      Array.from({ length: count }, (_, i) => ({ ...shape, thirdParty, offsetMs: offset + i * spacing })),
    );
}

const anyBurst = burstOf(
  recordShape,
  fc.integer({ min: 1, max: 8 }),
  fc.oneof(
    fc.integer({ min: -14 * HOUR, max: 4 * HOUR }),
    fc.integer({ min: -8 * DAY, max: 0 }),
    fc.integer({ min: -40 * DAY, max: 0 }),
  ),
);
/** Calls to the debtor on the day asked about: enough of them to reach CN-2, CN-3 and US-2. */
const callsToday = burstOf(
  recordShape.map((shape) => ({ ...shape, channel: 'call' as const, debtorKey: 'd1', caseId: 'c1' })),
  fc.integer({ min: 2, max: 7 }),
  fc.integer({ min: -9 * HOUR, max: HOUR }),
);
const burst = fc.oneof({ arbitrary: anyBurst, weight: 3 }, { arbitrary: callsToday, weight: 1 });

const requestArb = fc.record({
  pack: fc.constantFrom<PackId>('cn', 'us'),
  at: fc.integer({ min: START, max: START + SPAN }),
  timeZone: fc.constantFrom<string | undefined>(
    'America/New_York',
    'America/New_York',
    'Asia/Shanghai',
    'Pacific/Honolulu',
    'Europe/London',
    undefined,
  ),
  channel: fc.oneof(fc.constantFrom(...channels), fc.constant<ContactChannel>('call')),
  purpose: fc.constantFrom(...purposes),
  automated: fc.boolean(),
  thirdParty: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
  debtorKey: fc.constantFrom('d1'),
  caseId: fc.constantFrom('c1', 'c2'),
  addressKey: fc.constantFrom<string | undefined>('m1', 'm2', undefined),
  threatensSuit: fc.boolean(),
  flags: fc.subarray(
    ['dispute', 'cease-communication', 'time-barred', 'hardship', 'hold:review', 'do_not_sms', 'vip'],
    {
      maxLength: 2,
    },
  ),
  validated: fc.integer({ min: 0, max: 4 }).map((n) => n !== 0),
  bursts: fc.array(burst, { maxLength: 5 }),
});

type Generated = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

function build(generated: Generated): { pack: PackId; request: ContactRequest } {
  const { pack, at, validated, bursts, ...rest } = generated;
  const history: ContactRecord[] = bursts.flat().map(({ offsetMs, ...shape }, i) => ({
    ...shape,
    contactId: `r${i}`,
    at: new Date(at + offsetMs).toISOString(),
  }));
  return {
    pack,
    request: {
      ...rest,
      at: new Date(at),
      history,
      facts: validated ? { validationNoticeSentAt: new Date(START - 20 * DAY) } : {},
    },
  };
}

const RUNS = 300;

describe('compliance guard against an independent checker', () => {
  it('never allows a contact the checker forbids, and refuses only what it forbids', () => {
    fc.assert(
      fc.property(requestArb, (generated) => {
        const { pack, request } = build(generated);
        const decision = checkContact(policyPack(pack), request);
        const forbidden = violations(pack, request);
        expect(decision.allowed, JSON.stringify(forbidden)).toBe(forbidden.length === 0);
        if (!decision.allowed) {
          // Waiting is offered exactly when no standing bar holds.
          expect(decision.nextLawfulAt === undefined).toBe(forbidden.some((v) => v.standing));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('offers as nextLawfulAt a later instant that is allowed when asked again, and the earliest such', () => {
    fc.assert(
      fc.property(requestArb, (generated) => {
        const { pack, request } = build(generated);
        const decision = checkContact(policyPack(pack), request);
        if (decision.allowed || decision.nextLawfulAt === undefined) return;
        const next = decision.nextLawfulAt;
        expect(next.getTime()).toBeGreaterThan(request.at.getTime());
        const again = { ...request, at: next };
        expect(checkContact(policyPack(pack), again)).toEqual({ allowed: true });
        expect(violations(pack, again)).toEqual([]);
        const justBefore = { ...request, at: new Date(next.getTime() - 1) };
        expect(checkContact(policyPack(pack), justBefore).allowed).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('reaches refusals of every timed rule in the runs above (the generators are not vacuous)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(requestArb, (generated) => {
        const { pack, request } = build(generated);
        const decision = checkContact(policyPack(pack), request);
        if (!decision.allowed && decision.nextLawfulAt) seen.add(decision.rule);
        for (const v of violations(pack, request)) seen.add(v.rule);
      }),
      { numRuns: RUNS },
    );
    for (const rule of ['CN-1', 'US-1', 'CN-2', 'CN-3', 'US-2', 'AUTO-DAILY', 'CN-9']) {
      expect(seen, rule).toContain(rule);
    }
  });
});
