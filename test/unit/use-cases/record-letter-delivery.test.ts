import { describe, expect, it } from 'vitest';
import type { ContactRecord } from '../../../lambdas/domain/contact-record';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../lambdas/domain/errors';
import type { StaffMember } from '../../../lambdas/domain/staff';
import { effectiveNotices } from '../../../lambdas/use-cases/escalation-context';
import { recordLetterDelivery } from '../../../lambdas/use-cases/record-letter-delivery';
import { createFakeWorld, sealedCase } from '../../support/fakes';

const CASE_ID = 'demo-bank:ACC-001';
const LETTER_ID = `${CASE_ID}#c1#letter-first`;
const SENT_AT = '2026-03-02T01:00:00.000Z';
const collector: StaffMember = { userId: 'staff-7', bankId: 'demo-bank', groups: ['collector'] };

/** A world whose case has a letter sent on 2 March (and an SMS), the clock at 10 March. */
async function worldWithLetter(outcome: 'sent' | 'failed' = 'sent') {
  const world = createFakeWorld({ now: '2026-03-10T02:00:00Z' });
  world.cases.seed(await sealedCase(world.vault));
  const letter: ContactRecord = {
    contactId: LETTER_ID,
    debtorKey: 'nid:abc',
    caseId: CASE_ID,
    channel: 'letter',
    at: SENT_AT,
    outcome: 'reserved',
    automated: true,
    purpose: 'collection-letter',
    stepId: 'letter-first',
  };
  const sms: ContactRecord = {
    ...letter,
    contactId: `${CASE_ID}#c1#sms-1`,
    channel: 'sms',
    purpose: 'reminder',
  };
  for (const record of [letter, sms]) {
    await world.contacts.reserve(await world.contacts.read('nid:abc', undefined, new Date(SENT_AT)), record);
    await world.contacts.settle(record, record === letter ? outcome : 'sent', new Date(SENT_AT));
  }
  // The by-case index catches up after a moment, as a GSI does.
  await expect.poll(() => world.contacts.listByCase(CASE_ID).then((records) => records.length)).toBe(2);
  return world;
}

const delivery = (overrides: Partial<Parameters<typeof recordLetterDelivery>[1]> = {}) => ({
  caseId: CASE_ID,
  contactId: LETTER_ID,
  deliveredAt: '2026-03-05T10:30:00+08:00',
  carrier: 'ems',
  reference: 'EA123456789CN',
  staff: collector,
  ...overrides,
});

describe('record letter delivery', () => {
  it('moves the letter to delivered, so that it counts as an effective notice, and keeps the proof in the trail', async () => {
    const world = await worldWithLetter();

    const result = await recordLetterDelivery(world, delivery());

    expect(result).toEqual({ outcome: 'recorded', deliveredAt: '2026-03-05T02:30:00.000Z' });
    await expect
      .poll(() => world.contacts.listByCase(CASE_ID).then((r) => effectiveNotices(CASE_ID, r)))
      .toEqual(['2026-03-05T02:30:00.000Z']);
    expect(world.trail.entries).toEqual([
      expect.objectContaining({
        kind: 'letter.delivered',
        actor: 'staff-7',
        detail: {
          contactId: LETTER_ID,
          channel: 'letter',
          carrier: 'ems',
          reference: 'EA123456789CN',
          deliveredAt: '2026-03-05T02:30:00.000Z',
          outcome: 'delivered',
        },
      }),
    ]);
  });

  it('answers a second recording with the first instant and one trail entry', async () => {
    const world = await worldWithLetter();
    await recordLetterDelivery(world, delivery());

    const again = await recordLetterDelivery(world, delivery({ deliveredAt: '2026-03-07T09:00:00Z' }));

    expect(again).toEqual({ outcome: 'already-recorded', deliveredAt: '2026-03-05T02:30:00.000Z' });
    expect(world.trail.entries.filter((e) => e.kind === 'letter.delivered')).toHaveLength(1);
  });

  it('refuses staff of another bank, or without a group that may record, before reading anything', async () => {
    const world = await worldWithLetter();
    const reads = world.cases.reads.length;

    await expect(
      recordLetterDelivery(world, delivery({ staff: { ...collector, bankId: 'other-bank' } })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      recordLetterDelivery(world, delivery({ staff: { ...collector, groups: ['auditor'] } })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(world.cases.reads.length).toBe(reads);
  });

  it.each([
    ['carrier', { carrier: 'EMS Express' }],
    ['reference', { reference: '张三 138' }],
    ['deliveredAt', { deliveredAt: '5 March' }],
    ['deliveredAt', { deliveredAt: '2026-03-05T10:30:00' }],
    ['deliveredAt', { deliveredAt: '2026-03-11T00:00:00Z' }],
    ['deliveredAt', { deliveredAt: '2026-03-01T00:00:00Z' }],
    ['contactId', { contactId: `${CASE_ID}#c1#sms-1` }],
  ])('names the field %s when it is wrong, and records nothing', async (field, overrides) => {
    const world = await worldWithLetter();

    const refused = recordLetterDelivery(world, delivery(overrides));

    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ field });
    expect(world.trail.entries).toEqual([]);
    expect((await world.contacts.listByCase(CASE_ID)).map((r) => r.outcome)).not.toContain('delivered');
  });

  it('refuses a letter that never went out, and a contact of another case or none', async () => {
    const failed = await worldWithLetter('failed');
    await expect(recordLetterDelivery(failed, delivery())).rejects.toMatchObject({ field: 'contactId' });

    const world = await worldWithLetter();
    await expect(
      recordLetterDelivery(world, delivery({ contactId: 'demo-bank:ACC-002#c1#letter-first' })),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      recordLetterDelivery(world, delivery({ caseId: 'demo-bank:ACC-404' })),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(world.trail.entries).toEqual([]);
  });
});
