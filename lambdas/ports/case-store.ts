/** The case store port: the system of record for collection cases. */

import type { CaseStatus, CollectionCase, EscalationState } from '../domain/collection-case';
import type { LookupKind } from '../domain/lookup';

export type UpsertOutcome = 'created' | 'updated' | 'stale' | 'unchanged';

/** What the store held before a feed write: enough to tell a new cycle and a pending escalation. */
export interface StoredCaseState {
  readonly cycle: string;
  readonly status: CaseStatus;
  readonly asOf: string;
  /** The cycle whose escalation is known to have started (see `markEscalationStarted`). */
  readonly escalationCycle?: string;
  readonly escalationRun?: number;
  readonly startedRun?: number;
  readonly escalationState?: EscalationState;
  readonly escalationReason?: string;
  readonly flags?: readonly string[];
  readonly holds?: readonly string[];
}

/** The escalation state a workflow step records, on the condition that the case is still as it read it. */
export interface EscalationStateChange {
  readonly cycle: string;
  readonly run: number;
  readonly state: EscalationState;
  readonly reason: string;
  /** The case's `updatedAt` when the caller decided: a case changed since (a feed row lifting a flag) is not overwritten. */
  readonly readAt?: string;
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
  /**
   * Records that a ladder step of `cycle` was carried out; a second call for the same step is a no-op, and so
   * is one for a cycle the case has left (an Act of the old cycle that ends after a new one began).
   */
  markStepCompleted(caseId: string, cycle: string, stepId: string, at: Date): Promise<void>;
  /**
   * Records that the escalation of `cycle` (run `run`, 0 by default) is running. True only the first time
   * for that run, and only while the case is still in that cycle: the count of true answers is the count of
   * escalations really started.
   */
  markEscalationStarted(caseId: string, cycle: string, run?: number): Promise<boolean>;
  /**
   * Takes the run after `fromRun` for a resumed or restarted escalation of `cycle`, state `running`: the
   * new run's number, also when an earlier call already took it (a redelivered request); undefined when the
   * case left the cycle or another resume went further.
   */
  beginRun(caseId: string, cycle: string, fromRun: number): Promise<number | undefined>;
  /**
   * Records a pause, a park or an end of the run; false (nothing written) when the case left the cycle or
   * run, or changed since `readAt`.
   */
  setEscalationState(caseId: string, change: EscalationStateChange): Promise<boolean>;
  /** Pins the case's debtor key unless one is pinned already; returns the pinned key (undefined: no case). */
  pinDebtorKey(caseId: string, debtorKey: string): Promise<string | undefined>;
  /** Pins the ladder version of the cycle unless one is pinned already; returns the pinned version. */
  pinLadderVersion(caseId: string, cycle: string, version: number): Promise<number | undefined>;
  /** Cases whose blind index of `kind` equals `index` (a GSI query: no decryption, no scan). */
  findByLookup(kind: LookupKind, index: string): Promise<CollectionCase[]>;
}
