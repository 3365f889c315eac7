/** The case store's contract: what DynamoCaseStore does on DynamoDB, and what its in-memory fake must do too. */

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CollectionCase } from '../../lambdas/domain/collection-case';
import type { CaseStore } from '../../lambdas/ports/case-store';

/** A stored-shape case with a fresh account id (tables are shared between the tests of a file). */
export function aCase(overrides: Partial<CollectionCase> = {}): CollectionCase {
  const accountId = overrides.accountId ?? `A${randomUUID().slice(0, 12)}`;
  return {
    caseId: `demo-bank:${accountId}`,
    bankId: 'demo-bank',
    accountId,
    status: 'open',
    asOf: '2026-11-20',
    cycle: '2026-11-10',
    dueDate: '2026-11-10',
    daysPastDue: 10,
    bucket: 'M1',
    overdue: { amountMinor: 123456, currency: 'CNY' },
    cardLast4: '4321',
    timeZone: 'Asia/Shanghai',
    language: 'zh-CN',
    flags: [],
    policyPack: 'cn',
    pii: { wrappedKey: 'v1.d3JhcHBlZA==', fields: ['name'], ciphertext: 'c2VhbGVk' },
    masked: { name: '王*' },
    mobileIndex: `m-${accountId}`,
    completedSteps: [],
    createdAt: '2026-11-20T01:00:00.000Z',
    updatedAt: '2026-11-20T01:00:00.000Z',
    ...overrides,
  };
}

