/**
 * The data-key provider's contract, as KMS answers GenerateDataKey and Decrypt: a data key unwraps only under
 * the encryption context it was generated with (the bank) and only with the master key that wrapped it; a
 * refused unwrap is InvalidCiphertextException (IncorrectKeyException when KMS is told another key).
 */

import { describe, expect, it } from 'vitest';
import type { DataKeyProvider } from '../../lambdas/ports/pii-vault';

export interface DataKeyParts {
  readonly provider: DataKeyProvider;
  /** A provider with another master key: another KMS key, another local master key. */
  readonly otherMasterKey: DataKeyProvider;
}

const demoBank = { purpose: 'overdue-pii', bankId: 'demo-bank' };

export function dataKeyProviderContract(name: string, parts: () => DataKeyParts): void {
  describe(`DataKeyProvider contract: ${name}`, () => {
    it('unwraps a generated 256-bit key to the same plaintext under the same context, in any order', async () => {
      const { provider } = parts();
      const key = await provider.generateDataKey(demoBank);

      expect(key.plaintext).toHaveLength(32);
      expect(Buffer.from(key.wrapped).equals(Buffer.from(key.plaintext))).toBe(false);
      expect(Buffer.from(await provider.decryptDataKey(key.wrapped, demoBank))).toEqual(
        Buffer.from(key.plaintext),
      );
      expect(
        Buffer.from(
          await provider.decryptDataKey(key.wrapped, { bankId: 'demo-bank', purpose: 'overdue-pii' }),
        ),
      ).toEqual(Buffer.from(key.plaintext));
    });

    it('generates a fresh key each time', async () => {
      const { provider } = parts();
      const [one, two] = await Promise.all([
        provider.generateDataKey(demoBank),
        provider.generateDataKey(demoBank),
      ]);

      expect(Buffer.from(one.plaintext)).not.toEqual(Buffer.from(two.plaintext));
      expect(Buffer.from(one.wrapped)).not.toEqual(Buffer.from(two.wrapped));
    });

    it('refuses to unwrap under another bank’s context, or a context with a pair more or less', async () => {
      const { provider } = parts();
      const { wrapped } = await provider.generateDataKey(demoBank);

      for (const context of [
        { ...demoBank, bankId: 'us-demo' },
        { bankId: 'demo-bank' },
        { ...demoBank, accountId: 'ACC-001' },
      ]) {
        await expect(
          provider.decryptDataKey(wrapped, context),
          JSON.stringify(context),
        ).rejects.toMatchObject({
          name: 'InvalidCiphertextException',
        });
      }
    });

    it('refuses to unwrap a wrapped key with a byte changed', async () => {
      const { provider } = parts();
      const wrapped = Buffer.from((await provider.generateDataKey(demoBank)).wrapped);
      wrapped[wrapped.length - 1] = (wrapped[wrapped.length - 1] as number) ^ 1;

      await expect(provider.decryptDataKey(wrapped, demoBank)).rejects.toMatchObject({
        name: 'InvalidCiphertextException',
      });
    });

    it('refuses to unwrap a key that another master key wrapped', async () => {
      const { provider, otherMasterKey } = parts();
      const { wrapped } = await otherMasterKey.generateDataKey(demoBank);

      const refusal = await provider.decryptDataKey(wrapped, demoBank).then(
        () => undefined,
        (error: unknown) => error as Error,
      );

      expect(refusal?.name).toMatch(/^(InvalidCiphertextException|IncorrectKeyException)$/);
    });
  });
}
