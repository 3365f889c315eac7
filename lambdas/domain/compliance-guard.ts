/**
 * The compliance guard: the single choke point every contact (automated or by a person) and every collection
 * step that is not a contact (action-guard) asks first. Pure: it decides on the request, the debtor's ledger
 * records and the case's facts; every number it applies comes from the policy pack. A refusal names its rule
 * and `nextLawfulAt`, the earliest instant the same request would be allowed if nothing else happened
 * (undefined when only a change of state can cure it); see guard-decision.
 */

import { type ContactPurpose, type ContactRecord, countsAsContact } from './contact-record';
import { dayNumber } from './delinquency';
import {
  type CaseFacts,
  ceaseStateOf,
  DAY_MS,
  type DebtorDays,
  debtorDays,
  decide,
  type GuardDecision,
  type Refusal,
  type Rule,
  refusalsOf,
  standing,
  startOfDay,
} from './guard-decision';
import type { ContactChannel, PolicyPack } from './policy-packs';
import { localDate, wallTimeIn } from './zoned-time';

export { type ActionRequest, type CollectionAction, checkAction } from './action-guard';
export type { CaseFacts, GuardDecision } from './guard-decision';

export interface ContactRequest {
  readonly channel: ContactChannel;
  /** When the contact would happen. */
  readonly at: Date;
  /** The debtor's IANA time zone; undefined when the location is unknown. */
  readonly timeZone: string | undefined;
  /** Feed flags, staff holds (`hold:<reason>`) and case states (`dispute`, `cease-communication`, `time-barred`). */
  readonly flags: readonly string[];
  /** True for the ladder's contacts, false for a person's. */
  readonly automated: boolean;
  readonly purpose: ContactPurpose;
  /** True when someone other than the debtor would be contacted. */
  readonly thirdParty: boolean;
  readonly debtorKey: string;
  readonly caseId: string;
  /** Blind index of the number or address to contact; undefined for a letter. */
  readonly addressKey: string | undefined;
  /** The template threatens suit (US-9). */
  readonly threatensSuit?: boolean;
  /** The ledger's recent records of this debtor and of this address (ContactLedger.read). */
  readonly history: readonly ContactRecord[];
  readonly facts: CaseFacts;
}

/** Decides whether a contact may happen at `request.at` under `pack`, and if not, when it may. */
export function checkContact(pack: PolicyPack, request: ContactRequest): GuardDecision {
  const days = debtorDays(request.timeZone ?? pack.referenceZone);
  return decide(request.at, (at) => refusalsOf(CONTACT_RULES, pack, { ...request, at }, days));
}

/** The earliest lawful instant at or after `request.at`; undefined when a standing bar holds. */
export function nextLawfulMoment(pack: PolicyPack, request: ContactRequest): Date | undefined {
  const decision = checkContact(pack, request);
  return decision.allowed ? request.at : decision.nextLawfulAt;
}

/** What the use cases written before the contact ledger know of a reminder. */
export interface PreLedgerRequest {
  readonly channel: ContactChannel;
  readonly at: Date;
  readonly timeZone: string;
  readonly flags: readonly string[];
}

/**
 * The guard for the use cases that do not read the contact ledger or track the validation notice yet
 * (plan-next-step, send-reminder, being rewritten): only the rules those inputs can decide — cease flags,
 * opt-outs and contact hours — for an automated reminder with no history. Goes when they move to checkContact.
 */
export function checkContactPreLedger(pack: PolicyPack, request: PreLedgerRequest): GuardDecision {
  const full: ContactRequest = {
    ...request,
    automated: true,
    purpose: 'reminder',
    thirdParty: false,
    debtorKey: '',
    caseId: '',
    addressKey: undefined,
    history: [],
    facts: {},
  };
  const days = debtorDays(request.timeZone);
  return decide(request.at, (at) => refusalsOf(PRE_LEDGER_RULES, pack, { ...full, at }, days));
}

export function nextLawfulMomentPreLedger(pack: PolicyPack, request: PreLedgerRequest): Date | undefined {
  const decision = checkContactPreLedger(pack, request);
  return decision.allowed ? request.at : decision.nextLawfulAt;
}

