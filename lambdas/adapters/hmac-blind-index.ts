/** Blind indexes as HMAC-SHA256 under a per-bank key that is derived once per container and cached. */

import { createHmac, hash } from 'node:crypto';
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
      if (lastFours.size < MEMO_LIMIT) lastFours.set(value, index);
    }
    return index;
  };
}

const BLOCK = 64;
const DIGEST = 32;
const MESSAGE_ROOM = 1024;

/**
 * HMAC-SHA256 (RFC 2104) under one key, as base64url: SHA-256 of (key ⊕ opad) ‖ SHA-256((key ⊕ ipad) ‖ m),
 * with both padded keys computed once and two one-shot `crypto.hash` calls per message. The same function
 * as `createHmac` (a test holds them equal), without its per-call Hmac object: with one per row, creating
 * and collecting those objects cost intake more than the hashing (npm run bench:ingest).
 * Not for concurrent use across awaits: it works in two scratch buffers, synchronously.
 */
export function hmacSha256Base64url(key: Uint8Array): (message: string) => string {
  const block = key.length > BLOCK ? hash('sha256', key, 'buffer') : key;
  const inner = Buffer.alloc(BLOCK + MESSAGE_ROOM, 0x36);
  const outer = Buffer.alloc(BLOCK + DIGEST, 0x5c);
  for (let i = 0; i < block.length; i++) {
    inner[i] = (inner[i] as number) ^ (block[i] as number);
    outer[i] = (outer[i] as number) ^ (block[i] as number);
  }
  // Views of the inner scratch by message length, made once each rather than per message.
  const innerViews: Buffer[] = [];
  return (message) => {
    // A UTF-16 unit is at most 3 UTF-8 bytes: a message that might not fit takes the general path.
    if (message.length * 3 > MESSAGE_ROOM)
      return createHmac('sha256', key).update(message).digest('base64url');
    const length = inner.write(message, BLOCK, 'utf8');
    let view = innerViews[length];
    if (!view) {
      view = inner.subarray(0, BLOCK + length);
      innerViews[length] = view;
    }
    // The inner digest as 'binary' (latin1) text is its 32 bytes one per character: written back unchanged.
    outer.write(hash('sha256', view, 'binary'), BLOCK, 'latin1');
    return hash('sha256', outer, 'base64url');
  };
}

/** The message from which a bank's index key is derived; versioned so keys can be rotated by re-indexing. */
export function indexKeyLabel(bankId: string): string {
  return `overdue-blind-index|v1|${bankId}`;
}
