/** The escalation buffer's contract: every request arrives (at least once), even when a send partly fails. */

import { describe, expect, it } from 'vitest';
import type { EscalationQueue, EscalationRequest } from '../../lambdas/ports/workflow';

export interface QueueParts {
  readonly queue: EscalationQueue;
  /** Every request the queue's consumer would receive, in any order, repeats included. */
  received(): EscalationRequest[];
  /** Makes the next send lose some of its entries (SQS's per-entry failures), as the service may. */
  failSomeEntriesOnce?(): void;
}

const request = (i: number): EscalationRequest => ({
  action: 'start',
  caseId: `demo-bank:A${i}`,
  cycle: '2026-11-10',
  run: 0,
});

export function escalationQueueContract(name: string, parts: () => QueueParts): void {
  describe(`EscalationQueue contract: ${name}`, () => {
    it('delivers every request, ids only, in batches of any size', async () => {
      const { queue, received } = parts();
      const requests = Array.from({ length: 23 }, (_, i) => request(i));
      await queue.enqueue(requests);
      await queue.enqueue([]);
      const names = received().map((r) => r.caseId);
      expect(new Set(names)).toEqual(new Set(requests.map((r) => r.caseId)));
      for (const got of received())
        expect(Object.keys(got).sort()).toEqual(['action', 'caseId', 'cycle', 'run']);
    });

    it('carries each kind of request whole: a start’s run, a stop without one, a resume’s run to resume from', async () => {
      const { queue, received } = parts();
      const sent: EscalationRequest[] = [
        { action: 'start', caseId: 'demo-bank:K1', cycle: '2026-11-10', run: 2 },
        { action: 'stop', caseId: 'demo-bank:K2', cycle: '2026-11-10' },
        { action: 'resume', caseId: 'demo-bank:K3', cycle: '2026-11-10', fromRun: 4 },
      ];
      await queue.enqueue(sent);
      const byCase = new Map(received().map((r) => [r.caseId, r]));
      for (const request of sent) expect(byCase.get(request.caseId)).toEqual(request);
    });

    it('sends again the entries a call failed for, losing none', async () => {
      const { queue, received, failSomeEntriesOnce } = parts();
      failSomeEntriesOnce?.();
      const requests = Array.from({ length: 10 }, (_, i) => request(100 + i));
      await queue.enqueue(requests);
      expect(new Set(received().map((r) => r.caseId))).toEqual(new Set(requests.map((r) => r.caseId)));
    });
  });
}
