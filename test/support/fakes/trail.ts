/** The trail in memory, with DynamoTrail's semantics. */

import type { Trail, TrailEntry } from '../../../lambdas/ports/trail';

/** Trail with DynamoTrail's semantics: keyed by (caseId, entryId); a repeated entry id appends nothing. */
export class InMemoryTrail implements Trail {
  readonly entries: TrailEntry[] = [];

  async append(entry: TrailEntry): Promise<boolean> {
    if (this.entries.some((e) => e.caseId === entry.caseId && e.entryId === entry.entryId)) return false;
    this.entries.push(structuredClone(entry));
    return true;
  }

  async list(caseId: string): Promise<TrailEntry[]> {
    return this.entries
      .filter((entry) => entry.caseId === caseId)
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .map((entry) => structuredClone(entry));
  }

  /** Entries of one kind, in the order they were appended. */
  ofKind(kind: TrailEntry['kind']): TrailEntry[] {
    return this.entries.filter((entry) => entry.kind === kind);
  }
}
