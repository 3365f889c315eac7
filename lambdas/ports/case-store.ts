/** The case store port: the system of record for collection cases. */

import type { CollectionCase } from '../domain/collection-case';
import type { LookupKind } from '../domain/lookup';

export type UpsertOutcome = 'created' | 'updated' | 'stale' | 'unchanged';

export interface CaseStore {
  get(caseId: string): Promise<CollectionCase | undefined>;
  /**
   * Writes the case from a feed snapshot unless the stored one has a later `asOf` (stale) or the same
   * `asOf` (unchanged: a replayed feed changes nothing). Atomic: a conditional write, never read-modify-write.
   */
  upsertFromFeed(collectionCase: CollectionCase): Promise<UpsertOutcome>;
  /** Records that a ladder step was carried out; a second call for the same step is a no-op. */
  markStepCompleted(caseId: string, stepId: string, at: Date): Promise<void>;
  /** Cases whose blind index of `kind` equals `index` (a GSI query: no decryption, no scan). */
  findByLookup(kind: LookupKind, index: string): Promise<CollectionCase[]>;
}
