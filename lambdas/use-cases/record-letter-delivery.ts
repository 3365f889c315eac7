/**
 * Records the proof that a letter reached the debtor (the post's or courier's receipt): from then on it counts
 * as 有效催收, the evidence CN-9 asks of a legal referral (two delivered notices ≥ 30 days apart). Staff record
 * it: the staff API's endpoint (a later capability) calls this.
 * Input: case id, the letter's contact id, the delivery instant, the carrier (a code) and its tracking
 * reference, and who records it. Output: `recorded`, or `already-recorded` for a second recording (the first
 * instant stands).
 * 1. Only staff of the case's bank in the collector, supervisor or legal group (no existence oracle across
 *    banks: refused before the store is read).
 * 2. The letter must be one of the case's contacts, a letter, and sent; the instant after its sending and not
 *    in the future.
 * 3. The ledger moves it to `delivered`; the trail keeps the proof (carrier and reference, no personal data),
 *    once however often the recording is repeated.
 */

import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors';
import { canReadCase, type StaffGroup, type StaffMember } from '../domain/staff';
import type { CaseStore } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { ContactLedger } from '../ports/contact-ledger';
import type { Trail } from '../ports/trail';

export interface RecordLetterDeliveryDeps {
  readonly cases: Pick<CaseStore, 'get'>;
  readonly contacts: Pick<ContactLedger, 'listByCase' | 'recordDelivery'>;
  readonly trail: Trail;
  readonly clock: Clock;
}

export interface LetterDelivery {
  readonly caseId: string;
  readonly contactId: string;
  /** ISO 8601 instant with a zone, as the receipt gives it. */
  readonly deliveredAt: string;
  /** Who delivered it, as a code: `china-post`, `ems`, `usps`, `courier`. */
  readonly carrier: string;
  /** The carrier's tracking or receipt number: letters, digits and dashes. */
  readonly reference: string;
  readonly staff: StaffMember;
}

export type DeliveryRecorded = {
  readonly outcome: 'recorded' | 'already-recorded';
  readonly deliveredAt: string;
};

const MAY_RECORD: readonly StaffGroup[] = ['collector', 'supervisor', 'legal'];
const CARRIER = /^[a-z][a-z0-9_-]{0,31}$/;
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export async function recordLetterDelivery(
  deps: RecordLetterDeliveryDeps,
  input: LetterDelivery,
): Promise<DeliveryRecorded> {
  const bankOfCase = input.caseId.split(':')[0] ?? '';
  if (!canReadCase(input.staff, bankOfCase)) throw new ForbiddenError('this case belongs to another bank');
  if (!input.staff.groups.some((group) => MAY_RECORD.includes(group)))
    throw new ForbiddenError('recording a delivery takes the collector, supervisor or legal group');
  if (!CARRIER.test(input.carrier))
    throw new ValidationError('carrier', 'carrier must be a code: lower-case letters, digits, - or _');
  if (!REFERENCE.test(input.reference))
    throw new ValidationError('reference', 'reference must be 1-40 letters, digits or dashes');
  const deliveredAt = new Date(input.deliveredAt);
  if (!INSTANT.test(input.deliveredAt) || Number.isNaN(deliveredAt.getTime()))
    throw new ValidationError('deliveredAt', 'deliveredAt must be an ISO 8601 instant with a zone');
  const now = deps.clock.now();
  if (deliveredAt > now) throw new ValidationError('deliveredAt', 'deliveredAt is in the future');

  const found = await deps.cases.get(input.caseId);
  if (!found) throw new NotFoundError(`case ${input.caseId} not found`);
  const letter = (await deps.contacts.listByCase(input.caseId)).find(
    (record) => record.contactId === input.contactId,
  );
  if (!letter) throw new NotFoundError(`contact ${input.contactId} is not one of case ${input.caseId}'s`);
  if (letter.channel !== 'letter')
    throw new ValidationError('contactId', `contact ${input.contactId} is ${letter.channel}, not a letter`);
  if (deliveredAt.getTime() < Date.parse(letter.at))
    throw new ValidationError('deliveredAt', 'deliveredAt is before the letter was sent');

  const result = await deps.contacts.recordDelivery(input.contactId, deliveredAt);
  if (result.outcome === 'not-found')
    throw new NotFoundError(`contact ${input.contactId} is not one of case ${input.caseId}'s`);
  if (result.outcome === 'not-sent')
    throw new ValidationError('contactId', `letter ${input.contactId} was never sent (${letter.outcome})`);
  // Appended on a repeat too: a recording that stopped after the ledger's write finishes here, once.
  await deps.trail.append({
    caseId: input.caseId,
    kind: 'letter.delivered',
    at: now,
    actor: input.staff.userId,
    entryId: `letter.delivered#${input.contactId}`,
    detail: {
      contactId: input.contactId,
      channel: 'letter',
      carrier: input.carrier,
      reference: input.reference,
      deliveredAt: result.deliveredAt,
      outcome: 'delivered',
    },
  });
  return { outcome: result.outcome, deliveredAt: result.deliveredAt };
}
