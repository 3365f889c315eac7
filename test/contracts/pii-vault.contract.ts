/**
 * The PII vault's contract over a data-key provider: a sealed field opens only for the bank and account it
 * was sealed for. Another account fails on the associated data; another bank fails already at the data key
 * (KMS will not unwrap it under that bank's encryption context) in a container that has not cached it.
 */

import { describe, expect, it } from 'vitest';
import type { PiiVault } from '../../lambdas/ports/pii-vault';

export interface VaultParts {
  /** A vault as one container has it: a second call is another container over the same master key. */
  container(): PiiVault;
}

const own = { bankId: 'demo-bank', accountId: 'ACC-001' };
const personal = { name: '测试张三', mobile: '+8613800138000' };

export function piiVaultContract(name: string, parts: () => VaultParts): void {
  describe(`PiiVault contract: ${name}`, () => {
    it('opens a sealed field for its own bank and account, in the sealing container and in another', async () => {
      const { container } = parts();
      const sealing = container();
      const sealed = await sealing.seal(own, personal);

      expect(JSON.stringify(sealed)).not.toContain(personal.name);
      expect(JSON.stringify(sealed)).not.toContain('13800138000');
      await expect(sealing.open(own, sealed, 'mobile')).resolves.toBe(personal.mobile);
      await expect(container().open(own, sealed, 'name')).resolves.toBe(personal.name);
    });

    it('refuses to open it for another account of the same bank, in any container', async () => {
      const { container } = parts();
      const sealing = container();
      const sealed = await sealing.seal(own, personal);
      const other = { ...own, accountId: 'ACC-002' };

      await expect(sealing.open(other, sealed, 'mobile')).rejects.toThrow();
      await expect(container().open(other, sealed, 'mobile')).rejects.toThrow();
    });

    it('refuses to open it for another bank: elsewhere the data key itself will not unwrap', async () => {
      const { container } = parts();
      const sealing = container();
      const sealed = await sealing.seal(own, personal);
      const otherBank = { ...own, bankId: 'us-demo' };

      await expect(sealing.open(otherBank, sealed, 'mobile')).rejects.toThrow();
      await expect(container().open(otherBank, sealed, 'mobile')).rejects.toMatchObject({
        name: 'InvalidCiphertextException',
      });
    });

    it('seals a batch so that each account’s data opens for that account only', async () => {
      const { container } = parts();
      const [first, second] = await container().sealAll('demo-bank', [
        { accountId: 'ACC-001', fields: { mobile: '+8613800138001' } },
        { accountId: 'ACC-002', fields: { mobile: '+8613800138002' } },
      ]);
      if (!first || !second) throw new Error('a batch of two sealed fewer');
      const reader = container();

      await expect(reader.open(own, first, 'mobile')).resolves.toBe('+8613800138001');
      await expect(reader.open({ ...own, accountId: 'ACC-002' }, second, 'mobile')).resolves.toBe(
        '+8613800138002',
      );
      // Swapped between the two accounts, neither opens.
      await expect(reader.open(own, second, 'mobile')).rejects.toThrow();
      await expect(reader.open({ ...own, accountId: 'ACC-002' }, first, 'mobile')).rejects.toThrow();
    });
  });
}
