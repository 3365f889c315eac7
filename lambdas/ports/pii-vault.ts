/** The PII vault port: field-level envelope encryption bound to bank and account. */

import type { SealedPersonalData } from '../domain/collection-case';

export interface PiiContext {
  readonly bankId: string;
  readonly accountId: string;
}

export interface PiiVault {
  seal(context: PiiContext, fields: Readonly<Record<string, string>>): Promise<SealedPersonalData>;
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