export function caseStoreContract(name: string, store: () => CaseStore): void {
  describe(`CaseStore contract: ${name}`, () => {
    it('creates an absent case with no progress, whatever the row carried', async () => {
      const fresh = aCase({
        completedSteps: ['sms-1'],
        lastStepAt: '2026-11-20T02:00:00.000Z',
        escalationCycle: 'x',
      });
      expect(await store().upsertFromFeed(fresh)).toEqual({ outcome: 'created' });
      const stored = await store().get(fresh.caseId);
      expect(stored).toMatchObject({ caseId: fresh.caseId, asOf: '2026-11-20', completedSteps: [] });
      expect(stored).not.toHaveProperty('lastStepAt');
      expect(stored).not.toHaveProperty('escalationCycle');
    });

    it('answers unchanged for the same asOf and stale for an earlier one, with the stored state, writing nothing', async () => {
      const fresh = aCase();
      await store().upsertFromFeed(fresh);
      const before = await store().get(fresh.caseId);
      const previous = { cycle: '2026-11-10', status: 'open', asOf: '2026-11-20', flags: [] };
      expect(await store().upsertFromFeed({ ...fresh, daysPastDue: 99 })).toEqual({
        outcome: 'unchanged',
        previous,
      });
      expect(await store().upsertFromFeed({ ...fresh, asOf: '2026-11-19' })).toEqual({
        outcome: 'stale',
        previous,
      });
      expect(await store().get(fresh.caseId)).toEqual(before);
    });

    it('updates from a newer row of the same cycle, keeping progress, creation time and the escalation record', async () => {
      const fresh = aCase();
      await store().upsertFromFeed(fresh);
      await store().markStepCompleted(fresh.caseId, fresh.cycle, 'sms-1', new Date('2026-11-20T02:00:00Z'));
      expect(await store().markEscalationStarted(fresh.caseId, fresh.cycle)).toBe(true);
      const result = await store().upsertFromFeed({
        ...fresh,
        asOf: '2026-11-21',
        daysPastDue: 11,
        createdAt: '2026-11-21T01:00:00.000Z',
      });
      expect(result).toEqual({
        outcome: 'updated',
        previous: {
          cycle: '2026-11-10',
          status: 'open',
          asOf: '2026-11-20',
          escalationCycle: '2026-11-10',
          startedRun: 0,
          flags: [],
        },
      });
      expect(await store().get(fresh.caseId)).toMatchObject({
        asOf: '2026-11-21',
        daysPastDue: 11,
        completedSteps: ['sms-1'],
        lastStepAt: '2026-11-20T02:00:00.000Z',
        createdAt: '2026-11-20T01:00:00.000Z',
        escalationCycle: '2026-11-10',
      });
    });

    it('clears the ladder in the same write when a newer row starts a new cycle', async () => {
      const fresh = aCase();
      await store().upsertFromFeed(fresh);
      await store().markStepCompleted(fresh.caseId, fresh.cycle, 'sms-1', new Date('2026-11-20T02:00:00Z'));
      const result = await store().upsertFromFeed({
        ...fresh,
        asOf: '2026-12-20',
        cycle: '2026-12-15',
        dueDate: '2026-12-15',
      });
      expect(result).toMatchObject({ outcome: 'updated', previous: { cycle: '2026-11-10' } });
      const stored = await store().get(fresh.caseId);
      expect(stored).toMatchObject({ cycle: '2026-12-15', completedSteps: [] });
      expect(stored).not.toHaveProperty('lastStepAt');
    });

    it('removes the optional attributes a newer row leaves out, and the closing reason when it reopens', async () => {
      const fresh = aCase({ status: 'closed', closedReason: 'paid' } as Partial<CollectionCase>);
      await store().upsertFromFeed(fresh);
      const {
        cardLast4: _card,
        mobileIndex: _index,
        ...without
      } = { ...fresh, asOf: '2026-11-21', status: 'open' as const };
      await store().upsertFromFeed(without);
      const stored = await store().get(fresh.caseId);
      expect(stored).toMatchObject({ status: 'open' });
      expect(stored).not.toHaveProperty('cardLast4');
      expect(stored).not.toHaveProperty('mobileIndex');
      expect(stored).not.toHaveProperty('closedReason');
    });

    it('keeps the newest snapshot when rows for one account race, and clears steps when a new cycle wins', async () => {
      const fresh = aCase();
      await store().upsertFromFeed(fresh);
      await store().markStepCompleted(fresh.caseId, fresh.cycle, 'sms-1', new Date('2026-11-20T02:00:00Z'));
      const rows = [
        { asOf: '2026-11-21', cycle: '2026-11-10' },
        { asOf: '2026-11-25', cycle: '2026-11-24' },
        { asOf: '2026-11-22', cycle: '2026-11-10' },
        { asOf: '2026-11-24', cycle: '2026-11-10' },
      ];
      await Promise.all(rows.map((row) => store().upsertFromFeed({ ...fresh, ...row, dueDate: row.cycle })));
      expect(await store().get(fresh.caseId)).toMatchObject({
        asOf: '2026-11-25',
        cycle: '2026-11-24',
        completedSteps: [],
      });
    });

    it('records a step once however often it is marked, and ignores an unknown case', async () => {
      const fresh = aCase();
      await store().upsertFromFeed(fresh);
      await store().markStepCompleted(fresh.caseId, fresh.cycle, 'sms-1', new Date('2026-11-20T02:00:00Z'));
      await store().markStepCompleted(fresh.caseId, fresh.cycle, 'sms-1', new Date('2026-11-20T03:00:00Z'));
      await store().markStepCompleted(
        'demo-bank:NOBODY',
        '2026-11-10',
        'sms-1',
        new Date('2026-11-20T03:00:00Z'),
      );
      expect(await store().get(fresh.caseId)).toMatchObject({
        completedSteps: ['sms-1'],
        lastStepAt: '2026-11-20T02:00:00.000Z',
      });
      expect(await store().get('demo-bank:NOBODY')).toBeUndefined();
    });

    it('ignores a step marked for a cycle the case has left (an Act of the old cycle ending late)', async () => {
      const fresh = aCase();
      await store().upsertFromFeed(fresh);
      await store().upsertFromFeed({
        ...fresh,
        asOf: '2026-12-20',
        cycle: '2026-12-15',
        dueDate: '2026-12-15',
      });

      await store().markStepCompleted(fresh.caseId, fresh.cycle, 'sms-1', new Date('2026-12-20T02:00:00Z'));

      expect(await store().get(fresh.caseId)).toMatchObject({ cycle: '2026-12-15', completedSteps: [] });
    });

    it('records an escalation as started once, only for the cycle the case is in', async () => {
      const fresh = aCase();
      await store().upsertFromFeed(fresh);
      expect(await store().markEscalationStarted(fresh.caseId, '2026-10-01')).toBe(false);
      expect(await store().markEscalationStarted(fresh.caseId, fresh.cycle)).toBe(true);
      expect(await store().markEscalationStarted(fresh.caseId, fresh.cycle)).toBe(false);
      expect(await store().markEscalationStarted('demo-bank:NOBODY', fresh.cycle)).toBe(false);
      expect(await store().get('demo-bank:NOBODY')).toBeUndefined();
    });

    it('records when each step was done, and a new cycle starts without the old run, state and ladder', async () => {
      const fresh = aCase();
      await store().upsertFromFeed(fresh);
      await store().markStepCompleted(fresh.caseId, fresh.cycle, 'sms-1', new Date('2026-11-20T02:00:00Z'));
      expect(await store().pinLadderVersion(fresh.caseId, fresh.cycle, 2)).toBe(2);
      expect(await store().beginRun(fresh.caseId, fresh.cycle, 0)).toBe(1);
      expect((await store().get(fresh.caseId))?.stepTimes).toEqual({ 'sms-1': '2026-11-20T02:00:00.000Z' });
      const next = { ...fresh, asOf: '2026-12-20', cycle: '2026-12-10', dueDate: '2026-12-10' };
      expect((await store().upsertFromFeed(next)).previous).toMatchObject({
        escalationRun: 1,
        escalationState: 'running',
      });
      const stored = await store().get(fresh.caseId);
      expect(stored).toMatchObject({ cycle: '2026-12-10', completedSteps: [], stepTimes: {} });
      for (const gone of ['escalationRun', 'escalationState', 'ladderVersion', 'lastStepAt'])
        expect(stored).not.toHaveProperty(gone);
    });

    it('pins the first ladder version of a cycle and keeps it', async () => {
      const fresh = aCase();
      await store().upsertFromFeed(fresh);
      expect(await store().pinLadderVersion(fresh.caseId, '2026-01-01', 1)).toBeUndefined();
      expect(await store().pinLadderVersion(fresh.caseId, fresh.cycle, 1)).toBe(1);
      expect(await store().pinLadderVersion(fresh.caseId, fresh.cycle, 2)).toBe(1);
    });

    it('pins the debtor key once, and keeps it through a new cycle and a row without the index it came from', async () => {
      const fresh = aCase();
      await store().upsertFromFeed(fresh);
      expect(await store().pinDebtorKey('demo-bank:NOBODY', 'mob:x')).toBeUndefined();
      expect(await store().get('demo-bank:NOBODY')).toBeUndefined();
      expect(await store().pinDebtorKey(fresh.caseId, `mob:${fresh.mobileIndex}`)).toBe(
        `mob:${fresh.mobileIndex}`,
      );
      expect(await store().pinDebtorKey(fresh.caseId, 'nid:other')).toBe(`mob:${fresh.mobileIndex}`);

      const { mobileIndex: _dropped, ...withoutMobile } = fresh;
      await store().upsertFromFeed({
        ...withoutMobile,
        asOf: '2026-12-20',
        cycle: '2026-12-10',
        dueDate: '2026-12-10',
        nationalIdIndex: 'n-new',
      });

      expect(await store().get(fresh.caseId)).toMatchObject({
        cycle: '2026-12-10',
        nationalIdIndex: 'n-new',
        debtorKey: `mob:${fresh.mobileIndex}`,
      });
    });

    it('gives each resume the next run once, the same run to a repeat of it, and nothing to a stale one', async () => {
      const fresh = aCase();
      await store().upsertFromFeed(fresh);
      expect(
        await store().setEscalationState(fresh.caseId, {
          cycle: fresh.cycle,
          run: 0,
          state: 'paused',
          reason: 'dispute',
        }),
      ).toBe(true);
      expect(await store().beginRun(fresh.caseId, fresh.cycle, 0)).toBe(1);
      expect(await store().beginRun(fresh.caseId, fresh.cycle, 0)).toBe(1);
      expect(await store().get(fresh.caseId)).toMatchObject({ escalationRun: 1, escalationState: 'running' });
      expect(await store().get(fresh.caseId)).not.toHaveProperty('escalationReason');
      expect(await store().beginRun(fresh.caseId, fresh.cycle, 1)).toBe(2);
      expect(await store().beginRun(fresh.caseId, fresh.cycle, 0)).toBeUndefined();
      expect(await store().beginRun(fresh.caseId, '2026-01-01', 2)).toBeUndefined();
      expect(await store().beginRun('demo-bank:NOBODY', fresh.cycle, 0)).toBeUndefined();
    });

    it('records a pause only for the run and the case as the caller read them', async () => {
      const fresh = aCase();
      await store().upsertFromFeed(fresh);
      const read = (await store().get(fresh.caseId))?.updatedAt;
      const pause = { cycle: fresh.cycle, run: 0, state: 'paused', reason: 'hardship' } as const;
      expect(await store().setEscalationState(fresh.caseId, { ...pause, run: 1 })).toBe(false);
      expect(await store().setEscalationState(fresh.caseId, { ...pause, cycle: '2026-01-01' })).toBe(false);
      // A feed row lands between the read and the pause: the pause is not written over it.
      await store().upsertFromFeed({ ...fresh, asOf: '2026-11-21', updatedAt: '2026-11-21T01:00:00.000Z' });
      expect(await store().setEscalationState(fresh.caseId, { ...pause, readAt: read })).toBe(false);
      expect(
        await store().setEscalationState(fresh.caseId, { ...pause, readAt: '2026-11-21T01:00:00.000Z' }),
      ).toBe(true);
      expect(await store().get(fresh.caseId)).toMatchObject({
        escalationState: 'paused',
        escalationReason: 'hardship',
      });
    });

    it('records each run of a cycle as started once', async () => {
      const fresh = aCase();
      await store().upsertFromFeed(fresh);
      expect(await store().markEscalationStarted(fresh.caseId, fresh.cycle, 0)).toBe(true);
      expect(await store().markEscalationStarted(fresh.caseId, fresh.cycle, 0)).toBe(false);
      expect(await store().markEscalationStarted(fresh.caseId, fresh.cycle, 1)).toBe(true);
      expect(await store().markEscalationStarted(fresh.caseId, fresh.cycle, 1)).toBe(false);
      expect(await store().markEscalationStarted(fresh.caseId, fresh.cycle, 0)).toBe(false);
    });

    it('finds cases by blind index, and hands out copies a caller cannot change the store through', async () => {
      const fresh = aCase();
      await store().upsertFromFeed(fresh);
      const [found] = await store().findByLookup('mobile', `m-${fresh.accountId}`);
      expect(found?.caseId).toBe(fresh.caseId);
      (found as { status: string }).status = 'closed';
      expect((await store().get(fresh.caseId))?.status).toBe('open');
      expect(await store().findByLookup('mobile', 'no-such-index')).toEqual([]);
    });
  });
}