const ceaseStates: Rule<ContactRequest> = (pack, request) => {
  for (const flag of request.flags) {
    const state = ceaseStateOf(pack, flag);
    if (state && !state.stillAllowed.includes(request.purpose)) {
      return standing(state.rule, `collection ceased: ${flag}`);
    }
  }
  return undefined;
};

const channelOptOut: Rule<ContactRequest> = (pack, request) => {
  const optOut = pack.channelOptOutFlags[request.channel];
  return optOut && request.flags.includes(optOut)
    ? standing('OPT-OUT', `debtor opted out: ${optOut}`)
    : undefined;
};

const thirdPartyLimits: Rule<ContactRequest> = (pack, request) => {
  if (!request.thirdParty) return undefined;
  const { rule, personPurposes } = pack.thirdParty;
  if (request.automated) return standing(rule, 'no automated contact with a third party');
  return personPurposes.includes(request.purpose)
    ? undefined
    : standing(rule, `a third party may not be contacted for ${request.purpose}`);
};

const validationNoticeFirst: Rule<ContactRequest> = (pack, request) => {
  const spec = pack.validationNotice;
  if (!spec || request.facts.validationNoticeSentAt || spec.exemptPurposes.includes(request.purpose)) {
    return undefined;
  }
  return standing(spec.rule, 'the validation notice must be sent before any other collection communication');
};

const noSuitThreatWhenTimeBarred: Rule<ContactRequest> = (pack, request) => {
  const spec = pack.timeBarred;
  if (!spec || !request.threatensSuit || !request.flags.includes(spec.flag)) return undefined;
  return standing(spec.rule, 'no threat of suit on a time-barred debt');
};

const contactHours: Rule<ContactRequest> = (pack, request) => {
  if (!pack.quietHoursChannels.includes(request.channel)) return undefined;
  const { startHour, endHour, rule, unknownLocationZones } = pack.contactWindow;
  const zones = request.timeZone ? [request.timeZone] : unknownLocationZones;
  let opening: number | undefined;
  for (const zone of zones) {
    const hour = wallTimeIn(request.at, zone).hour;
    if (hour < startHour || hour >= endHour) {
      const today = dayNumber(localDate(request.at, zone));
      const opensAt = startOfDay(hour >= endHour ? today + 1 : today, zone, startHour).getTime();
      opening = Math.max(opening ?? opensAt, opensAt);
    }
  }
  if (opening === undefined) return undefined;
  const where = request.timeZone ? 'debtor local time' : 'in every zone the debtor may be in';
  return {
    rule,
    reason: `outside lawful contact hours ${startHour}:00–${endHour}:00 ${where}`,
    lawfulFrom: new Date(opening),
  };
};

/** A reserved call may yet connect: for the rules about conversations it counts as one. */
function mayHaveConnected(record: ContactRecord): boolean {
  return record.outcome === 'connected' || record.outcome === 'reserved';
}

/** Counted records on the request's local day (the whole day: a record a moment later still took the slot). */
function sameDay(
  request: ContactRequest,
  days: DebtorDays,
  include: (record: ContactRecord) => boolean,
): number {
  const today = days.dayOf(request.at);
  return request.history.filter(
    (r) => countsAsContact(r) && include(r) && days.dayOf(new Date(r.at)) === today,
  ).length;
}

function dailyCapReached(rule: string, reason: string, request: ContactRequest, days: DebtorDays): Refusal {
  return { rule, reason, lawfulFrom: days.startOf(days.dayOf(request.at) + 1) };
}

const callAttemptsPerNumber: Rule<ContactRequest> = (pack, request, days) => {
  const cap = pack.callAttemptsPerNumberPerDay;
  if (!cap || request.channel !== 'call') return undefined;
  // Without a number, every call of the debtor's is taken to be on it.
  const sameNumber = (r: ContactRecord) =>
    request.addressKey === undefined
      ? r.debtorKey === request.debtorKey
      : r.addressKey === request.addressKey;
  const attempts = sameDay(request, days, (r) => r.channel === 'call' && sameNumber(r));
  return attempts >= cap.max
    ? dailyCapReached(cap.rule, `${cap.max} call attempts to this number today`, request, days)
    : undefined;
};

