/** The contact ledger in memory, with DynamoContactLedger's semantics and its items' shape. */

import {
  addressHeadKey,
  debtorHeadKey,
  recordKey,
} from '../../../lambdas/adapters/aws/dynamo-contact-ledger';
import type { ContactOutcome, ContactRecord } from '../../../lambdas/domain/contact-record';
import {
  type ContactLedger,
  type DeliveryResult,
  LEDGER_WINDOW_DAYS,
  type LedgerView,
  type ReserveResult,
} from '../../../lambdas/ports/contact-ledger';

const DAY_MS = 86_400_000;

interface HeadItem {
  pk: string;
  version: number;
  recent: Record<string, ContactRecord>;
  expiresAt: number;
}
type RecordItem = ContactRecord & { pk: string; expiresAt: number };

/**
 * ContactLedger as DynamoContactLedger keeps it: record items and head items (version + the key's recent
 * records) in one Map by `pk`. A reservation succeeds only if no record has its contactId (`duplicate`) and
 * every head is still at the version read (`conflict`), checked and written in one synchronous step, as a
 * transaction is. Settle moves the heads' copies (each a new version) and the record, only from `reserved`.
 * `listByCase` reads an index that catches up `indexLagMs` after a write, as a GSI does: a test reading it
 * right after a write polls. `tamper(key)` moves a head as another writer would between read and reserve.
 */
export class InMemoryContactLedger implements ContactLedger {
  readonly items = new Map<string, HeadItem | RecordItem>();
  private readonly index = new Map<string, ContactRecord>();

  constructor(
    readonly retentionYears = 3,
    private readonly indexLagMs = 10,
  ) {}

  async read(debtorKey: string, addressKey: string | undefined, now: Date): Promise<LedgerView> {
    await Promise.resolve();
    const since = new Date(now.getTime() - LEDGER_WINDOW_DAYS * DAY_MS).toISOString();
    const debtor = this.head(debtorHeadKey(debtorKey));
    const address = addressKey === undefined ? undefined : this.head(addressHeadKey(addressKey));
    const byId = new Map<string, ContactRecord>();
    for (const record of [...Object.values(debtor?.recent ?? {}), ...Object.values(address?.recent ?? {})]) {
      if (record.at < since) continue;
      const seen = byId.get(record.contactId);
      if (!seen || seen.outcome === 'reserved') byId.set(record.contactId, structuredClone(record));
    }
    return {
      debtor: { key: debtorKey, version: debtor?.version ?? 0 },
      ...(addressKey === undefined ? {} : { address: { key: addressKey, version: address?.version ?? 0 } }),
      records: [...byId.values()].sort(byTime),
    };
  }

  async reserve(view: LedgerView, record: ContactRecord): Promise<ReserveResult> {
    if (record.debtorKey !== view.debtor.key || record.addressKey !== view.address?.key) {
      throw new Error('the record is not of the debtor or address the view was read for');
    }
    if (record.outcome !== 'reserved')
      throw new Error(`reserve takes a reserved record, not ${record.outcome}`);
    await Promise.resolve();
    if (this.items.has(recordKey(record.contactId))) return 'duplicate';
    const heads = [{ pk: debtorHeadKey(view.debtor.key), seen: view.debtor.version }];
    if (view.address) heads.push({ pk: addressHeadKey(view.address.key), seen: view.address.version });
    if (heads.some(({ pk, seen }) => (this.head(pk)?.version ?? 0) !== seen)) return 'conflict';
    const stored = withoutUndefined(record);
    const expiresAt = this.expiryOf(record.at);
    this.writeRecord({ pk: recordKey(record.contactId), ...stored, expiresAt });
    const since = new Date(Date.parse(record.at) - LEDGER_WINDOW_DAYS * DAY_MS).toISOString();
    for (const { pk, seen } of heads) {
      const recent = { ...(this.head(pk)?.recent ?? {}) };
      // The adapter drops what its read found out of the window; near enough: what is older than it now.
      for (const [contactId, copy] of Object.entries(recent)) if (copy.at < since) delete recent[contactId];
      recent[record.contactId] = structuredClone(stored);
      this.items.set(pk, { pk, version: seen + 1, recent, expiresAt });
    }
    return 'reserved';
  }

