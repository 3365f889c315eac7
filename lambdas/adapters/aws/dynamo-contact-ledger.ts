/**
 * The contact ledger on DynamoDB: a record item per contact, and a head item per debtor key and per address
 * key that carries a version and a copy of the key's recent records, so that the guard's read is two
 * strongly consistent GetItems and a reservation is one transaction conditioned on what was read.
 *
 * Table (one partition key `pk`, no sort key; TTL on `expiresAt`; GSI `by-case` = caseId + at):
 * - `contact#<contactId>`: the ContactRecord's own fields, plus `expiresAt` (epoch seconds, `at` + the
 *   retention). The only item in `by-case` (heads have no caseId), so a case's records list without a Scan.
 * - `debtor#<debtorKey>` and `address#<addressKey>`: `version` (a number, +1 at every reservation and every
 *   effective settle), `recent` (a map contactId → the record as the guard sees it: every record of the
 *   debtor, or every record at the address whoever the debtor) and `expiresAt` (the latest record's).
 *
 * Why copies in the heads rather than a Query of the records: a head is one item, so one GetItem returns
 * its version and its records as of the same instant; a Query is read-committed, item by item, and may see a
 * transaction's head without its record. Records older than LEDGER_WINDOW_DAYS are dropped from a head by
 * the next reservation that reads them (they stay as record items until their TTL).
 *
 * The price (test/integration/contact-ledger-cost.test.ts): a copy is ~380 B, so a read is 2 RCU up to
 * ~10 recent records and 20 RCU at 100; a reservation rewrites both heads in a transaction (2 WCU a KB):
 * 14 WCU at 10 records, 78 at 100, where records found by Query would cost ~8 WCU but 4 requests and no
 * snapshot. A head nears DynamoDB's 400 KB item limit at ~1,000 copies in 45 days; CN-2's ceiling (6 call
 * attempts a day to one number) is 270.
 *
 * Keys are blind indexes and case ids (debtorKeyOf): no item holds a name, a number or an address.
 */

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ContactOutcome, ContactRecord } from '../../domain/contact-record';
import {
  type ContactLedger,
  type DeliveryResult,
  LEDGER_WINDOW_DAYS,
  type LedgerHead,
  type LedgerView,
  type ReserveResult,
} from '../../ports/contact-ledger';
import { backoffWithJitter } from '../backoff';
import { whileThrottled } from './throttling';

/** The GSI listing a case's records by time (the CDK table declares the same name). */
export const CONTACT_LEDGER_CASE_INDEX = 'by-case';
/** The TTL attribute (epoch seconds) the table is declared with. */
export const CONTACT_LEDGER_TTL_ATTRIBUTE = 'expiresAt';
/**
 * How long a contact record is kept: CN-5 keeps 3 years (2 required), US-8 3 years. An infra test holds
 * it at or above every pack's recordRetentionYears.
 */
export const CONTACT_RECORD_RETENTION_YEARS = 3;

const DAY_MS = 86_400_000;
/** Attempts at a settle write that meets a reservation's transaction on the same head. */
const SETTLE_ATTEMPTS = 6;

export const recordKey = (contactId: string) => `contact#${contactId}`;
export const debtorHeadKey = (debtorKey: string) => `debtor#${debtorKey}`;
export const addressHeadKey = (addressKey: string) => `address#${addressKey}`;

interface HeadItem {
  readonly version?: number;
  readonly recent?: Readonly<Record<string, ContactRecord>>;
}

/** What a read saw beyond the view: the contactIds each head holds that are older than the window. */
interface OutOfWindow {
  readonly debtor: readonly string[];
  readonly address: readonly string[];
}

export interface DynamoContactLedgerOptions {
  /** Years a record is kept after its `at` (TTL); CONTACT_RECORD_RETENTION_YEARS by default. */
  readonly retentionYears?: number;
  /** The pause between attempts at a settle that meets a transaction in progress. */
  readonly pause?: (attempt: number) => Promise<void>;
}

