/** The PII vault port: field-level envelope encryption bound to bank and account. */

import type { SealedPersonalData } from '../domain/collection-case';

export interface PiiContext {
  readonly bankId: string;
  readonly accountId: string;
}

/** One account's personal fields to seal, in a batch of one bank's accounts. */
export interface SealRequest {
  readonly accountId: string;
  /** Fields left undefined are absent: not sealed, not named. */
  readonly fields: Readonly<Record<string, string | undefined>>;
}

export interface PiiVault {
  seal(
    context: PiiContext,
    fields: Readonly<Record<string, string | undefined>>,
  ): Promise<SealedPersonalData>;
  /** Seals a batch of one bank's accounts, in order: one wait for a key per batch, not one per account. */
  sealAll(bankId: string, requests: readonly SealRequest[]): Promise<SealedPersonalData[]>;
  /** Decrypts one field; fails if the ciphertext was moved to another bank, account or field. */
  open(context: PiiContext, sealed: SealedPersonalData, field: string): Promise<string>;
}

/** Produces and unwraps data keys: KMS in AWS, a local master key offline. */
export interface DataKeyProvider {
  generateDataKey(
    context: Readonly<Record<string, string>>,
  ): Promise<{ plaintext: Uint8Array; wrapped: Uint8Array }>;
  decryptDataKey(wrapped: Uint8Array, context: Readonly<Record<string, string>>): Promise<Uint8Array>;
}