  async settle(record: ContactRecord, outcome: Exclude<ContactOutcome, 'reserved'>, at: Date): Promise<void> {
    await Promise.resolve();
    const instant = at.toISOString();
    const heads = [debtorHeadKey(record.debtorKey)];
    if (record.addressKey !== undefined) heads.push(addressHeadKey(record.addressKey));
    for (const pk of heads) {
      const head = this.head(pk);
      const copy = head?.recent[record.contactId];
      if (!head || copy?.outcome !== 'reserved') continue;
      head.recent[record.contactId] = { ...copy, outcome, at: instant };
      head.version += 1;
    }
    const stored = this.items.get(recordKey(record.contactId)) as RecordItem | undefined;
    if (stored?.outcome !== 'reserved') return;
    this.writeRecord({ ...stored, outcome, at: instant, expiresAt: this.expiryOf(instant) });
  }

  async recordDelivery(contactId: string, deliveredAt: Date): Promise<DeliveryResult> {
    await Promise.resolve();
    const stored = this.items.get(recordKey(contactId)) as RecordItem | undefined;
    if (!stored) return { outcome: 'not-found' };
    if (stored.outcome !== 'sent' && stored.outcome !== 'delivered') return { outcome: 'not-sent' };
    const outcome = stored.outcome === 'delivered' ? 'already-recorded' : 'recorded';
    const instant = stored.deliveredAt ?? deliveredAt.toISOString();
    if (outcome === 'recorded') this.writeRecord({ ...stored, outcome: 'delivered', deliveredAt: instant });
    const heads = [debtorHeadKey(stored.debtorKey)];
    if (stored.addressKey !== undefined) heads.push(addressHeadKey(stored.addressKey));
    for (const pk of heads) {
      const copy = this.head(pk)?.recent[contactId];
      if (copy?.outcome === 'sent')
        (this.head(pk) as HeadItem).recent[contactId] = {
          ...copy,
          outcome: 'delivered',
          deliveredAt: instant,
        };
    }
    return { outcome, deliveredAt: instant };
  }

  async listByCase(caseId: string): Promise<ContactRecord[]> {
    await Promise.resolve();
    return [...this.index.values()]
      .filter((record) => record.caseId === caseId)
      .sort(byTime)
      .map((record) => structuredClone(record));
  }

  /** Copies of every item, as the table would hold them. */
  storedItems(): Record<string, unknown>[] {
    return [...this.items.values()].map((item) => ({ ...structuredClone(item) }));
  }

  /** Another writer moves the head (a reservation or a settle elsewhere) without recording anything here. */
  tamper(key: { debtorKey: string } | { addressKey: string }): void {
    const pk = 'debtorKey' in key ? debtorHeadKey(key.debtorKey) : addressHeadKey(key.addressKey);
    const head = this.head(pk) ?? { pk, version: 0, recent: {}, expiresAt: 0 };
    this.items.set(pk, { ...head, version: head.version + 1 });
  }

  private head(pk: string): HeadItem | undefined {
    return this.items.get(pk) as HeadItem | undefined;
  }

  private writeRecord(item: RecordItem): void {
    this.items.set(item.pk, item);
    const { pk: _pk, expiresAt: _expiresAt, ...record } = structuredClone(item);
    setTimeout(() => this.index.set(item.pk, record), this.indexLagMs);
  }

  private expiryOf(at: string): number {
    const expiry = new Date(at);
    expiry.setUTCFullYear(expiry.getUTCFullYear() + this.retentionYears);
    return Math.floor(expiry.getTime() / 1000);
  }
}

function withoutUndefined(record: ContactRecord): ContactRecord {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== undefined),
  ) as unknown as ContactRecord;
}

function byTime(a: ContactRecord, b: ContactRecord): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0;
}