export class DynamoContactLedger implements ContactLedger {
  readonly retentionYears: number;
  private readonly pause: (attempt: number) => Promise<void>;
  /** Per instance, by view: what the reservation made from that view may prune from the heads. */
  private readonly outOfWindow = new WeakMap<LedgerView, OutOfWindow>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoContactLedgerOptions = {},
  ) {
    this.retentionYears = options.retentionYears ?? CONTACT_RECORD_RETENTION_YEARS;
    this.pause = options.pause ?? backoffWithJitter(20, 1_000);
  }

  /** One consistent GetItem per head (two with an address key), in parallel. */
  async read(debtorKey: string, addressKey: string | undefined, now: Date): Promise<LedgerView> {
    const since = new Date(now.getTime() - LEDGER_WINDOW_DAYS * DAY_MS).toISOString();
    const [debtorItem, addressItem] = await Promise.all([
      this.head(debtorHeadKey(debtorKey)),
      addressKey === undefined ? undefined : this.head(addressHeadKey(addressKey)),
    ]);
    const byId = new Map<string, ContactRecord>();
    for (const record of [...recentOf(debtorItem), ...recentOf(addressItem)]) {
      if (record.at < since) continue;
      const seen = byId.get(record.contactId);
      // Copies differ only after a settle stopped between the two heads: the settled one is the later state.
      if (!seen || seen.outcome === 'reserved') byId.set(record.contactId, record);
    }
    const view: LedgerView = {
      debtor: { key: debtorKey, version: debtorItem?.version ?? 0 },
      ...(addressKey === undefined
        ? {}
        : { address: { key: addressKey, version: addressItem?.version ?? 0 } }),
      records: [...byId.values()].sort(byTime),
    };
    this.outOfWindow.set(view, {
      debtor: recentOf(debtorItem)
        .filter((r) => r.at < since)
        .map((r) => r.contactId),
      address: recentOf(addressItem)
        .filter((r) => r.at < since)
        .map((r) => r.contactId),
    });
    return view;
  }

  /**
   * One transaction: put the record (its contactId new) and move each head on from the version read
   * (creating it when read as 0), adding the record's copy and dropping the copies the read found too old.
   * A view made elsewhere reserves the same way; only the pruning waits for a view of this adapter's.
   */
  async reserve(view: LedgerView, record: ContactRecord): Promise<ReserveResult> {
    assertMatches(view, record);
    if (record.outcome !== 'reserved')
      throw new Error(`reserve takes a reserved record, not ${record.outcome}`);
    if (view.records.some((seen) => seen.contactId === record.contactId)) return 'duplicate';
    const stored = recordOf(record);
    const expiresAt = this.expiryOf(record.at);
    const stale = this.outOfWindow.get(view) ?? { debtor: [], address: [] };
    const heads: Array<{ key: string; head: LedgerHead; stale: readonly string[] }> = [
      { key: debtorHeadKey(view.debtor.key), head: view.debtor, stale: stale.debtor },
    ];
    if (view.address) {
      heads.push({ key: addressHeadKey(view.address.key), head: view.address, stale: stale.address });
    }
    const transaction = new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: this.tableName,
            Item: { pk: recordKey(record.contactId), ...stored, expiresAt },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...heads.map(({ key, head, stale: old }) => ({
          Update: {
            TableName: this.tableName,
            Key: { pk: key },
            ...headWrite(head.version, stored, expiresAt, old),
          },
        })),
      ],
    });
    try {
      await whileThrottled(() => throttlingSurfaced(() => this.db.send(transaction)));
      return 'reserved';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [put, ...updates] = error.CancellationReasons ?? [];
      if (put?.Code === 'ConditionalCheckFailed') return 'duplicate';
      // A head moved (ConditionalCheckFailed), or another transaction held an item (TransactionConflict):
      // either way the view is out of date.
      const moved = (code?: string) => code === 'ConditionalCheckFailed' || code === 'TransactionConflict';
      if (moved(put?.Code) || updates.some((reason) => moved(reason.Code))) return 'conflict';
      throw error;
    }
  }

  /**
   * The heads' copies first, then the record, each on the condition that it is still `reserved`: a retry after
   * a crash in between finishes the job, and a record settled (or released) before is left as it is. Each
   * effective head update moves the version, so a racer that decided on the reserved copy decides again.
   */
  async settle(record: ContactRecord, outcome: Exclude<ContactOutcome, 'reserved'>, at: Date): Promise<void> {
    const instant = at.toISOString();
    const expiresAt = this.expiryOf(instant);
    for (const key of headKeysOf(record)) {
      await this.settleWrite({
        TableName: this.tableName,
        Key: { pk: key },
        UpdateExpression: 'SET recent.#id.outcome = :outcome, recent.#id.#at = :at ADD version :one',
        ConditionExpression: 'recent.#id.outcome = :reserved',
        ExpressionAttributeNames: { '#id': record.contactId, '#at': 'at' },
        ExpressionAttributeValues: {
          ':outcome': outcome,
          ':at': instant,
          ':one': 1,
          ':reserved': 'reserved',
        },
      });
    }
    await this.settleWrite({
      TableName: this.tableName,
      Key: { pk: recordKey(record.contactId) },
      UpdateExpression: 'SET outcome = :outcome, #at = :at, expiresAt = :expiresAt',
      ConditionExpression: 'outcome = :reserved',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: {
        ':outcome': outcome,
        ':at': instant,
        ':expiresAt': expiresAt,
        ':reserved': 'reserved',
      },
    });
  }

  /**
   * The record first, on the condition that it is `sent` (which also says it exists), then the copies in the
   * heads that still hold it, each on the same condition: the guard's read prefers a head's copy, so a copy
   * left `sent` would hide the delivery from the evidence. A retry after a crash between the writes finds the
   * record delivered and finishes the copies. The heads' versions stay: a delivery frees no slot and takes none.
   */
  async recordDelivery(contactId: string, deliveredAt: Date): Promise<DeliveryResult> {
    const instant = deliveredAt.toISOString();
    let outcome: 'recorded' | 'already-recorded' = 'recorded';
    let item: Record<string, unknown> | undefined;
    try {
      const out = await whileThrottled(() =>
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: recordKey(contactId) },
            UpdateExpression: 'SET outcome = :delivered, deliveredAt = :deliveredAt',
            ConditionExpression: 'outcome = :sent',
            ExpressionAttributeValues: {
              ':delivered': 'delivered',
              ':deliveredAt': instant,
              ':sent': 'sent',
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      item = out.Attributes;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      const out = await whileThrottled(() =>
        this.db.send(
          new GetCommand({
            TableName: this.tableName,
            Key: { pk: recordKey(contactId) },
            ConsistentRead: true,
          }),
        ),
      );
      item = out.Item;
      if (item === undefined) return { outcome: 'not-found' };
      if (item.outcome !== 'delivered') return { outcome: 'not-sent' };
      outcome = 'already-recorded';
    }
    const record = recordOf(item ?? {});
    const recordedAt = record.deliveredAt ?? instant;
    for (const key of headKeysOf(record)) {
      await this.settleWrite({
        TableName: this.tableName,
        Key: { pk: key },
        UpdateExpression: 'SET recent.#id.outcome = :delivered, recent.#id.deliveredAt = :deliveredAt',
        ConditionExpression: 'recent.#id.outcome = :sent',
        ExpressionAttributeNames: { '#id': contactId },
        ExpressionAttributeValues: {
          ':delivered': 'delivered',
          // The record's instant: a second recording with another instant changes nothing.
          ':deliveredAt': recordedAt,
          ':sent': 'sent',
        },
      });
    }
    return { outcome, deliveredAt: recordedAt };
  }

  /** From the `by-case` index: eventually consistent (staff views, the checker), never the guard's read. */
  async listByCase(caseId: string): Promise<ContactRecord[]> {
    const records: ContactRecord[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        IndexName: CONTACT_LEDGER_CASE_INDEX,
        KeyConditionExpression: 'caseId = :caseId',
        ExpressionAttributeValues: { ':caseId': caseId },
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) records.push(recordOf(item));
    return records.sort(byTime);
  }

  private async head(key: string): Promise<HeadItem | undefined> {
    const out = await whileThrottled(() =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: key }, ConsistentRead: true })),
    );
    return out.Item as HeadItem | undefined;
  }

  /** A conditional update for settle: a failed condition is a no-op; a transaction in progress, a wait. */
  private async settleWrite(input: ConstructorParameters<typeof UpdateCommand>[0]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await whileThrottled(() => this.db.send(new UpdateCommand(input)));
        return;
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'ConditionalCheckFailedException') return;
        if (name !== 'TransactionConflictException' || attempt >= SETTLE_ATTEMPTS) throw error;
        await this.pause(attempt);
      }
    }
  }

  private expiryOf(at: string): number {
    const expiry = new Date(at);
    expiry.setUTCFullYear(expiry.getUTCFullYear() + this.retentionYears);
    return Math.floor(expiry.getTime() / 1000);
  }
}

