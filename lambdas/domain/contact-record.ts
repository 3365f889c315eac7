/**
 * What the contact ledger holds of one contact: who was contacted (a debtor key, never a name or number),
 * how, when, and how it went. The guard reads a debtor's records to apply the frequency rules (CN-2, CN-3,
 * US-2, one automated reminder per person per day, CN-9 letter spacing); the ledger keeps them with
 * atomic reservations so that two senders racing cannot both take the last lawful attempt.
 */

import type { ContactChannel } from './policy-packs';

/**
 * - `reserved`: a sender holds the slot and is about to contact (counts as a contact: a crash between the
 *   reservation and the send must never free a slot the provider may already have used);
 * - `sent`: the provider accepted it (SMS, email, a letter handed to the post);
 * - `attempted`: a call that did not connect (counts for CN-2 attempts per number);
 * - `connected`: a call that became a conversation (CN-3, US-2's seven days after a conversation);
 * - `delivered`: proof of delivery recorded (a letter then counts as 有效催收, CN-9);
 * - `released`: the sender gave the slot back without contacting (counts for nothing);
 * - `failed`: the provider refused it (counts for nothing but stays on record).
 */
export type ContactOutcome =
  | 'reserved'
  | 'sent'
  | 'attempted'
  | 'connected'
  | 'delivered'
  | 'released'
  | 'failed';

/** Why the contact was made: some rules depend on it (US-3 validation notice first, CN-11, US-5). */
export type ContactPurpose =
  | 'reminder'
  | 'validation-notice'
  | 'collection-letter'
  | 'credit-report-notice'
  | 'cease-confirmation'
  /** The answer to a dispute or objection (US-4, CN-6): the one contact an open dispute allows. */
  | 'verification'
  | 'call';

export interface ContactRecord {
  /** Deterministic id of the contact (e.g. `<caseId>#<cycle>#<stepId>` for a ladder step): a retry finds it. */
  readonly contactId: string;
  /** The person: the same across one bank's accounts (see debtorKeyOf). */
  readonly debtorKey: string;
  readonly caseId: string;
  readonly channel: ContactChannel;
  /** Blind index of the number or address contacted (never the number); absent for letters. */
  readonly addressKey?: string;
  /** ISO instant of the contact (the reservation's instant until confirmed). */
  readonly at: string;
  readonly outcome: ContactOutcome;
  /** True for the ladder's automated contacts, false for a person's. */
  readonly automated: boolean;
  readonly purpose: ContactPurpose;
  /** The ladder step, when the ladder made it. */
  readonly stepId?: string;
  /** True when the contact was made to someone other than the debtor (CN-4). */
  readonly thirdParty?: boolean;
  /** ISO instant the proof of delivery gives, once recorded (outcome `delivered`); `at` stays the sending. */
  readonly deliveredAt?: string;
}

/** Outcomes that took (or may have taken) a lawful slot. */
export function countsAsContact(record: ContactRecord): boolean {
  return record.outcome !== 'released' && record.outcome !== 'failed';
}

/**
 * The person behind a case, for the rules that count per person rather than per account: the blind index of
 * their national id when the bank sent one, else of their mobile number, else the case itself. Blind indexes
 * are per bank, so one person at two banks is two debtors — each bank answers for its own contacts.
 */
export function debtorKeyOf(collectionCase: {
  readonly caseId: string;
  readonly nationalIdIndex?: string;
  readonly mobileIndex?: string;
  /** The key pinned on the case, which wins once there is one (CollectionCase.debtorKey). */
  readonly debtorKey?: string;
}): string {
  if (collectionCase.debtorKey) return collectionCase.debtorKey;
  if (collectionCase.nationalIdIndex) return `nid:${collectionCase.nationalIdIndex}`;
  if (collectionCase.mobileIndex) return `mob:${collectionCase.mobileIndex}`;
  return `case:${collectionCase.caseId}`;
}
