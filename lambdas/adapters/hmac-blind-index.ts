/** Blind indexes as HMAC-SHA256 under a per-bank key that is derived once per container and cached. */

import { createHmac } from 'node:crypto';
import type { LookupKind } from '../domain/lookup';
import type { BlindIndex, IndexKeySource } from '../ports/blind-index';

export class HmacBlindIndex implements BlindIndex {
  private readonly keys = new Map<string, Promise<Uint8Array>>();

  constructor(private readonly source: IndexKeySource) {}

  async compute(bankId: string, kind: LookupKind, normalisedValue: string): Promise<string> {
    let key = this.keys.get(bankId);
    if (!key) {
      key = this.source.bankKey(bankId);
      // A failed derivation is not cached, so the next row tries again.
      key.catch(() => this.keys.delete(bankId));
      this.keys.set(bankId, key);
    }
    return createHmac('sha256', await key)
      .update(`${kind}|${normalisedValue}`)
      .digest('base64url');
  }
}

/** The message from which a bank's index key is derived; versioned so keys can be rotated by re-indexing. */
export function indexKeyLabel(bankId: string): string {
  return `overdue-blind-index|v1|${bankId}`;
}