/** The head's update in a reservation: created at version 1 when read as 0, else moved on from the version read. */
function headWrite(seenVersion: number, record: ContactRecord, expiresAt: number, stale: readonly string[]) {
  if (seenVersion === 0) {
    return {
      UpdateExpression: 'SET version = :next, recent = :recent, expiresAt = :expiresAt',
      ConditionExpression: 'attribute_not_exists(pk)',
      ExpressionAttributeValues: {
        ':next': 1,
        ':recent': { [record.contactId]: record },
        ':expiresAt': expiresAt,
      },
    };
  }
  const names: Record<string, string> = { '#new': record.contactId };
  const removals = stale
    .filter((contactId) => contactId !== record.contactId)
    .map((contactId, i) => {
      names[`#old${i}`] = contactId;
      return `recent.#old${i}`;
    });
  return {
    UpdateExpression:
      'SET version = :next, recent.#new = :record, expiresAt = :expiresAt' +
      (removals.length > 0 ? ` REMOVE ${removals.join(', ')}` : ''),
    ConditionExpression: 'version = :seen',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: {
      ':next': seenVersion + 1,
      ':seen': seenVersion,
      ':record': record,
      ':expiresAt': expiresAt,
    },
  };
}

/**
 * A transaction cancelled because an item was throttled answers TransactionCanceledException, not a
 * throttling error: surface it as one, so that whileThrottled waits and tries again.
 */
