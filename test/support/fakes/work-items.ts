/** Work items in memory, with DynamoWorkItems' semantics. */

import type { WorkItem, WorkItems } from '../../../lambdas/ports/notifier';

/** Keyed by item id; the first `open` of an id is the one kept; reads are copies. */
export class InMemoryWorkItems implements WorkItems {
  readonly items = new Map<string, WorkItem>();

  async open(item: WorkItem): Promise<void> {
    const known = this.items.get(item.itemId);
    if (!known) this.items.set(item.itemId, structuredClone(item));
    else if (item.taskToken !== undefined) {
      // As DynamoWorkItems: the first item stays, with the newest token and deadline (a retried task's).
      const { taskToken: _old, ...rest } = known;
      this.items.set(item.itemId, {
        ...rest,
        taskToken: item.taskToken,
        dueBy: item.dueBy,
      });
    }
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
