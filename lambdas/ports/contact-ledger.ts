/**
 * The contact ledger: every contact of a debtor, automated or by a person, in one place the guard reads.
 * DynamoDB in AWS (one item per contact, plus a head item per debtor and per address whose version makes
 * a reservation atomic), a Map in tests.
 *
 * A sender's protocol:
 *   1. `read(debtorKey, addressKey)` → the recent records and the versions they were read at;
 *   2. the guard decides on those records (pure, domain/compliance-guard);
 *   3. `reserve(view, record)` writes the record as `reserved` only if neither head changed since the read
 *      (`conflict`: read again, decide again) and no record has that contactId (`duplicate`: an earlier run
 *      took it; do not contact again);
 *   4. contact; then `settle(record, outcome)` → `sent` / `attempted` / `connected` / `failed` / `released`.
 * A crash between 3 and 4 leaves the slot `reserved`, which counts: at most once, never twice.
 */

import type { ContactOutcome, ContactRecord } from '../domain/contact-record';

/** How far back `read` returns records: the longest window a rule looks at (CN-9's 30 days, US-2's 7). */
export const LEDGER_WINDOW_DAYS = 45;

export interface LedgerHead {
  readonly key: string;
  /** 0 when nothing was ever recorded under the key. */
  readonly version: number;
}

export interface LedgerView {
  readonly debtor: LedgerHead;
  readonly address?: LedgerHead;
  /** Records of the debtor, and of anyone else at the same address, from the last LEDGER_WINDOW_DAYS. */
  readonly records: readonly ContactRecord[];
}

export type ReserveResult = 'reserved' | 'conflict' | 'duplicate';

/**
 * `recorded`; `already-recorded` (a second recording of a delivery changes nothing, whatever its instant:
 * `deliveredAt` is the first one's); `not-found`; `not-sent` (reserved, released or failed: nothing went out
 * that could be delivered).
 */
export type DeliveryResult =
  | { readonly outcome: 'recorded' | 'already-recorded'; readonly deliveredAt: string }
  | { readonly outcome: 'not-found' }
  | { readonly outcome: 'not-sent' };

export interface ContactLedger {
  read(debtorKey: string, addressKey: string | undefined, now: Date): Promise<LedgerView>;
  /** Atomically: the record is new, and the heads read in `view` are unchanged. */
  reserve(view: LedgerView, record: ContactRecord): Promise<ReserveResult>;
  /** Moves a reserved record to its outcome (and keeps the heads in step); settling twice is a no-op. */
  settle(record: ContactRecord, outcome: Exclude<ContactOutcome, 'reserved'>, at: Date): Promise<void>;
  /**
   * Moves a `sent` record to `delivered` with the instant its proof gives (the heads' copies too, while they
   * hold it): a letter then counts as 有效催收 (CN-9). Only a sent contact can be delivered.
   */
  recordDelivery(contactId: string, deliveredAt: Date): Promise<DeliveryResult>;
  /** Every record of a case, oldest first (staff views, the simulation's checker). */
  listByCase(caseId: string): Promise<ContactRecord[]>;
}
