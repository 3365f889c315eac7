// What the stateless constructs are given of the stateful stack: tables, the drop bucket, the bank-events bus and the keys.
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';

/** The blind-index attributes, each served by a GSI `by-<attribute>` (the adapter's lookupIndexName). */
export const LOOKUP_ATTRIBUTES = ['mobileIndex', 'nationalIdIndex', 'cardLast4Index'] as const;
export const LOOKUP_INDEX_NAMES = LOOKUP_ATTRIBUTES.map((attribute) => `by-${attribute}`);
/** The work items' worklist GSI (partition `worklist` = `<bankId>#<kind>`, sort `dueBy`; the adapter's WORKLIST_INDEX). */
export const WORKLIST_INDEX = 'by-worklist';
/** Where letters are written in the drop bucket (`letters/<bankId>/…`). */
export const LETTERS_PREFIX = 'letters';

/**
 * The contact ledger's key (`pk`), its TTL attribute and its case index: the adapter
 * (lambdas/adapters/aws/dynamo-contact-ledger.ts) uses the same names, an infra test holds them equal.
 */
export const CONTACT_LEDGER_KEY = 'pk';
export const CONTACT_LEDGER_TTL_ATTRIBUTE = 'expiresAt';
export const CONTACT_LEDGER_CASE_INDEX = { name: 'by-case', partitionKey: 'caseId', sortKey: 'at' } as const;

export interface DataStores {
  /** Referenced by derived name, so that grants read `table/overdue-<stage>-cases`; knows its key. */
  readonly casesTable: ITable;
  readonly trailTable: ITable;
  /** Every contact, by debtor and address head (see the adapter): PlanNextStep reads it, ActMessage and ActLetter reserve in it. */
  readonly contactLedgerTable: ITable;
  /** Work items (calls, decisions) with their task tokens; by derived name; knows its key. */
  readonly workItemsTable: ITable;
  /** The bus events to the banks are put on; by derived name. */
  readonly bankEventsBus: IEventBus;
  /** Referenced by derived name, so that grants read `…/incoming/*` (and `…/letters/*`). */
  readonly dropBucket: IBucket;
  /** Encrypts tables and the bucket at rest. */
  readonly dataKey: IKey;
  /** Wraps the data keys that seal personal fields. */
  readonly piiKey: IKey;
  /** Derives the per-bank blind-index keys. */
  readonly indexKey: IKey;
}
