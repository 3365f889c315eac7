/**
 * The contact ledger's contract: read → reserve (atomic against a moved head, once per contactId) → settle
 * (once, from `reserved`), a window of LEDGER_WINDOW_DAYS, the address shared across debtors, a case's records
 * in order, and items that hold nothing but a contact record's fields (keys are blind indexes).
 */

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ContactRecord, countsAsContact } from '../../lambdas/domain/contact-record';
import { type ContactLedger, LEDGER_WINDOW_DAYS } from '../../lambdas/ports/contact-ledger';

export interface ContactLedgerParts {
  readonly ledger: ContactLedger;
  /** Every item the ledger stored, as stored (keys, versions and expiry included). */
  readonly storedItems: () => Promise<Record<string, unknown>[]>;
}

const DAY_MS = 86_400_000;
const NOW = new Date('2026-03-10T02:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS).toISOString();

/** Keys shaped like the real ones (debtorKeyOf, blind indexes): a tag per test keeps tests apart. */
function keysOf() {
  const tag = randomUUID().slice(0, 8);
  return {
    tag,
    debtor: `nid:${tag}a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6`,
    otherDebtor: `mob:${tag}f6e5d4c3b2a1f6e5d4c3b2a1f6e5d4c3`,
    address: `mob:${tag}0011223344556677889900aabbccddee`,
    otherAddress: `email:${tag}ffeeddccbbaa00998877665544332211`,
    caseId: `demo-bank:C${tag}`,
  };
}

function contact(
  fields: Pick<ContactRecord, 'contactId' | 'debtorKey' | 'caseId'> & Partial<ContactRecord>,
): ContactRecord {
  return {
    channel: 'sms',
    at: NOW.toISOString(),
    outcome: 'reserved',
    automated: true,
    purpose: 'reminder',
    ...fields,
  };
}

const RECORD_FIELDS: ReadonlySet<string> = new Set([
  'contactId',
  'debtorKey',
  'caseId',
  'channel',
  'addressKey',
  'at',
  'outcome',
  'automated',
  'purpose',
  'stepId',
  'thirdParty',
  'deliveredAt',
]);

/** The attributes of a stored record (or a head's copy) that are not a contact record's fields. */
function foreignFields(fields: object): string[] {
  return Object.keys(fields).filter((field) => !RECORD_FIELDS.has(field));
}

export function contactLedgerContract(name: string, parts: () => ContactLedgerParts): void {
  /** Reads the debtor's view and reserves the record in it. */
  async function reserveFresh(record: ContactRecord, now = NOW) {
    const view = await parts().ledger.read(record.debtorKey, record.addressKey, now);
    return parts().ledger.reserve(view, record);
  }

  describe(`ContactLedger contract: ${name}`, () => {
    it('shows a reserved contact to the next read, with the heads moved on', async () => {
      const k = keysOf();
      const { ledger } = parts();
      const before = await ledger.read(k.debtor, k.address, NOW);
      expect(before).toEqual({
        debtor: { key: k.debtor, version: 0 },
        address: { key: k.address, version: 0 },
        records: [],
      });
      const record = contact({
        contactId: `${k.caseId}#c1#sms-1`,
        debtorKey: k.debtor,
        caseId: k.caseId,
        addressKey: k.address,
        stepId: 'sms-1',
      });

      expect(await ledger.reserve(before, record)).toBe('reserved');

      const after = await ledger.read(k.debtor, k.address, NOW);
      expect(after.records).toEqual([record]);
      expect(after.debtor.version).toBeGreaterThan(0);
      expect(after.address?.version).toBeGreaterThan(0);
      // Read without the address (a letter's view): the debtor's head alone still holds it.
      expect((await ledger.read(k.debtor, undefined, NOW)).records).toEqual([record]);
    });

    it('lets only one of two senders racing from the same view take the slot; the other must read again', async () => {
      const k = keysOf();
      const { ledger } = parts();
      await reserveFresh(
        contact({
          contactId: `${k.caseId}#earlier`,
          debtorKey: k.debtor,
          caseId: k.caseId,
          addressKey: k.address,
          at: minutesAgo(60),
        }),
      );
      const view = await ledger.read(k.debtor, k.address, NOW);
      const first = contact({
        contactId: `${k.caseId}#racer-1`,
        debtorKey: k.debtor,
        caseId: k.caseId,
        addressKey: k.address,
      });
      const second = contact({
        contactId: `${k.caseId}#racer-2`,
        debtorKey: k.debtor,
        caseId: k.caseId,
        addressKey: k.address,
      });

      const results = await Promise.all([ledger.reserve(view, first), ledger.reserve(view, second)]);

      expect([...results].sort()).toEqual(['conflict', 'reserved']);
      const loser = results[0] === 'reserved' ? second : first;
      const winner = results[0] === 'reserved' ? first : second;
      const again = await ledger.read(k.debtor, k.address, NOW);
      expect(again.records.map((r) => r.contactId)).toEqual([`${k.caseId}#earlier`, winner.contactId]);
      // Read again and decided again, the loser may reserve on the fresh view.
      expect(await ledger.reserve(again, loser)).toBe('reserved');
    });

    it('makes the view of another debtor at the same address stale when the address head moves', async () => {
      const k = keysOf();
      const { ledger } = parts();
      const mine = await ledger.read(k.debtor, k.address, NOW);
      const theirs = await ledger.read(k.otherDebtor, k.address, NOW);
      expect(
        await ledger.reserve(
          theirs,
          contact({
            contactId: `${k.caseId}#theirs`,
            debtorKey: k.otherDebtor,
            caseId: `${k.caseId}-2`,
            addressKey: k.address,
          }),
        ),
      ).toBe('reserved');

      expect(
        await ledger.reserve(
          mine,
          contact({
            contactId: `${k.caseId}#mine`,
            debtorKey: k.debtor,
            caseId: k.caseId,
            addressKey: k.address,
          }),
        ),
      ).toBe('conflict');
    });

    it('answers duplicate to a contactId reserved before, at once or months later', async () => {
      const k = keysOf();
      const { ledger } = parts();
      const record = contact({
        contactId: `${k.caseId}#c1#sms-1`,
        debtorKey: k.debtor,
        caseId: k.caseId,
        addressKey: k.address,
      });
      expect(await reserveFresh(record)).toBe('reserved');

      expect(await reserveFresh(record)).toBe('duplicate');
      // Out of the window, the record is not in the view: the store itself still refuses it.
      const later = new Date(NOW.getTime() + (LEDGER_WINDOW_DAYS + 30) * DAY_MS);
      expect(await reserveFresh({ ...record, at: later.toISOString() }, later)).toBe('duplicate');
      await expect.poll(() => ledger.listByCase(k.caseId)).toEqual([record]);
    });

    it('never reserves one contactId twice, even for senders racing with it', async () => {
      const k = keysOf();
      const { ledger } = parts();
      const record = contact({ contactId: `${k.caseId}#c1#sms-1`, debtorKey: k.debtor, caseId: k.caseId });
      const view = await ledger.read(k.debtor, undefined, NOW);

      const results = await Promise.all([ledger.reserve(view, record), ledger.reserve(view, record)]);

      expect(results.filter((r) => r === 'reserved')).toHaveLength(1);
      expect(results.filter((r) => r !== 'reserved')[0]).toMatch(/^(duplicate|conflict)$/);
      expect(await reserveFresh(record)).toBe('duplicate');
    });

    it('settles a reservation to its outcome once; a second settle, or one after a release, changes nothing', async () => {
      const k = keysOf();
      const { ledger } = parts();
      const record = contact({
        contactId: `${k.caseId}#c1#sms-1`,
        debtorKey: k.debtor,
        caseId: k.caseId,
        addressKey: k.address,
      });
      await reserveFresh(record);
      const reservedView = await ledger.read(k.debtor, k.address, NOW);
      const sentAt = new Date(NOW.getTime() + 2_000);

      await ledger.settle(record, 'sent', sentAt);
      const settled = await ledger.read(k.debtor, k.address, NOW);
      await ledger.settle(record, 'sent', sentAt);
      await ledger.settle(record, 'released', new Date(NOW.getTime() + 9_000));

      const expected = { ...record, outcome: 'sent', at: sentAt.toISOString() };
      expect(settled.records).toEqual([expected]);
      // A settle moves the heads: a sender that decided on the reserved copy decides again.
      expect(settled.debtor.version).toBeGreaterThan(reservedView.debtor.version);
      const again = await ledger.read(k.debtor, k.address, NOW);
      expect(again).toEqual(settled);
      await expect.poll(() => ledger.listByCase(k.caseId)).toEqual([expected]);
    });

    it('records a sent letter as delivered once, in the record and in the view the guard reads', async () => {
      const k = keysOf();
      const { ledger } = parts();
      const letter = contact({
        contactId: `${k.caseId}#c1#letter-first`,
        debtorKey: k.debtor,
        caseId: k.caseId,
        channel: 'letter',
        purpose: 'collection-letter',
      });
      await reserveFresh(letter);
      await ledger.settle(letter, 'sent', NOW);
      const deliveredAt = new Date(NOW.getTime() + 3 * DAY_MS);

      expect(await ledger.recordDelivery(letter.contactId, deliveredAt)).toEqual({
        outcome: 'recorded',
        deliveredAt: deliveredAt.toISOString(),
      });
      // A second proof (another instant) changes nothing: the first one stands.
      expect(await ledger.recordDelivery(letter.contactId, new Date(NOW.getTime() + 5 * DAY_MS))).toEqual({
        outcome: 'already-recorded',
        deliveredAt: deliveredAt.toISOString(),
      });

      const expected = { ...letter, outcome: 'delivered', deliveredAt: deliveredAt.toISOString() };
      expect((await ledger.read(k.debtor, undefined, NOW)).records).toEqual([expected]);
      await expect.poll(() => ledger.listByCase(k.caseId)).toEqual([expected]);
    });

    it('records no delivery for a contact never sent, or unknown', async () => {
      const k = keysOf();
      const { ledger } = parts();
      const reserved = contact({ contactId: `${k.caseId}#r`, debtorKey: k.debtor, caseId: k.caseId });
      const failed = contact({ contactId: `${k.caseId}#f`, debtorKey: k.debtor, caseId: k.caseId });
      await reserveFresh(reserved);
      await reserveFresh(failed);
      await ledger.settle(failed, 'failed', NOW);

      expect(await ledger.recordDelivery(reserved.contactId, NOW)).toEqual({ outcome: 'not-sent' });
      expect(await ledger.recordDelivery(failed.contactId, NOW)).toEqual({ outcome: 'not-sent' });
      expect(await ledger.recordDelivery(`${k.caseId}#never`, NOW)).toEqual({ outcome: 'not-found' });
      const view = await ledger.read(k.debtor, undefined, NOW);
      expect(view.records.map((r) => r.outcome).sort()).toEqual(['failed', 'reserved']);
    });

    it('leaves a record released or failed on record, but not counted as a contact', async () => {
      const k = keysOf();
      const { ledger } = parts();
      const ids = ['sent', 'released', 'failed', 'reserved'] as const;
      for (const [i, outcome] of ids.entries()) {
        const record = contact({
          contactId: `${k.caseId}#${outcome}`,
          debtorKey: k.debtor,
          caseId: k.caseId,
          at: minutesAgo(10 - i),
        });
        expect(await reserveFresh(record)).toBe('reserved');
        if (outcome !== 'reserved') await ledger.settle(record, outcome, new Date(minutesAgo(10 - i)));
      }

      const view = await ledger.read(k.debtor, undefined, NOW);

      expect(view.records.map((r) => r.outcome)).toEqual(['sent', 'released', 'failed', 'reserved']);
      expect(view.records.filter(countsAsContact).map((r) => r.outcome)).toEqual(['sent', 'reserved']);
    });

    it(`returns the last ${LEDGER_WINDOW_DAYS} days only`, async () => {
      const k = keysOf();
      const { ledger } = parts();
      const old = contact({
        contactId: `${k.caseId}#old`,
        debtorKey: k.debtor,
        caseId: k.caseId,
        addressKey: k.address,
        at: daysAgo(LEDGER_WINDOW_DAYS + 1),
      });
      const recent = contact({
        contactId: `${k.caseId}#recent`,
        debtorKey: k.debtor,
        caseId: k.caseId,
        addressKey: k.address,
        at: daysAgo(LEDGER_WINDOW_DAYS - 1),
      });
      await reserveFresh(old, new Date(old.at));
      await reserveFresh(recent, new Date(recent.at));

      const view = await ledger.read(k.debtor, k.address, NOW);

      expect(view.records.map((r) => r.contactId)).toEqual([recent.contactId]);
      // Out of the window is not out of the record: a case's history keeps it.
      await expect
        .poll(() => ledger.listByCase(k.caseId).then((r) => r.map((x) => x.contactId)))
        .toEqual([old.contactId, recent.contactId]);
      // A reservation from this view goes through, and the window still holds.
      const next = contact({
        contactId: `${k.caseId}#next`,
        debtorKey: k.debtor,
        caseId: k.caseId,
        addressKey: k.address,
      });
      expect(await ledger.reserve(view, next)).toBe('reserved');
      expect((await ledger.read(k.debtor, k.address, NOW)).records.map((r) => r.contactId)).toEqual([
        recent.contactId,
        next.contactId,
      ]);
    });

    it('returns the contacts of another debtor at the same address, and not at another', async () => {
      const k = keysOf();
      const { ledger } = parts();
      const sameAddress = contact({
        contactId: `${k.caseId}#same`,
        debtorKey: k.otherDebtor,
        caseId: `${k.caseId}-2`,
        addressKey: k.address,
        at: minutesAgo(30),
      });
      const elsewhere = contact({
        contactId: `${k.caseId}#elsewhere`,
        debtorKey: k.otherDebtor,
        caseId: `${k.caseId}-2`,
        addressKey: k.otherAddress,
        at: minutesAgo(20),
      });
      const letter = contact({
        contactId: `${k.caseId}#letter`,
        debtorKey: k.debtor,
        caseId: k.caseId,
        channel: 'letter',
        purpose: 'collection-letter',
        at: minutesAgo(10),
      });
      for (const record of [sameAddress, elsewhere, letter])
        expect(await reserveFresh(record)).toBe('reserved');

      const view = await ledger.read(k.debtor, k.address, NOW);

      expect(view.records).toEqual([sameAddress, letter]);
    });

    it('lists a case’s records oldest first, and no other case’s', async () => {
      const k = keysOf();
      const { ledger } = parts();
      const at = [minutesAgo(5), minutesAgo(50), minutesAgo(20)];
      for (const [i, when] of at.entries()) {
        await reserveFresh(
          contact({ contactId: `${k.caseId}#${i}`, debtorKey: k.debtor, caseId: k.caseId, at: when }),
        );
      }
      await reserveFresh(
        contact({
          contactId: `${k.caseId}-2#0`,
          debtorKey: k.debtor,
          caseId: `${k.caseId}-2`,
          at: minutesAgo(30),
        }),
      );

      await expect
        .poll(() => ledger.listByCase(k.caseId).then((records) => records.map((r) => r.at)))
        .toEqual([minutesAgo(50), minutesAgo(20), minutesAgo(5)]);
    });

    it('stores a contact record’s fields, keys made of blind indexes, and an expiry — nothing else', async () => {
      const k = keysOf();
      const { ledger, storedItems } = parts();
      const record = contact({
        contactId: `${k.caseId}#c1#call-1`,
        debtorKey: k.debtor,
        caseId: k.caseId,
        addressKey: k.address,
        channel: 'call',
        automated: false,
        purpose: 'call',
        thirdParty: false,
      });
      await reserveFresh(record);
      await ledger.settle(record, 'connected', NOW);

      const items = (await storedItems()).filter((item) => JSON.stringify(item).includes(k.tag));

      expect(items).toHaveLength(3);
      for (const item of items) {
        const { pk, expiresAt, version, recent, ...fields } = item;
        expect(String(pk)).toMatch(/^(contact|debtor|address)#/);
        // The record's TTL: at least three years (CN-5, US-8) after the contact.
        expect(Number(expiresAt)).toBeGreaterThanOrEqual(Date.parse(record.at) / 1000 + 3 * 365 * 86_400);
        if (version === undefined) {
          expect(foreignFields(fields)).toEqual([]);
          expect(fields).toEqual({ ...record, outcome: 'connected' });
        } else {
          expect(Object.keys(fields)).toEqual([]);
          for (const copy of Object.values(recent as Record<string, object>)) {
            expect(foreignFields(copy)).toEqual([]);
          }
        }
      }
      // Positive control: the scan sees a field that is not a contact record's.
      expect(foreignFields({ ...record, note: 'called back' })).toEqual(['note']);
    });
  });
}
