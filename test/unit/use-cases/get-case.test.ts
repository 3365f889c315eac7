import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '../../../lambdas/domain/errors';
import type { StaffMember } from '../../../lambdas/domain/staff';
import { getCase } from '../../../lambdas/use-cases/get-case';
import { createFakeWorld, DEBTOR, sealedCase } from '../../support/fakes';

const collector: StaffMember = { userId: 'staff-7', bankId: 'demo-bank', groups: ['collector'] };

async function worldWithCase() {
  const world = createFakeWorld({ now: '2026-03-02T02:00:00Z' });
  world.cases.seed(await sealedCase(world.vault));
  return world;
}

describe('get case', () => {
  it('refuses staff of another bank without touching the store', async () => {
    const world = await worldWithCase();
    const outsider: StaffMember = { userId: 'staff-9', bankId: 'other-bank', groups: ['admin'] };

    await expect(getCase(world, { caseId: 'demo-bank:ACC-001', staff: outsider })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(world.cases.reads).toEqual([]);
    expect(world.trail.entries).toEqual([]);
  });

  it('refuses staff of the bank who belong to no group', async () => {
    const world = await worldWithCase();

    await expect(
      getCase(world, { caseId: 'demo-bank:ACC-001', staff: { ...collector, groups: [] } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('reports an unknown case as not found', async () => {
    const world = await worldWithCase();

    await expect(getCase(world, { caseId: 'demo-bank:ACC-404', staff: collector })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(world.trail.entries).toEqual([]);
  });

  it('shows the case with personal data masked and nothing sealed', async () => {
    const world = await worldWithCase();

    const view = await getCase(world, { caseId: 'demo-bank:ACC-001', staff: collector });

    expect(view).toMatchObject({
      caseId: 'demo-bank:ACC-001',
      status: 'open',
      bucket: 'M1',
      daysPastDue: 12,
      overdue: { amountMinor: 150000, currency: 'CNY', display: '1500.00' },
      customer: { name: '张**', mobile: '138****5678' },
      cardLast4: '4321',
    });
    expect(view).not.toHaveProperty('pii');
    const text = JSON.stringify(view);
    expect(text).not.toContain(DEBTOR.name);
    expect(text).not.toContain('12345678');
  });

  it('records who viewed the case and when', async () => {
    const world = await worldWithCase();

    await getCase(world, { caseId: 'demo-bank:ACC-001', staff: collector });

    expect(world.trail.entries).toEqual([
      expect.objectContaining({
        caseId: 'demo-bank:ACC-001',
        kind: 'case.viewed',
        actor: 'staff-7',
        at: new Date('2026-03-02T02:00:00Z'),
        detail: { view: 'masked' },
      }),
    ]);
  });

  it('records every view, even two at the same instant by the same person', async () => {
    const world = await worldWithCase();

    await getCase(world, { caseId: 'demo-bank:ACC-001', staff: collector });
    await getCase(world, { caseId: 'demo-bank:ACC-001', staff: collector });

    expect(world.trail.ofKind('case.viewed')).toHaveLength(2);
  });
});
