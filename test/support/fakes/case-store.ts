/** CaseStore in memory, with DynamoCaseStore's semantics (the case-store contract holds both to them). */

import type { CollectionCase } from '../../../lambdas/domain/collection-case';
import { LOOKUP_ATTRIBUTE, type LookupKind } from '../../../lambdas/domain/lookup';
import type {
  CaseStore,
  EscalationStateChange,
  StoredCaseState,
  UpsertResult,
} from '../../../lambdas/ports/case-store';

/** Attributes a feed row never writes, as in DynamoCaseStore. */
const NOT_FROM_FEED = [
  'caseId',
  'completedSteps',
  'lastStepAt',
  'createdAt',
  'escalationCycle',
  'closedReason',
  'stepTimes',
  'escalationRun',
  'startedRun',
  'escalationState',
  'escalationReason',
  'ladderVersion',
  'holds',
];
/** The escalation's record of a cycle, cleared by a new cycle as DynamoCaseStore does. */
const CYCLE_ESCALATION = [
  'lastStepAt',
  'escalationRun',
  'startedRun',
  'escalationState',
  'escalationReason',
  'ladderVersion',
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
          stepTimes: {},
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
      updated.stepTimes = {};
      for (const attribute of CYCLE_ESCALATION) delete updated[attribute];
    } else updated.stepTimes ??= {};
    this.cases.set(collectionCase.caseId, structuredClone(updated as unknown as CollectionCase));
    return { outcome: 'updated', previous };
  }

  async markStepCompleted(caseId: string, cycle: string, stepId: string, at: Date): Promise<void> {
    const found = this.cases.get(caseId);
    if (!found || found.cycle !== cycle || found.completedSteps.includes(stepId)) return;
    this.cases.set(caseId, {
      ...found,
      completedSteps: [...found.completedSteps, stepId],
      stepTimes: { ...found.stepTimes, [stepId]: at.toISOString() },
      lastStepAt: at.toISOString(),
      updatedAt: at.toISOString(),
    });
  }

  async markEscalationStarted(caseId: string, cycle: string, run = 0): Promise<boolean> {
    const found = this.cases.get(caseId);
    if (!found || found.cycle !== cycle) return false;
    if (found.escalationCycle === cycle && found.startedRun !== undefined && found.startedRun >= run) {
      return false;
    }
    this.cases.set(caseId, { ...found, escalationCycle: cycle, startedRun: run });
    return true;
  }

  async beginRun(caseId: string, cycle: string, fromRun: number): Promise<number | undefined> {
    const found = this.cases.get(caseId);
    if (!found || found.cycle !== cycle) return undefined;
    const run = found.escalationRun ?? 0;
    if (found.escalationRun === fromRun + 1) return fromRun + 1;
    if (run !== fromRun) return undefined;
    const { escalationReason: _reason, ...rest } = found;
    this.cases.set(caseId, { ...rest, escalationRun: fromRun + 1, escalationState: 'running' });
    return fromRun + 1;
  }

  async setEscalationState(caseId: string, change: EscalationStateChange): Promise<boolean> {
    const found = this.cases.get(caseId);
    if (!found || found.cycle !== change.cycle || (found.escalationRun ?? 0) !== change.run) return false;
    if (change.readAt !== undefined && found.updatedAt !== change.readAt) return false;
    this.cases.set(caseId, { ...found, escalationState: change.state, escalationReason: change.reason });
    return true;
  }

  async pinDebtorKey(caseId: string, debtorKey: string): Promise<string | undefined> {
    const found = this.cases.get(caseId);
    if (!found) return undefined;
    if (found.debtorKey !== undefined) return found.debtorKey;
    this.cases.set(caseId, { ...found, debtorKey });
    return debtorKey;
  }

  async pinLadderVersion(caseId: string, cycle: string, version: number): Promise<number | undefined> {
    const found = this.cases.get(caseId);
    if (!found || found.cycle !== cycle) return undefined;
    if (found.ladderVersion !== undefined) return found.ladderVersion;
    this.cases.set(caseId, { ...found, ladderVersion: version });
    return version;
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
    ...(stored.escalationRun !== undefined ? { escalationRun: stored.escalationRun } : {}),
    ...(stored.startedRun !== undefined ? { startedRun: stored.startedRun } : {}),
    ...(stored.escalationState !== undefined ? { escalationState: stored.escalationState } : {}),
    ...(stored.escalationReason !== undefined ? { escalationReason: stored.escalationReason } : {}),
    flags: [...stored.flags],
    ...(stored.holds !== undefined ? { holds: [...stored.holds] } : {}),
  };
}
