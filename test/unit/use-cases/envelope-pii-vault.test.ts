import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EnvelopePiiVault } from '../../../lambdas/adapters/envelope-pii-vault';
import { LocalDataKeyProvider } from '../../../lambdas/adapters/local/local-data-key-provider';
import type { SealedPersonalData } from '../../../lambdas/domain/collection-case';
import { DEBTOR } from '../../support/fakes';

const MASTER_KEY = randomBytes(32);
const account = { bankId: 'demo-bank', accountId: 'ACC-001' };

function vaultWith(
  policy?: { maxUses: number; maxAgeMs: number },
  monotonicNow?: () => number,
  masterKey: Uint8Array = MASTER_KEY,
) {
  const keys = new LocalDataKeyProvider(masterKey);
  return { keys, vault: new EnvelopePiiVault(keys, policy, monotonicNow) };
}

describe('envelope PII vault', () => {
  it('seals fields to ciphertext that opens back to the values', async () => {
    const { vault } = vaultWith();

    const sealed = await vault.seal(account, { name: DEBTOR.name, mobile: DEBTOR.mobileE164 });

    expect(JSON.stringify(sealed)).not.toContain(DEBTOR.name);
    expect(JSON.stringify(sealed)).not.toContain('12345678');
    await expect(vault.open(account, sealed, 'name')).resolves.toBe(DEBTOR.name);
    await expect(vault.open(account, sealed, 'mobile')).resolves.toBe(DEBTOR.mobileE164);
  });

  it('seals the same value differently each time', async () => {
    const { vault } = vaultWith();

    const first = await vault.seal(account, { name: DEBTOR.name });
    const second = await vault.seal(account, { name: DEBTOR.name });

    expect(first.ciphertext).not.toBe(second.ciphertext);
  });

  it('fails to open a ciphertext moved to another account', async () => {
    const { vault } = vaultWith();
    const sealed = await vault.seal(account, { name: DEBTOR.name });

    await expect(vault.open({ ...account, accountId: 'ACC-002' }, sealed, 'name')).rejects.toThrow();
  });

  it('fails to open when the plain list of fields was edited, and on a changed byte', async () => {
    const { vault } = vaultWith();
    const sealed = await vault.seal(account, { name: DEBTOR.name });
    const claimed = { ...sealed, fields: ['name', 'mobile'] };
    await expect(vault.open(account, claimed, 'mobile')).rejects.toThrow();
    await expect(vault.open(account, claimed, 'name')).rejects.toThrow();

    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    await expect(
      vault.open(account, { ...sealed, ciphertext: bytes.toString('base64') }, 'name'),
    ).rejects.toThrow();
  });

  it('seals all the fields of an account in one message, so intake costs one cipher per row', async () => {
    const { vault } = vaultWith();
    const sealed = await vault.seal(account, {
      name: DEBTOR.name,
      mobile: DEBTOR.mobileE164,
      email: DEBTOR.email,
    });
    expect(sealed.fields).toEqual(['name', 'mobile', 'email']);
    expect(Object.keys(sealed).sort()).toEqual(['ciphertext', 'fields', 'wrappedKey']);
    await expect(vault.open(account, sealed, 'email')).resolves.toBe(DEBTOR.email);
  });

  it('fails to open a ciphertext moved to another bank, even in a fresh process', async () => {
    const { vault } = vaultWith();
    const sealed = await vault.seal(account, { name: DEBTOR.name });
    const { vault: fresh } = vaultWith();

    await expect(fresh.open({ ...account, bankId: 'other-bank' }, sealed, 'name')).rejects.toThrow();
    await expect(fresh.open(account, sealed, 'name')).resolves.toBe(DEBTOR.name);
  });

  it('fails to open data sealed under another master key', async () => {
    const { vault } = vaultWith();
    const sealed = await vault.seal(account, { name: DEBTOR.name });
    const { vault: elsewhere } = vaultWith(undefined, undefined, randomBytes(32));

    await expect(elsewhere.open(account, sealed, 'name')).rejects.toThrow();
  });

  it('fails on a field that was never sealed', async () => {
    const { vault } = vaultWith();
    const sealed = await vault.seal(account, { name: DEBTOR.name });

    await expect(vault.open(account, sealed, 'email')).rejects.toThrow(/no sealed field email/);
  });

  it('uses one data key for many seals and opens', async () => {
    const { vault, keys } = vaultWith();

    const sealed = [];
    for (let index = 0; index < 50; index++) {
      sealed.push(await vault.seal({ ...account, accountId: `ACC-${index}` }, { name: DEBTOR.name }));
    }
    const third = sealed[3];
    if (!third) throw new Error('nothing sealed');
    await expect(vault.open({ ...account, accountId: 'ACC-3' }, third, 'name')).resolves.toBe(DEBTOR.name);

    expect(keys.calls).toBe(1);
    expect(new Set(sealed.map((s) => s.wrappedKey)).size).toBe(1);
  });

  it('generates a new data key after maxUses seals', async () => {
    const { vault, keys } = vaultWith({ maxUses: 2, maxAgeMs: 60_000 });

    const seals = [];
    for (let index = 0; index < 3; index++) seals.push(await vault.seal(account, { name: DEBTOR.name }));

    expect(keys.calls).toBe(2);
    expect(seals[0]?.wrappedKey).toBe(seals[1]?.wrappedKey);
    expect(seals[2]?.wrappedKey).not.toBe(seals[1]?.wrappedKey);
    const first = seals[0];
    if (!first) throw new Error('nothing sealed');
    await expect(vault.open(account, first, 'name')).resolves.toBe(DEBTOR.name);
  });

  it('generates a new data key once the cached one is older than maxAgeMs', async () => {
    let now = 0;
    const { vault, keys } = vaultWith({ maxUses: 1000, maxAgeMs: 1000 }, () => now);

    await vault.seal(account, { name: DEBTOR.name });
    now = 1001;
    await vault.seal(account, { name: DEBTOR.name });

    expect(keys.calls).toBe(2);
  });

  it('keeps one data key per bank', async () => {
    const { vault, keys } = vaultWith();

    const demo = await vault.seal(account, { name: DEBTOR.name });
    const other = await vault.seal({ bankId: 'other-bank', accountId: 'ACC-001' }, { name: DEBTOR.name });

    expect(keys.calls).toBe(2);
    expect(demo.wrappedKey).not.toBe(other.wrappedKey);
  });

  it('seals a batch of accounts in order, with one data key, each opening only for its own account', async () => {
    const { vault, keys } = vaultWith();
    const requests = ['ACC-1', 'ACC-2', 'ACC-3'].map((accountId, i) => ({
      accountId,
      fields: { name: `${DEBTOR.name}${i}`, mobile: DEBTOR.mobileE164, email: undefined },
    }));

    const sealed = await vault.sealAll('demo-bank', requests);

    expect(keys.calls).toBe(1);
    expect(sealed.map((s) => s.fields)).toEqual(Array(3).fill(['name', 'mobile']));
    for (const [i, request] of requests.entries()) {
      const context = { bankId: 'demo-bank', accountId: request.accountId };
      await expect(vault.open(context, sealed[i] as never, 'name')).resolves.toBe(`${DEBTOR.name}${i}`);
    }
    await expect(
      vault.open({ bankId: 'demo-bank', accountId: 'ACC-2' }, sealed[0] as never, 'name'),
    ).rejects.toThrow();
    await expect(
      vault.open({ bankId: 'demo-bank', accountId: 'ACC-1' }, sealed[0] as never, 'email'),
    ).rejects.toThrow('no sealed field email');
  });

  it('takes a fresh data key in the middle of a batch once the cached one has served maxUses seals', async () => {
    const { vault, keys } = vaultWith({ maxUses: 2, maxAgeMs: 60_000 });
    const requests = Array.from({ length: 5 }, (_, i) => ({
      accountId: `ACC-${i}`,
      fields: { name: DEBTOR.name },
    }));

    const sealed = await vault.sealAll('demo-bank', requests);

    expect(keys.calls).toBe(3);
    expect(new Set(sealed.map((s) => s.wrappedKey)).size).toBe(3);
    for (const [i, one] of sealed.entries()) {
      await expect(vault.open({ bankId: 'demo-bank', accountId: `ACC-${i}` }, one, 'name')).resolves.toBe(
        DEBTOR.name,
      );
    }
  });

  it('seals a long address whole', async () => {
    const { vault } = vaultWith();
    const address = '北京市朝阳区'.repeat(2000);
    const sealed = await vault.seal(account, { name: DEBTOR.name, address });
    await expect(vault.open(account, sealed, 'address')).resolves.toBe(address);
    await expect(vault.open(account, sealed, 'name')).resolves.toBe(DEBTOR.name);
  });

  it('names the fields of each account when accounts with different fields alternate, in a list no one can edit', async () => {
    const { vault } = vaultWith();
    const shapes = [
      { name: 'A' },
      { name: 'B', mobile: '+8613800000000' },
      { name: 'C' },
      { mobile: '+8613900000000', name: 'D' },
    ];
    const sealed = await vault.sealAll(
      'demo-bank',
      shapes.map((fields, i) => ({ accountId: `ACC-${i}`, fields })),
    );
    expect(sealed.map((s) => s.fields)).toEqual([['name'], ['name', 'mobile'], ['name'], ['mobile', 'name']]);
    for (const [i, one] of sealed.entries()) {
      await expect(vault.open({ bankId: 'demo-bank', accountId: `ACC-${i}` }, one, 'name')).resolves.toBe(
        shapes[i]?.name,
      );
    }
    const shared = sealed[0]?.fields as string[] | undefined;
    expect(() => shared?.push('email')).toThrow(TypeError);
  });
});

