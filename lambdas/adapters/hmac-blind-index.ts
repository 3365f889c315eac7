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
  const lastFours = new Map<string, string>();
  const hmac = (kind: LookupKind, value: string) =>
    createHmac('sha256', key).update(`${kind}|${value}`).digest('base64url');
  return (kind, value) => {
    if (kind !== 'cardLast4') return hmac(kind, value);
    let index = lastFours.get(value);
    if (index === undefined) {
      index = hmac(kind, value);
      if (lastFours.size < MEMO_LIMIT) lastFours.set(value, index);
    }
    return index;
  };
}

/** The message from which a bank's index key is derived; versioned so keys can be rotated by re-indexing. */
export function indexKeyLabel(bankId: string): string {
  return `overdue-blind-index|v1|${bankId}`;
}
