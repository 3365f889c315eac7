/** CaseStore in memory, with DynamoCaseStore's semantics (the case-store contract holds both to them). */

import type { CollectionCase } from '../../../lambdas/domain/collection-case';
import { LOOKUP_ATTRIBUTE, type LookupKind } from '../../../lambdas/domain/lookup';
import type { CaseStore, StoredCaseState, UpsertResult } from '../../../lambdas/ports/case-store';

/** Attributes a feed row never writes, as in DynamoCaseStore. */
const NOT_FROM_FEED = [
  'caseId',
  'completedSteps',
  'lastStepAt',
  'createdAt',
  'escalationCycle',
  'closedReason',
];
/** Optional feed attributes DynamoCaseStore REMOVEs when a newer row leaves them out. */
const OPTIONAL_FROM_FEED = ['cardLast4', 'mobileIndex', 'nationalIdIndex', 'cardLast4Index'] as const;

/**
 * `created` when absent; `stale`/`unchanged` for an earlier/equal `asOf`, writing nothing; otherwise
 * `updated`: feed attributes replaced (optional ones the row leaves out removed; `closedReason` removed when
 * the row is open), progress kept in the same cycle and cleared in a new one. Every answer but `created`
 * carries the stored state before the write. Stored cases are copies: mutating a returned case changes nothing.
 * `failNext(error)` makes the next write throw (a throttled or failed request).
 */
export class InMemoryCaseStore implements CaseStore {
  readonly cases = new Map<string, CollectionCase>();
  /** Every call to `get`, so a test can prove the store was never touched. */
  readonly reads: string[] = [];
  /** Every conditional feed write, by case id (retries included). */
  readonly writes: string[] = [];
  private readonly failures: Error[] = [];

  failNext(error: Error = Object.assign(new Error('throttled'), { name: 'ThrottlingException' })): this {
    this.failures.push(error);
    return this;
  }

  async get(caseId: string): Promise<CollectionCase | undefined> {
    this.reads.push(caseId);
    const found = this.cases.get(caseId);
    return found ? structuredClone(found) : undefined;
  }

  async upsertFromFeed(collectionCase: CollectionCase): Promise<UpsertResult> {
    this.writes.push(collectionCase.caseId);
    const failure = this.failures.shift();
    if (failure) throw failure;
    const stored = this.cases.get(collectionCase.caseId);
    const fromFeed = Object.fromEntries(
      Object.entries(collectionCase).filter(
        ([attribute, value]) => value !== undefined && !NOT_FROM_FEED.includes(attribute),
      ),
    );
    if (!stored) {
      this.cases.set(
        collectionCase.caseId,
        structuredClone({
          ...fromFeed,
          caseId: collectionCase.caseId,
          completedSteps: [],
          createdAt: collectionCase.createdAt,
        } as unknown as CollectionCase),
      );
      return { outcome: 'created' };
    }
    const previous = stateOf(stored);
    if (stored.asOf > collectionCase.asOf) return { outcome: 'stale', previous };
    if (stored.asOf === collectionCase.asOf) return { outcome: 'unchanged', previous };
    const updated: Record<string, unknown> = { ...stored, ...fromFeed };
    for (const attribute of OPTIONAL_FROM_FEED) {
      if (collectionCase[attribute] === undefined) delete updated[attribute];
    }
    if (collectionCase.status === 'open') delete updated.closedReason;
    if (stored.cycle !== collectionCase.cycle) {
      updated.completedSteps = [];
      delete updated.lastStepAt;
    }
    this.cases.set(collectionCase.caseId, structuredClone(updated as unknown as CollectionCase));
    return { outcome: 'updated', previous };
  }

  async markStepCompleted(caseId: string, stepId: string, at: Date): Promise<void> {
    const found = this.cases.get(caseId);
    if (!found || found.completedSteps.includes(stepId)) return;
    this.cases.set(caseId, {
      ...found,
      completedSteps: [...found.completedSteps, stepId],
      lastStepAt: at.toISOString(),
      updatedAt: at.toISOString(),
    });
  }

  async markEscalationStarted(caseId: string, cycle: string): Promise<boolean> {
    const found = this.cases.get(caseId);
    if (!found || found.cycle !== cycle || found.escalationCycle === cycle) return false;
    this.cases.set(caseId, { ...found, escalationCycle: cycle });
    return true;
  }

  async findByLookup(kind: LookupKind, index: string): Promise<CollectionCase[]> {
    const attribute = LOOKUP_ATTRIBUTE[kind] as keyof CollectionCase;
    return [...this.cases.values()].filter((c) => c[attribute] === index).map((c) => structuredClone(c));
  }

  /** Puts a case in the store as it is, bypassing the feed rules (test arrangement only). */
  seed(collectionCase: CollectionCase): void {
    this.cases.set(collectionCase.caseId, structuredClone(collectionCase));
  }

  /** Same as `seed`: stores a case as it is, bypassing the feed rules. */
  put(collectionCase: CollectionCase): this {
    this.seed(collectionCase);
    return this;
  }

  /** Copies of every stored case, in insertion order. */
  all(): CollectionCase[] {
    return [...this.cases.values()].map((c) => structuredClone(c));
  }
}

function stateOf(stored: CollectionCase): StoredCaseState {
  return {
    cycle: stored.cycle,
    status: stored.status,
    asOf: stored.asOf,
    ...(stored.escalationCycle !== undefined ? { escalationCycle: stored.escalationCycle } : {}),
  };
}
