/** The test doubles behave as the tests that lean on them assume: a wrong fake would make every test lie. */

import { describe, expect, it } from 'vitest';
import {
  feedCsv,
  InMemoryCaseStore,
  InMemoryFeedStorage,
  InMemoryTrail,
  localVault,
  RecordingSmsSender,
  SettableClock,
  sealedCase,
  testBanks,
} from '../../support/fakes';

const message = { to: '+8613812345678', body: 'hello', contactId: 'c-1' };

describe('SettableClock', () => {
  it('reads what it was set to and moves only when advanced', () => {
    const clock = new SettableClock('2026-03-01T00:00:00Z');

    clock.advance(90 * 60_000);

    expect(clock.now().toISOString()).toBe('2026-03-01T01:30:00.000Z');
    clock.set(new Date('2026-04-01T08:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-04-01T08:00:00.000Z');
  });
});

describe('RecordingSmsSender.failNext', () => {
  it('fails only the next send and records nothing for it', async () => {
    const sms = new RecordingSmsSender().failNext(new Error('throttled'));

    await expect(sms.sendSms(message)).rejects.toThrow('throttled');
    await expect(sms.sendSms(message)).resolves.toEqual({ providerMessageId: 'fake-1' });

    expect(sms.sent).toEqual([message]);
  });
});

describe('InMemoryCaseStore.put and all', () => {
  it('stores a case as given and lists copies that cannot change the store', async () => {
    const store = new InMemoryCaseStore();
    const stored = await sealedCase(localVault().vault, { completedSteps: ['sms-courtesy'] });

    store.put(stored);
    const [listed] = store.all();
    (listed as { status: string }).status = 'closed';

    expect(store.all()).toEqual([stored]);
    expect((await store.get(stored.caseId))?.status).toBe('open');
  });

  it('keeps completedSteps and createdAt on a newer row of the same cycle but resets steps on a new cycle', async () => {
    const store = new InMemoryCaseStore();
    const { vault } = localVault();
    await store.upsertFromFeed(await sealedCase(vault, { createdAt: '2026-03-01T00:00:00.000Z' }));
    await store.markStepCompleted('demo-bank:ACC-001', 'sms-courtesy', new Date('2026-03-01T02:00:00Z'));
    await store.markStepCompleted('demo-bank:ACC-001', 'sms-courtesy', new Date('2026-03-01T03:00:00Z'));

    const sameCycle = await store.upsertFromFeed(
      await sealedCase(vault, { asOf: '2026-03-02', createdAt: '2026-03-02T00:00:00.000Z' }),
    );
    const afterSameCycle = store.all()[0];
    const newCycle = await store.upsertFromFeed(
      await sealedCase(vault, { asOf: '2026-04-20', dueDate: '2026-04-17', daysPastDue: 3 }),
    );

    expect([sameCycle, newCycle]).toEqual(['updated', 'updated']);
    expect(afterSameCycle).toMatchObject({
      completedSteps: ['sms-courtesy'],
      lastStepAt: '2026-03-01T02:00:00.000Z',
      createdAt: '2026-03-01T00:00:00.000Z',
    });
    expect(store.all()[0]).toMatchObject({ cycle: '2026-04-17', completedSteps: [] });
  });
});

describe('InMemoryTrail', () => {
  it('appends an entry id once per case', async () => {
    const trail = new InMemoryTrail();
    const entry = {
      caseId: 'demo-bank:ACC-001',
      kind: 'case.viewed' as const,
      at: new Date('2026-03-01T00:00:00Z'),
      actor: 'u-1',
      entryId: 'e-1',
      detail: {},
    };

    const first = await trail.append(entry);
    const again = await trail.append(entry);
    const otherCase = await trail.append({ ...entry, caseId: 'demo-bank:ACC-002' });

    expect([first, again, otherCase]).toEqual([true, false, true]);
    expect(trail.entries).toHaveLength(2);
  });
});

describe('InMemoryFeedStorage', () => {
  it('streams back the text it stores', async () => {
    const storage = new InMemoryFeedStorage();
    await storage.put('incoming/demo-bank/a.csv', 'account_id\nACC-1\n');

    let text = '';
    for await (const chunk of await storage.open('incoming/demo-bank/a.csv')) text += String(chunk);

    expect(text).toBe('account_id\nACC-1\n');
    await expect(storage.open('incoming/demo-bank/missing.csv')).rejects.toThrow(/NoSuchKey/);
  });
});

describe('feedCsv', () => {
  it('writes a header that is the union of the keys, leaving cells of absent keys empty', () => {
    const text = feedCsv([
      { account_id: 'A-1', mobile: '13812345678' },
      { account_id: 'A-2', email: 'a@b.cn' },
    ]);

    expect(text).toBe('account_id,mobile,email\nA-1,13812345678,\nA-2,,a@b.cn\n');
  });

  it('quotes a cell holding a comma or a quote', () => {
    expect(feedCsv([{ customer_name: 'Smith, "Jo"' }])).toBe('customer_name\n"Smith, ""Jo"""\n');
  });
});

describe('testBanks and localVault', () => {
  it('serves demo-bank on pack cn in Shanghai and us-bank on pack us in New York', () => {
    const banks = testBanks();

    expect(banks.get('demo-bank')).toMatchObject({
      displayName: 'Demo Bank',
      policyPack: 'cn',
      defaults: { currency: 'CNY', timeZone: 'Asia/Shanghai', language: 'zh-CN' },
    });
    expect(banks.get('us-bank')).toMatchObject({
      policyPack: 'us',
      defaults: { currency: 'USD', timeZone: 'America/New_York', language: 'en' },
    });
    expect(banks.get('other-bank')).toBeUndefined();
  });

  it('counts the data keys the vault asks its provider for', async () => {
    const { vault, provider } = localVault();

    await vault.seal({ bankId: 'demo-bank', accountId: 'A-1' }, { name: '张三' });

    expect(provider.calls).toBe(1);
  });
});