const conversationsPerDay: Rule<ContactRequest> = (pack, request, days) => {
  const cap = pack.conversationsPerDebtorPerDay;
  if (!cap || request.channel !== 'call' || request.thirdParty) return undefined;
  const conversations = sameDay(
    request,
    days,
    (r) => r.debtorKey === request.debtorKey && r.channel === 'call' && !r.thirdParty && mayHaveConnected(r),
  );
  return conversations >= cap.max
    ? dailyCapReached(cap.rule, `${cap.max} conversations with the debtor today`, request, days)
    : undefined;
};

const automatedReminderPerDay: Rule<ContactRequest> = (pack, request, days) => {
  const cap = pack.automatedReminders;
  const isReminder = (channel: ContactChannel, purpose: ContactPurpose) =>
    cap.channels.includes(channel) && cap.purposes.includes(purpose);
  if (!request.automated || !isReminder(request.channel, request.purpose)) return undefined;
  const reminders = sameDay(
    request,
    days,
    (r) => r.debtorKey === request.debtorKey && r.automated && isReminder(r.channel, r.purpose),
  );
  return reminders >= cap.max
    ? dailyCapReached(cap.rule, `${cap.max} automated reminder(s) to this person today`, request, days)
    : undefined;
};

/** US-2, per debt as §1006.14(b)(2) says: calls to the debtor about this case. */
const callFrequency: Rule<ContactRequest> = (pack, request, days) => {
  const spec = pack.callFrequency;
  if (!spec || request.channel !== 'call' || request.thirdParty) return undefined;
  const today = days.dayOf(request.at);
  const calls = request.history.filter(
    (r) =>
      countsAsContact(r) &&
      r.channel === 'call' &&
      !r.thirdParty &&
      r.debtorKey === request.debtorKey &&
      r.caseId === request.caseId,
  );
  let lastConversationDay: number | undefined;
  const callsPerDay = new Map<number, number>();
  for (const call of calls) {
    const day = days.dayOf(new Date(call.at));
    callsPerDay.set(day, (callsPerDay.get(day) ?? 0) + 1);
    if (mayHaveConnected(call) && day <= today && today < day + spec.daysAfterConversation) {
      lastConversationDay = Math.max(lastConversationDay ?? day, day);
    }
  }
  if (lastConversationDay !== undefined) {
    return {
      rule: spec.rule,
      reason: `no call within ${spec.daysAfterConversation} days of a conversation (its day counts as day 1)`,
      lawfulFrom: days.startOf(lastConversationDay + spec.daysAfterConversation),
    };
  }
  // Every window of `windowDays` consecutive days that would hold this call keeps under the cap.
  for (let first = today - spec.windowDays + 1; first <= today; first++) {
    let inWindow = 0;
    for (let day = first; day < first + spec.windowDays; day++) inWindow += callsPerDay.get(day) ?? 0;
    if (inWindow >= spec.maxCalls) {
      return dailyCapReached(
        spec.rule,
        `${spec.maxCalls} calls within ${spec.windowDays} days`,
        request,
        days,
      );
    }
  }
  return undefined;
};

const letterSpacing: Rule<ContactRequest> = (pack, request) => {
  const spec = pack.letterSpacing;
  if (!spec || request.purpose !== spec.purpose) return undefined;
  const gap = spec.minDays * DAY_MS;
  const at = request.at.getTime();
  let latest: number | undefined;
  for (const r of request.history) {
    const sent = new Date(r.at).getTime();
    if (
      countsAsContact(r) &&
      r.caseId === request.caseId &&
      r.purpose === spec.purpose &&
      Math.abs(at - sent) < gap
    ) {
      latest = Math.max(latest ?? sent, sent);
    }
  }
  return latest === undefined
    ? undefined
    : {
        rule: spec.rule,
        reason: `letters of one case at least ${spec.minDays} days apart`,
        lawfulFrom: new Date(latest + gap),
      };
};

const CONTACT_RULES: readonly Rule<ContactRequest>[] = [
  // Standing bars first, so that a refusal waiting cannot cure is never reported as a matter of hours.
  ceaseStates,
  channelOptOut,
  thirdPartyLimits,
  validationNoticeFirst,
  noSuitThreatWhenTimeBarred,
  contactHours,
  callAttemptsPerNumber,
  conversationsPerDay,
  callFrequency,
  automatedReminderPerDay,
  letterSpacing,
];

const PRE_LEDGER_RULES: readonly Rule<ContactRequest>[] = [ceaseStates, channelOptOut, contactHours];
