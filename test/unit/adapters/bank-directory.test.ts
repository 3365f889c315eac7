import { describe, expect, it } from 'vitest';
import { bankDirectoryFromConfig } from '../../../lambdas/adapters/bank-directory-from-config';
import { currentLadder } from '../../../lambdas/domain/bank';
import { CN_DEFAULT_LADDER, US_DEFAULT_LADDER } from '../../../lambdas/domain/default-ladders';
import { validateLadderVersions } from '../../../lambdas/domain/ladder-validation';
import { DEMO_BANK_CONFIG, US_BANK_CONFIG } from '../../support/fakes';

const config = (...banks: object[]) => JSON.stringify(banks);
const early = { id: 'early', fromDaysPastDue: 3, action: 'sms', template: 'firm-reminder' };

describe('bank directory from BANKS_CONFIG', () => {
  it('serves each configured bank, with its pack default ladder at version 1 when none is given', () => {
    const banks = bankDirectoryFromConfig(config(DEMO_BANK_CONFIG, US_BANK_CONFIG));

    expect(banks.get('demo-bank')).toMatchObject({
      policyPack: 'cn',
      defaults: { currency: 'CNY', timeZone: 'Asia/Shanghai', language: 'zh-CN' },
      contact: DEMO_BANK_CONFIG.contact,
      ladders: [CN_DEFAULT_LADDER],
    });
    expect(banks.get('us-bank')?.ladders).toEqual([US_DEFAULT_LADDER]);
    expect(banks.get('other-bank')).toBeUndefined();
  });

  it('keeps every ladder version a bank has used, the highest current', () => {
    const v2 = { id: 'custom', version: 2, pack: 'cn', steps: [early] };
    const bank = bankDirectoryFromConfig(
      config({ ...DEMO_BANK_CONFIG, ladders: [CN_DEFAULT_LADDER, v2] }),
    ).get('demo-bank');
    expect(bank?.ladders).toEqual([CN_DEFAULT_LADDER, v2]);
    expect(bank && currentLadder(bank)).toEqual(v2);
  });

  it.each([
    [
      'an unknown template',
      [{ id: 'c', version: 1, pack: 'cn', steps: [{ ...early, template: 'constructor' }] }],
      /unknown template constructor/,
    ],
    [
      'a second letter 10 days after the first',
      [
        {
          id: 'c',
          version: 1,
          pack: 'cn',
          steps: [
            { id: 'l1', fromDaysPastDue: 30, action: 'letter', template: 'cn-collection-letter' },
            {
              id: 'l2',
              fromDaysPastDue: 40,
              action: 'letter',
              template: 'cn-collection-letter-second',
              conditions: [{ kind: 'days-after-step', stepId: 'l1', days: 10 }],
            },
          ],
        },
      ],
      /must wait at least 30 days/,
    ],
    ['a version used twice', [CN_DEFAULT_LADDER, CN_DEFAULT_LADDER], /version 1 is configured twice/],
    ['a ladder of the other pack', [US_DEFAULT_LADDER], /is for pack us/],
  ])('refuses at start-up, given the ladder check, %s', (_, ladders, problem) => {
    expect(() =>
      bankDirectoryFromConfig(config({ ...DEMO_BANK_CONFIG, ladders }), validateLadderVersions),
    ).toThrow(problem);
  });

  it('leaves the ladder rules to the check it is given: a function that does not plan carries no catalogue', () => {
    const unknown = [{ id: 'c', version: 1, pack: 'cn', steps: [{ ...early, template: 'constructor' }] }];
    const json = config({ ...DEMO_BANK_CONFIG, ladders: unknown });

    expect(bankDirectoryFromConfig(json).get('demo-bank')?.ladders).toEqual(unknown);
    expect(() => bankDirectoryFromConfig(json, () => ['a problem'])).toThrow(
      'bank demo-bank: invalid ladder:\n- a problem',
    );
  });

  it('refuses a malformed step before looking at the rules', () => {
    const ladders = [{ id: 'c', version: 1, pack: 'cn', steps: [{ ...early, action: 'visit' }] }];
    expect(() => bankDirectoryFromConfig(config({ ...DEMO_BANK_CONFIG, ladders }))).toThrow(/action/);
  });

  it('refuses an unknown rule pack and a missing configuration', () => {
    expect(() => bankDirectoryFromConfig(config({ ...DEMO_BANK_CONFIG, policyPack: 'eu' }))).toThrow();
    expect(() => bankDirectoryFromConfig(undefined)).toThrow(/BANKS_CONFIG is not set/);
  });
});
