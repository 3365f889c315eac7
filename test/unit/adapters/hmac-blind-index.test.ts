/** The blind index's HMAC is HMAC-SHA256 exactly, whatever the key and message, in any order of use. */

import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha256Base64url } from '../../../lambdas/adapters/hmac-blind-index';

const reference = (key: Uint8Array, message: string) =>
  createHmac('sha256', key).update(message).digest('base64url');

describe('hmacSha256Base64url', () => {
  it('equals createHmac for keys of any length and messages of any text, one after another', () => {
    // Keys past 64 bytes are hashed first (RFC 2104); messages past the scratch room take the general path;
    // a short message after a long one must not see the long one's bytes.
    // Lengths drawn evenly, so that long keys and long messages come up as often as short ones.
    const evenly = <T>(max: number, unit: fc.Arbitrary<T>) =>
      fc.integer({ min: 0, max }).chain((n) => fc.array(unit, { minLength: n, maxLength: n }));
    const key = evenly(100, fc.integer({ min: 0, max: 255 })).map((bytes) => Uint8Array.from(bytes));
    const character = fc.constantFrom('a', '7', '|', '+', 'é', '张', '𠀋', '\u0000');
    const text = fc.oneof(
      evenly(1100, character).map((units) => units.join('')),
      evenly(500, fc.constant('张')).map((units) => units.join('')),
      fc.constantFrom('', 'mobile|+8613812345678', 'cardLast4|1234', 'nationalId|11010519491231002X'),
    );
    fc.assert(
      fc.property(key, fc.array(text, { minLength: 1, maxLength: 6 }), (bytes, messages) => {
        const hmac = hmacSha256Base64url(bytes);
        for (const message of messages) expect(hmac(message)).toBe(reference(bytes, message));
      }),
      { numRuns: 500 },
    );
  });

  it('matches the RFC 4231 test vector 2', () => {
    const hmac = hmacSha256Base64url(Buffer.from('Jefe'));
    const hex = Buffer.from(hmac('what do ya want for nothing?'), 'base64url').toString('hex');
    expect(hex).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});
