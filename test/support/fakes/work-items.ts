/** Work items in memory, with DynamoWorkItems' semantics. */

import type { WorkItem, WorkItems } from '../../../lambdas/ports/notifier';

/** Keyed by item id; the first `open` of an id is the one kept; reads are copies. */
export class InMemoryWorkItems implements WorkItems {
  readonly items = new Map<string, WorkItem>();

  async open(item: WorkItem): Promise<void> {
    if (!this.items.has(item.itemId)) this.items.set(item.itemId, structuredClone(item));
  }

  async get(itemId: string): Promise<WorkItem | undefined> {
    const item = this.items.get(itemId);
    return item && structuredClone(item);
  }

  /** A bank's worklist of one kind, in the order the items fall due (what the by-worklist index gives). */
  worklist(bankId: string, kind: WorkItem['kind']): WorkItem[] {
    return [...this.items.values()]
      .filter((item) => item.bankId === bankId && item.kind === kind)
      .sort((a, b) => a.dueBy.localeCompare(b.dueBy))
      .map((item) => structuredClone(item));
  }
}
