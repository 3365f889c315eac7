/**
 * What planning and acting on an escalation step both need to know of a case: why it must pause, how the
 * guard sees it (flags, dated facts from the contact ledger), and whom a step would contact, and how.
 */

import type { CollectionCase } from '../domain/collection-case';
import type { CaseFacts } from '../domain/compliance-guard';
import type { ContactPurpose, ContactRecord } from '../domain/contact-record';
import type { LadderAction } from '../domain/escalation-ladder';
import type { ContactChannel, PolicyPack } from '../domain/policy-packs';

/** The flags the guard reads: the feed's, and each staff hold as `hold:<reason>`. */
export function guardFlags(pack: PolicyPack, collectionCase: CollectionCase): string[] {
  return [
    ...collectionCase.flags,
    ...(collectionCase.holds ?? []).map((hold) => `${pack.staffHold.flagPrefix}${hold}`),
  ];
}

/**
 * Why the escalation must pause now (`flag:<flag>` for a feed's cease flag, `hold:<reason>` for a staff hold),
 * or undefined. The feed's reason is what intake looks for to resume once the bank lifts the flag.
 */
export function pauseReason(pack: PolicyPack, collectionCase: CollectionCase): string | undefined {
  const flag = collectionCase.flags.find((f) => Object.hasOwn(pack.ceaseFlags, f));
  if (flag) return `flag:${flag}`;
  const hold = collectionCase.holds?.[0];
  return hold === undefined ? undefined : `hold:${hold}`;
}

/** The purpose a ladder action's contact serves (the guard's rules depend on it). */
export function purposeOf(action: LadderAction, template: string): ContactPurpose {
  if (template.includes('validation')) return 'validation-notice';
  if (action === 'letter') return 'collection-letter';
  if (action === 'credit-report-notice') return 'credit-report-notice';
  if (action === 'call-task') return 'call';
  return 'reminder';
}

/** Whom a contact step reaches: the channel, the sealed field holding the address, its blind index. */
export interface ContactTarget {
  readonly channel: Extract<ContactChannel, 'sms' | 'email' | 'letter'>;
  readonly field: 'mobile' | 'email' | 'address';
  readonly addressKey: string | undefined;
}

/**
 * The target of a contact step, or undefined when the case has no address for it. A credit-report notice goes
 * by SMS, or by email when there is no mobile number.
 */
export function contactTargetOf(
  action: LadderAction,
  collectionCase: CollectionCase,
): ContactTarget | undefined {
  const has = (field: string) => collectionCase.pii.fields.includes(field);
  const sms: ContactTarget = { channel: 'sms', field: 'mobile', addressKey: collectionCase.mobileIndex };
  const email: ContactTarget = { channel: 'email', field: 'email', addressKey: undefined };
  switch (action) {
    case 'sms':
      return has('mobile') ? sms : undefined;
    case 'email':
      return has('email') ? email : undefined;
    case 'letter':
      return has('address') ? { channel: 'letter', field: 'address', addressKey: undefined } : undefined;
    case 'credit-report-notice': {
      // By SMS or email, whichever the debtor can lawfully receive: an opt-out of one is no reason to skip the
      // notice that must come before credit reporting (CN-11, US-7).
      const can = (channel: 'sms' | 'email') => !collectionCase.flags.includes(`do_not_${channel}`);
      if (has('mobile') && can('sms')) return sms;
      if (has('email') && can('email')) return email;
      return has('mobile') ? sms : has('email') ? email : undefined;
    }
    default:
      return undefined;
  }
}

/** The dated facts the guard needs, read from the ledger's records of the case. */
export function caseFactsOf(collectionCase: CollectionCase, records: readonly ContactRecord[]): CaseFacts {
  // A notice counts once the provider took it (sent) or it was delivered, never while only reserved: a
  // reservation whose send failed must not open the way for what the notice has to come before (US-3, CN-11).
  const own = records.filter(
    (record) =>
      record.caseId === collectionCase.caseId &&
      (record.outcome === 'sent' || record.outcome === 'delivered'),
  );
  const first = (purpose: ContactPurpose) =>
    own
      .filter((record) => record.purpose === purpose)
      .map((record) => new Date(record.at))
      .sort((a, b) => a.getTime() - b.getTime())[0];
  const validation = first('validation-notice');
  const notice = own.find((record) => record.purpose === 'credit-report-notice');
  return {
    ...(validation ? { validationNoticeSentAt: validation } : {}),
    ...(notice
      ? {
          creditReportNotice: {
            sentAt: new Date(notice.at),
            ...(notice.outcome === 'delivered'
              ? { deliveredAt: new Date(notice.deliveredAt ?? notice.at) }
              : {}),
          },
        }
      : {}),
    effectiveNoticesDeliveredAt: effectiveNotices(collectionCase.caseId, records).map((at) => new Date(at)),
    firstMissedDueDate: collectionCase.dueDate,
  };
}

/** Delivered collection letters of the case (有效催收: receipt proven), as ISO instants. */
export function effectiveNotices(caseId: string, records: readonly ContactRecord[]): string[] {
  return records
    .filter(
      (record) =>
        record.caseId === caseId && record.purpose === 'collection-letter' && record.outcome === 'delivered',
    )
    .map((record) => record.deliveredAt ?? record.at)
    .sort();
}

/** The contact id of a ladder step: one per case, cycle and step, whatever the run (a resumed run never repeats it). */
export function stepContactId(caseId: string, cycle: string, stepId: string): string {
  return `${caseId}#${cycle}#${stepId}`;
}

const PROGRESS: Readonly<Record<ContactRecord['outcome'], number>> = {
  reserved: 0,
  released: 1,
  failed: 1,
  sent: 1,
  attempted: 1,
  connected: 1,
  delivered: 2,
};

/**
 * The guard's records (the heads' recent copies) and the case's (the by-case index) as one list, a contact
 * once, in its furthest state: a copy and its record can differ after a write that stopped between them, and
 * the index lags behind the heads.
 */
export function mergedRecords(
  history: readonly ContactRecord[],
  caseRecords: readonly ContactRecord[],
): ContactRecord[] {
  const byId = new Map<string, ContactRecord>();
  for (const record of [...history, ...caseRecords]) {
    const seen = byId.get(record.contactId);
    if (!seen || PROGRESS[record.outcome] > PROGRESS[seen.outcome]) byId.set(record.contactId, record);
  }
  return [...byId.values()];
}
