/**
 * The blind index's format is pinned: HMAC-SHA256 (RFC 2104) of `<kind>|<value>` as base64url, checked
 * against RFC 4231, against vectors computed outside Node (openssl), and against RFC 2104 written out
 * from SHA-256 alone. Stored indexes stay findable only while this holds.
 */

import { hash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacBlindIndex, hmacSha256Base64url } from '../../../lambdas/adapters/hmac-blind-index';

/** RFC 2104 from its definition: H((K' ⊕ opad) ‖ H((K' ⊕ ipad) ‖ m)), K' the key (hashed past 64 bytes). */
function rfc2104(key: Uint8Array, message: string): string {
  const block = Buffer.alloc(64);
  Buffer.from(key.length > 64 ? hash('sha256', key, 'buffer') : key).copy(block);
  const pad = (byte: number) => Buffer.from(block.map((b) => b ^ byte));
  const inner = hash('sha256', Buffer.concat([pad(0x36), Buffer.from(message, 'utf8')]), 'buffer');
  return hash('sha256', Buffer.concat([pad(0x5c), inner]), 'base64url');
}

const hex = (base64url: string) => Buffer.from(base64url, 'base64url').toString('hex');

/** Key 00 01 … 1f; the expected values were computed with `openssl dgst -sha256 -mac HMAC`. */
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);

describe('hmacSha256Base64url', () => {
  it('matches the RFC 4231 test vectors 2 (short key) and 6 (a key longer than a block)', () => {
    expect(hex(hmacSha256Base64url(Buffer.from('Jefe'))('what do ya want for nothing?'))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    const longKey = Buffer.alloc(131, 0xaa);
    expect(hex(hmacSha256Base64url(longKey)('Test Using Larger Than Block-Size Key - Hash Key First'))).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    );
  });

  it('equals RFC 2104 written out from SHA-256, for keys of any length and messages of any text', () => {
    const evenly = <T>(max: number, unit: fc.Arbitrary<T>) =>
      fc.integer({ min: 0, max }).chain((n) => fc.array(unit, { minLength: n, maxLength: n }));
    const key = evenly(100, fc.integer({ min: 0, max: 255 })).map((bytes) => Uint8Array.from(bytes));
    const character = fc.constantFrom('a', '7', '|', '+', 'é', '张', '𠀋', '\u0000');
    const text = fc.oneof(
      evenly(1100, character).map((units) => units.join('')),
      fc.constantFrom('', 'mobile|+8613812345678', 'cardLast4|1234', 'nationalId|11010519491231002X'),
    );
    fc.assert(
      fc.property(key, fc.array(text, { minLength: 1, maxLength: 6 }), (bytes, messages) => {
        const hmac = hmacSha256Base64url(bytes);
        for (const message of messages) expect(hmac(message)).toBe(rfc2104(bytes, message));
      }),
      { numRuns: 300, seed: 4231 },
    );
  });
});

describe('HmacBlindIndex', () => {
  const index = new HmacBlindIndex({ bankKey: async () => KEY });

  it('indexes `<kind>|<value>` as unpadded base64url, the format stored in the lookup GSIs', async () => {
    expect(await index.compute('demo-bank', 'mobile', '+8613800000000')).toBe(
      'Ij_RO4ODqypOunwulkgJwCZk38VsoTqkr7BA8ifHNWI',
    );
    expect(await index.compute('demo-bank', 'nationalId', '11010519491231002X')).toBe(
      'UexwQGp2nZniVjfDHXszh6nSRUZKN3Od5tzzmMVrOIM',
    );
  });

  it('gives a remembered last four the same index as a fresh one, for every value', async () => {
    const indexOf = await index.forBank('demo-bank');
    expect(indexOf('cardLast4', '1234')).toBe('9Ytg_ClOwrcg8i7ZXvfKqEgX56fePhT7SS1aMqIgkmA');
    expect(indexOf('cardLast4', '1234')).toBe('9Ytg_ClOwrcg8i7ZXvfKqEgX56fePhT7SS1aMqIgkmA');
    const values = Array.from({ length: 10_000 }, (_, n) => String(n).padStart(4, '0'));
    const first = values.map((value) => indexOf('cardLast4', value));
    expect(values.map((value) => indexOf('cardLast4', value))).toEqual(first);
    for (let n = 0; n < values.length; n += 97) expect(first[n]).toBe(rfc2104(KEY, `cardLast4|${values[n]}`));
  });
});
