/** The pooled IVs of the vault never repeat, across pool refills included (a repeated GCM IV leaks plaintext). */

import { describe, expect, it } from 'vitest';
import { localVault } from '../../support/fakes';

describe('envelope vault IVs', () => {
  it('uses a fresh IV for every seal, across several pool refills', async () => {
    const { vault } = localVault();
    const ivs = new Set<string>();
    const sealedValues = new Set<string>();
    const seals = 4_000; // one IV each: about three pools
    for (let i = 0; i < seals; i++) {
      const sealed = await vault.seal(
        { bankId: 'demo-bank', accountId: 'ACC-1' },
        { name: '张三', mobile: '+8613800000000' },
      );
      ivs.add(Buffer.from(sealed.ciphertext, 'base64').subarray(0, 12).toString('hex'));
      sealedValues.add(sealed.ciphertext);
    }
    expect(ivs.size).toBe(seals);
    expect(sealedValues.size).toBe(seals);
    const last = await vault.seal({ bankId: 'demo-bank', accountId: 'ACC-1' }, { name: '张三' });
    expect(await vault.open({ bankId: 'demo-bank', accountId: 'ACC-1' }, last, 'name')).toBe('张三');
  });
});
