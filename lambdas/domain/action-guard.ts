/** The compliance guard for collection steps that are not contacts: credit reporting, legal referral, freeze. */

import type { ContactRecord } from './contact-record';
import { dayNumber } from './delinquency';
import {
  type CaseFacts,
  ceaseStateOf,
  DAY_MS,
  debtorDays,
  decide,
  type GuardDecision,
  type Rule,
  refusalsOf,
  standing,
  startOfDay,
} from './guard-decision';
import type { PolicyPack } from './policy-packs';
import { localDate } from './zoned-time';

export type CollectionAction = 'credit-report' | 'legal-referral' | 'freeze';

export interface ActionRequest {
  readonly action: CollectionAction;
  readonly at: Date;
  readonly flags: readonly string[];
  readonly debtorKey: string;
  /** The debtor's ledger records (US-7: a conversation with the debtor counts as having contacted them). */
  readonly history: readonly ContactRecord[];
  readonly facts: CaseFacts;
}

/**
 * Decides a collection step that is not a contact. A freeze protects the bank's own card and asks nothing of
 * the debtor: no rule in RULES.md bars it, so it is always allowed (it is here so that every step asks).
 * Credit reporting and legal referral stop while any cease state or hold holds.
 */
export function checkAction(pack: PolicyPack, request: ActionRequest): GuardDecision {
  if (request.action === 'freeze') return { allowed: true };
  const rules = request.action === 'credit-report' ? CREDIT_REPORT_RULES : LEGAL_REFERRAL_RULES;
  const days = debtorDays(pack.referenceZone);
  return decide(request.at, (at) => refusalsOf(rules, pack, { ...request, at }, days));
}

const actionCeased: Rule<ActionRequest> = (pack, request) => {
  for (const flag of request.flags) {
    const state = ceaseStateOf(pack, flag);
    if (state) return standing(state.rule, `collection ceased: ${flag}`);
  }
  return undefined;
};

const debtorTold: Rule<ActionRequest> = (pack, request) => {
  const spec = pack.creditReporting;
  const at = request.at.getTime();
  const spoke = request.history.some(
    (r) =>
      r.debtorKey === request.debtorKey &&
      r.channel === 'call' &&
      r.outcome === 'connected' &&
      !r.thirdParty &&
      new Date(r.at).getTime() <= at,
  );
  if (spec.conversationSuffices && spoke) return undefined;
  const notice = request.facts.creditReportNotice;
  if (!notice || notice.returnedUndeliverable) {
    return standing(spec.rule, 'the debtor has not been told before negative information is reported');
  }
  const toldAt = Math.min(
    notice.deliveredAt?.getTime() ?? Number.POSITIVE_INFINITY,
    notice.sentAt.getTime() + spec.waitDays * DAY_MS,
  );
  return at >= toldAt
    ? undefined
    : {
        rule: spec.rule,
        reason: `the credit-report notice needs ${spec.waitDays} days unless delivered`,
        lawfulFrom: new Date(toldAt),
      };
};

const notTimeBarred: Rule<ActionRequest> = (pack, request) => {
  const spec = pack.timeBarred;
  return spec && request.flags.includes(spec.flag)
    ? standing(spec.rule, 'no suit on a time-barred debt')
    : undefined;
};

const evidencePack: Rule<ActionRequest> = (pack, request) => {
  const spec = pack.legalReferralEvidence;
  if (!spec) return undefined;
  const at = request.at.getTime();
  const delivered = (request.facts.effectiveNoticesDeliveredAt ?? [])
    .map((d) => d.getTime())
    .filter((d) => d <= at)
    .sort((a, b) => a - b);
  // The longest chain of notices each at least minDaysBetweenNotices after the one before: earliest first.
  let chain = 0;
  let previous = Number.NEGATIVE_INFINITY;
  for (const d of delivered) {
    if (d - previous >= spec.minDaysBetweenNotices * DAY_MS) {
      chain += 1;
      previous = d;
    }
  }
  if (chain < spec.minDeliveredNotices) {
    return standing(
      spec.rule,
      `legal referral needs ${spec.minDeliveredNotices} delivered notices ${spec.minDaysBetweenNotices} days apart`,
    );
  }
  const due = request.facts.firstMissedDueDate;
  if (!due) return standing(spec.rule, 'legal referral needs the first missed due date');
  const lastTooEarly = dayNumber(addMonths(due, spec.minMonthsUnpaid));
  if (dayNumber(localDate(request.at, pack.referenceZone)) > lastTooEarly) return undefined;
  return {
    rule: spec.rule,
    reason: `legal referral needs more than ${spec.minMonthsUnpaid} months unpaid`,
    lawfulFrom: startOfDay(lastTooEarly + 1, pack.referenceZone, 0),
  };
};

const CREDIT_REPORT_RULES: readonly Rule<ActionRequest>[] = [actionCeased, debtorTold];
const LEGAL_REFERRAL_RULES: readonly Rule<ActionRequest>[] = [actionCeased, notTimeBarred, evidencePack];

/** `isoDate` plus whole calendar months, the day clamped to the month's length (31 Jan + 1 month = 28/29 Feb). */
function addMonths(isoDate: string, months: number): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}
