/** The trail's contract: append-only, an entry id stored once per case, listed oldest first. */

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Trail } from '../../lambdas/ports/trail';

export function trailContract(name: string, trail: () => Trail): void {
  describe(`Trail contract: ${name}`, () => {
    it('appends an entry id once per case, so a redelivered step records nothing twice', async () => {
      const caseId = `demo-bank:T${randomUUID().slice(0, 8)}`;
      const entry = {
        caseId,
        kind: 'contact.sent' as const,
        at: new Date('2026-11-20T02:00:00Z'),
        actor: 'system:test',
        entryId: 'contact#2026-11-10#sms-1',
        detail: { channel: 'sms' },
      };
      expect(await trail().append(entry)).toBe(true);
      expect(await trail().append({ ...entry, at: new Date('2026-11-20T03:00:00Z') })).toBe(false);
      expect(await trail().append({ ...entry, caseId: `${caseId}-other` })).toBe(true);
      const listed = await trail().list(caseId);
      expect(listed).toHaveLength(1);
      expect(listed[0]?.at.toISOString()).toBe('2026-11-20T02:00:00.000Z');
      expect(listed[0]?.detail).toEqual({ channel: 'sms' });
    });

    it('lists a case’s entries oldest first', async () => {
      const caseId = `demo-bank:T${randomUUID().slice(0, 8)}`;
      for (const [entryId, at] of [
        ['b', '2026-11-22T00:00:00Z'],
        ['a', '2026-11-23T00:00:00Z'],
        ['c', '2026-11-21T00:00:00Z'],
      ] as const) {
        await trail().append({
          caseId,
          kind: 'case.viewed',
          at: new Date(at),
          actor: 'u1',
          entryId,
          detail: {},
        });
      }
      expect((await trail().list(caseId)).map((e) => e.entryId)).toEqual(['c', 'b', 'a']);
    });
  });
}
