/** Keyed hashes (blind indexes) of lookup identifiers: equal inputs give equal indexes, per bank, without decryption. */

import type { LookupKind } from '../domain/lookup';

export interface BlindIndex {
  /** The index of an already-normalised value; the key is the bank's own, so banks' indexes never match. */
  compute(bankId: string, kind: LookupKind, normalisedValue: string): Promise<string>;
  /** The bank's index as a synchronous function once its key is at hand: for a batch of rows. */
  forBank(bankId: string): Promise<IndexFunction>;
}

export type IndexFunction = (kind: LookupKind, normalisedValue: string) => string;

/** Supplies each bank's index key: derived with a KMS HMAC key in AWS, from a local master key offline. */
export interface IndexKeySource {
  bankKey(bankId: string): Promise<Uint8Array>;
}
