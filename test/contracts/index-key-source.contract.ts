/**
 * The blind-index key source's contract, as KMS GenerateMac answers on an HMAC key: each bank's key is
 * 32 bytes, the same every time and in every container (or stored indexes would stop matching), another for
 * every bank (so that one bank's indexes never match another's) and another under another master key.
 */

import { describe, expect, it } from 'vitest';
import type { IndexKeySource } from '../../lambdas/ports/blind-index';

export interface IndexKeyParts {
  readonly source: IndexKeySource;
  /** Another container over the same master key. */
  readonly sameKeyElsewhere: IndexKeySource;
  /** A source over another master key. */
  readonly otherMasterKey: IndexKeySource;
}

const bytes = async (key: Promise<Uint8Array>) => Buffer.from(await key).toString('hex');

export function indexKeySourceContract(name: string, parts: () => IndexKeyParts): void {
  describe(`IndexKeySource contract: ${name}`, () => {
    it('gives each bank a 32-byte key, the same every time and in another container', async () => {
      const { source, sameKeyElsewhere } = parts();
      const key = await source.bankKey('demo-bank');

      expect(key).toHaveLength(32);
      expect(await bytes(source.bankKey('demo-bank'))).toBe(Buffer.from(key).toString('hex'));
      expect(await bytes(sameKeyElsewhere.bankKey('demo-bank'))).toBe(Buffer.from(key).toString('hex'));
    });

    it('gives every bank another key, ids that share a prefix included', async () => {
      const { source } = parts();
      const banks = ['demo-bank', 'us-demo', 'demo-bank-2', 'demo', 'Demo-Bank'];

      const keys = await Promise.all(banks.map((bank) => bytes(source.bankKey(bank))));

      expect(new Set(keys).size).toBe(banks.length);
    });

    it('gives a bank another key under another master key', async () => {
      const { source, otherMasterKey } = parts();

      expect(await bytes(otherMasterKey.bankKey('demo-bank'))).not.toBe(
        await bytes(source.bankKey('demo-bank')),
      );
    });
  });
}