describe('envelope PII vault state', () => {
  it('keeps a bounded number of opened data keys, however many a reader goes through', async () => {
    // One data key per seal, as a long-lived reader meets cases sealed over months.
    const writer = vaultWith({ maxUses: 1, maxAgeMs: 60_000 }).vault;
    const sealed = [];
    for (let i = 0; i < 300; i++) sealed.push(await writer.seal(account, { name: `name ${i}` }));
    const { keys, vault: reader } = vaultWith();
    for (const each of sealed) await reader.open(account, each, 'name');
    expect(keys.calls).toBe(300);
    // The first key was dropped to make room: opening its case again asks the provider again.
    await expect(reader.open(account, sealed[0] as SealedPersonalData, 'name')).resolves.toBe('name 0');
    expect(keys.calls).toBe(301);
    // A recent one was kept.
    await reader.open(account, sealed[299] as SealedPersonalData, 'name');
    expect(keys.calls).toBe(301);
  });

  it('seals batches that interleave across awaits, each opening to its own fields', async () => {
    const { vault } = vaultWith({ maxUses: 3, maxAgeMs: 60_000 });
    const batch = (bank: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        accountId: `ACC-${i}`,
        fields: i % 2 === 0 ? { name: `${bank} ${i}` } : { name: `${bank} ${i}`, mobile: `+8613800000${i}` },
      }));
    const banks = ['demo-bank', 'us-demo', 'third-bank'];
    const results = await Promise.all(banks.map((bank) => vault.sealAll(bank, batch(bank, 20))));
    for (const [b, sealedBatch] of results.entries()) {
      const bankId = banks[b] as string;
      for (const [i, each] of sealedBatch.entries()) {
        expect(each.fields).toEqual(i % 2 === 0 ? ['name'] : ['name', 'mobile']);
        await expect(vault.open({ bankId, accountId: `ACC-${i}` }, each, 'name')).resolves.toBe(
          `${bankId} ${i}`,
        );
      }
    }
  });
});
