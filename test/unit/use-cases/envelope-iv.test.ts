/** The pooled IVs of the vault never repeat, across pool refills included (a repeated GCM IV leaks plaintext). */

import { describe, expect, it } from 'vitest';
import { localVault } from '../../support/fakes';

describe('envelope vault IVs', () => {
  it('uses a fresh IV for every field of every seal, across several pool refills', async () => {
    const { vault } = localVault();
    const ivs = new Set<string>();
    const sealedValues = new Set<string>();
    const seals = 2_000; // 2 fields each: 4,000 IVs, about three pools
    for (let i = 0; i < seals; i++) {
      const sealed = await vault.seal(
        { bankId: 'demo-bank', accountId: 'ACC-1' },
        { name: '张三', mobile: '+8613800000000' },
      );
      for (const value of Object.values(sealed.fields)) {
        ivs.add(Buffer.from(value, 'base64').subarray(0, 12).toString('hex'));
        sealedValues.add(value);
      }
    }
    expect(ivs.size).toBe(seals * 2);
    expect(sealedValues.size).toBe(seals * 2);
    const last = await vault.seal({ bankId: 'demo-bank', accountId: 'ACC-1' }, { name: '张三' });
    expect(await vault.open({ bankId: 'demo-bank', accountId: 'ACC-1' }, last, 'name')).toBe('张三');
  });
});
