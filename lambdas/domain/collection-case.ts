/** The collection case: one per bank account, the system of record for where collection stands. */

import type { Bucket } from './delinquency';
import type { AccountFlag } from './feed-row';
import type { Money } from './money';
import type { PackId } from './policy-packs';

export type CaseStatus = 'open' | 'closed';

/**
 * Where the case's escalation stands in its cycle (docs/escalation-engine.md):
 * - `running`: an execution of run `escalationRun` walks the ladder;
 * - `paused`: a cease state holds (dispute, hardship, a staff hold, an agreement …); lifting it starts the next run;
 * - `parked`: a fault the workflow could not get past; a person looks, and a later feed row restarts it;
 * - `ended`: nothing more to do in this cycle (paid, cured, ladder complete).
 */
export type EscalationState = 'running' | 'paused' | 'parked' | 'ended';

/**
 * Personal fields as stored: one AES-256-GCM message holding the account's personal fields, under a data
 * key wrapped by the PII key. Only the names of the fields present are plain.
 */
export interface SealedPersonalData {
  /** The data key, wrapped by the PII key (KMS in AWS, a local key offline). */
  readonly wrappedKey: string;
  /** Which personal fields the ciphertext holds (names only: `mobile`, never the number). */
  readonly fields: readonly string[];
  /** base64 of IV (12 bytes) | tag (16 bytes) | ciphertext of the fields as JSON. */
  readonly ciphertext: string;
}

/** Masked forms computed at intake, so that reading a case needs no decryption. */
export interface MaskedPersonalData {
  readonly name: string;
  readonly mobile?: string;
  readonly email?: string;
}

export interface CollectionCase {
  readonly caseId: string;
  readonly bankId: string;
  readonly accountId: string;
  readonly status: CaseStatus;
  readonly asOf: string;
  /** The delinquency cycle: the first missed due date. A new cycle starts a new escalation. */
  readonly cycle: string;
  readonly dueDate: string;
  readonly daysPastDue: number;
  readonly bucket: Bucket;
  readonly overdue: Money;
  readonly cardLast4?: string;
  readonly timeZone: string;
  readonly language: 'zh-CN' | 'en';
  readonly flags: readonly AccountFlag[];
  readonly policyPack: PackId;
  readonly pii: SealedPersonalData;
  readonly masked: MaskedPersonalData;
  /** Blind indexes (keyed hashes, per bank) of the lookup identifiers; see domain/lookup.ts. */
  readonly mobileIndex?: string;
  readonly nationalIdIndex?: string;
  readonly cardLast4Index?: string;
  readonly completedSteps: readonly string[];
  /** When the last ladder step was carried out; spaces the next one (see escalation-ladder). */
  readonly lastStepAt?: string;
  /** The cycle whose escalation is known to be running: set by the escalation starter, never by a feed. */
  readonly escalationCycle?: string;
  /** When each ladder step of the cycle was carried out (step id → ISO instant); conditions read it. */
  readonly stepTimes?: Readonly<Record<string, string>>;
  /** The run of the cycle's escalation (0 first; each resume or restart takes the next, under a fresh name). */
  readonly escalationRun?: number;
  /** The highest run of the cycle whose execution is known to have started. */
  readonly startedRun?: number;
  readonly escalationState?: EscalationState;
  /** Why the escalation paused, parked or ended (a rule, a flag, an error name: never personal data). */
  readonly escalationReason?: string;
  /** The ladder version the cycle's escalation keeps (pinned when its first step is planned). */
  readonly ladderVersion?: number;
  /**
   * The person behind the case as the contact ledger knows them (debtorKeyOf), pinned when the case's first
   * step is planned and kept across cycles: a later row that drops or adds the national id must not move the
   * person's contact history to a new key, where the guard would find it empty.
   */
  readonly debtorKey?: string;
  /** Holds staff put on the case (each pauses the escalation like a cease flag until lifted). */
  readonly holds?: readonly string[];
  /** Why a closed case closed (`paid` when a payment brought it to 0); a feed row that reopens it clears it. */
  readonly closedReason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function caseIdOf(bankId: string, accountId: string): string {
  return `${bankId}:${accountId}`;
}
