/** The case store port: the system of record for collection cases. */

import type { CaseStatus, CollectionCase } from '../domain/collection-case';
import type { LookupKind } from '../domain/lookup';

export type UpsertOutcome = 'created' | 'updated' | 'stale' | 'unchanged';

/** What the store held before a feed write: enough to tell a new cycle and a pending escalation. */
export interface StoredCaseState {
  readonly cycle: string;
  readonly status: CaseStatus;
  readonly asOf: string;
  /** The cycle whose escalation is known to have started (see `markEscalationStarted`). */
  readonly escalationCycle?: string;
}

export interface UpsertResult {
  readonly outcome: UpsertOutcome;
  /** The stored state before the write; absent when the case was created. */
  readonly previous?: StoredCaseState;
}

export interface CaseStore {
  get(caseId: string): Promise<CollectionCase | undefined>;
  /**
   * Writes the case from a feed snapshot unless the stored one has a later `asOf` (stale) or the same
   * `asOf` (unchanged: a replayed feed changes nothing). A row of a new delinquency cycle also clears the
   * ladder's progress, in the same conditional write: no instant shows the new cycle with the old
   * cycle's steps done. Atomic: conditional writes, never read-modify-write.
   */
  upsertFromFeed(collectionCase: CollectionCase): Promise<UpsertResult>;
  /** Records that a ladder step was carried out; a second call for the same step is a no-op. */
  markStepCompleted(caseId: string, stepId: string, at: Date): Promise<void>;
  /**
   * Records that the escalation of `cycle` is running. True only the first time, and only while the case
   * is still in that cycle: the count of true answers is the count of escalations really started.
   */
  markEscalationStarted(caseId: string, cycle: string): Promise<boolean>;
  /** Cases whose blind index of `kind` equals `index` (a GSI query: no decryption, no scan). */
  findByLookup(kind: LookupKind, index: string): Promise<CollectionCase[]>;
}
