import { describe, expect, it } from 'vitest';
import { bankDirectoryFromConfig } from '../../../lambdas/adapters/bank-directory-from-config';
import { DEFAULT_LADDER } from '../../../lambdas/domain/escalation-ladder';
import { DEMO_BANK_CONFIG } from '../../support/fakes';

const config = (...banks: object[]) => JSON.stringify(banks);

describe('bank directory from BANKS_CONFIG', () => {
  it('serves each configured bank, with the default ladder when none is given', () => {
    const banks = bankDirectoryFromConfig(config(DEMO_BANK_CONFIG));

    expect(banks.get('demo-bank')).toMatchObject({
      policyPack: 'cn',
      defaults: { currency: 'CNY', timeZone: 'Asia/Shanghai', language: 'zh-CN' },
      ladder: DEFAULT_LADDER,
    });
    expect(banks.get('other-bank')).toBeUndefined();
  });

  it('keeps a bank ladder given as data', () => {
    const ladder = [{ id: 'early', fromDaysPastDue: 3, action: 'sms', template: 'firm-reminder' }];

    expect(bankDirectoryFromConfig(config({ ...DEMO_BANK_CONFIG, ladder })).get('demo-bank')?.ladder).toEqual(
      ladder,
    );
  });

  it.each(['courtesy-remindr', 'constructor', ''])(
    'refuses at start-up a ladder step with the unknown template %j',
    (template) => {
      const ladder = [{ id: 'early', fromDaysPastDue: 3, action: 'sms', template }];

      expect(() => bankDirectoryFromConfig(config({ ...DEMO_BANK_CONFIG, ladder }))).toThrow(
        /unknown reminder template/,
      );
    },
  );

  it('refuses an unknown rule pack and a missing configuration', () => {
    expect(() => bankDirectoryFromConfig(config({ ...DEMO_BANK_CONFIG, policyPack: 'eu' }))).toThrow();
    expect(() => bankDirectoryFromConfig(undefined)).toThrow(/BANKS_CONFIG is not set/);
  });
});
