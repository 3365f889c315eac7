/** Blind indexes as HMAC-SHA256 under a per-bank key that is derived once per container and cached. */

import { createHmac } from 'node:crypto';
import type { LookupKind } from '../domain/lookup';
import type { BlindIndex, IndexFunction, IndexKeySource } from '../ports/blind-index';

/** A card's last four digits take 10,000 values: their indexes are kept per bank rather than recomputed. */
const MEMO_LIMIT = 10_000;

export class HmacBlindIndex implements BlindIndex {
  private readonly banks = new Map<string, Promise<IndexFunction>>();

  constructor(private readonly source: IndexKeySource) {}

  async compute(bankId: string, kind: LookupKind, normalisedValue: string): Promise<string> {
    return (await this.forBank(bankId))(kind, normalisedValue);
  }

  forBank(bankId: string): Promise<IndexFunction> {
    let index = this.banks.get(bankId);
    if (!index) {
      index = this.source.bankKey(bankId).then(indexFunction);
      // A failed derivation is not cached, so the next row tries again.
      index.catch(() => this.banks.delete(bankId));
      this.banks.set(bankId, index);
    }
    return index;
  }
}

function indexFunction(key: Uint8Array): IndexFunction {
  const hmac = hmacSha256Base64url(key);
  const lastFours = new Map<string, string>();
  return (kind, value) => {
    if (kind !== 'cardLast4') return hmac(`${kind}|${value}`);
    let index = lastFours.get(value);
    if (index === undefined) {
      index = hmac(`${kind}|${value}`);
      // Bounded: four digits have 10,000 values, and anything else that reaches here is not kept.
      if (lastFours.size < MEMO_LIMIT) lastFours.set(value, index);
    }
    return index;
  };
}

/** HMAC-SHA256 under one key, as base64url: the format of every blind index stored. */
export function hmacSha256Base64url(key: Uint8Array): (message: string) => string {
  return (message) => createHmac('sha256', key).update(message, 'utf8').digest('base64url');
}

/** The message from which a bank's index key is derived; versioned so keys can be rotated by re-indexing. */
export function indexKeyLabel(bankId: string): string {
  return `overdue-blind-index|v1|${bankId}`;
}