async function throttlingSurfaced<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const throttled =
      error instanceof TransactionCanceledException &&
      (error.CancellationReasons ?? []).some(
        (reason) => reason.Code === 'ThrottlingError' || reason.Code === 'ProvisionedThroughputExceeded',
      );
    if (throttled)
      throw Object.assign(new Error(error.message), { name: 'ThrottlingException', cause: error });
    throw error;
  }
}

function assertMatches(view: LedgerView, record: ContactRecord): void {
  if (record.debtorKey !== view.debtor.key)
    throw new Error('the record is not of the debtor the view was read for');
  if (record.addressKey !== view.address?.key)
    throw new Error('the record is not at the address the view was read for');
}

/** The heads holding a copy of the record: its debtor's, and its address's when it has one. */
function headKeysOf(record: ContactRecord): string[] {
  const heads = [debtorHeadKey(record.debtorKey)];
  if (record.addressKey !== undefined) heads.push(addressHeadKey(record.addressKey));
  return heads;
}

function recentOf(head: HeadItem | undefined): ContactRecord[] {
  return Object.values(head?.recent ?? {}).map(recordOf);
}

const RECORD_FIELDS = [
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
] as const satisfies readonly (keyof ContactRecord)[];
// A field added to ContactRecord must be listed, or it would be dropped on the way in and out.
type Unlisted = Exclude<keyof ContactRecord, (typeof RECORD_FIELDS)[number]>;
const everyFieldListed: Unlisted extends never ? true : Unlisted = true;
void everyFieldListed;

/** The ContactRecord fields of an item or a head's copy, and nothing else (no key, no expiry). */
function recordOf(item: object): ContactRecord {
  const source = item as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) if (source[field] !== undefined) fields[field] = source[field];
  return fields as unknown as ContactRecord;
}

function byTime(a: ContactRecord, b: ContactRecord): number {
  return a.at < b.at
    ? -1
    : a.at > b.at
      ? 1
      : a.contactId < b.contactId
        ? -1
        : a.contactId > b.contactId
          ? 1
          : 0;
}
