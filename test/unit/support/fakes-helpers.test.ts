/** The test doubles behave as the tests that lean on them assume: a wrong fake would make every test lie. */

import { describe, expect, it } from 'vitest';
import {
  feedCsv,
  InMemoryCaseStore,
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
