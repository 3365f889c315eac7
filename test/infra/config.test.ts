/** Stage settings are checked before anything is built: each rule refuses the value that would break AWS. */

import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import {
  banksConfigJson,
  type StageConfig,
  stageConfigProblems,
  stageConfigs,
  startsPerSecondPerConsumer,
} from '../../lib/config';

const dev = stageConfigs.dev;
const bank = dev.banks[0] as StageConfig['banks'][number];

type Writable<T> = { -readonly [K in keyof T]: T[K] extends object ? Writable<T[K]> : T[K] };

/** The dev stage with one change. */
function devWith(change: (config: Writable<StageConfig>) => void): StageConfig {
  const config = structuredClone(dev) as Writable<StageConfig>;
  change(config);
  return config;
}

describe('stage configuration', () => {
  it('accepts both stages as configured', () => {
    expect(stageConfigProblems(stageConfigs.dev)).toEqual([]);
    expect(stageConfigProblems(stageConfigs.prod)).toEqual([]);
  });

  const refusals: Array<[string, (config: Writable<StageConfig>) => void, RegExp]> = [
    [
      'an API function slower than API Gateway waits',
      (c) => (c.functions.getCase.timeoutSeconds = 30),
      /functions\.getCase\.timeoutSeconds.*29/,
    ],
    [
      'an intake timeout beyond Lambda’s 15 minutes',
      (c) => (c.functions.ingestFeed.timeoutSeconds = 901),
      /functions\.ingestFeed\.timeoutSeconds.*900/,
    ],
    [
      'a fractional timeout',
      (c) => (c.functions.planNextStep.timeoutSeconds = 2.5),
      /functions\.planNextStep\.timeoutSeconds/,
    ],
    [
      'memory Lambda does not offer',
      (c) => (c.functions.actLetter.memoryMb = 64),
      /functions\.actLetter\.memoryMb/,
    ],
    [
      'a start rate above the StartExecution refill',
      (c) => (c.escalationStarts.ratePerSecond = 400),
      /ratePerSecond.*300/,
    ],
    [
      'one consumer (Lambda’s SQS maximum concurrency starts at 2)',
      (c) => (c.escalationStarts.maxConcurrency = 1),
      /maxConcurrency must be from 2/,
    ],
    [
      'consumers that would each start less than once a second',
      (c) => Object.assign(c.escalationStarts, { ratePerSecond: 3, maxConcurrency: 4 }),
      /at least one start per second/,
    ],
    [
      'a batch larger than SQS event sources take',
      (c) => (c.escalationStarts.batchSize = 10_001),
      /batchSize/,
    ],
    [
      'a feed-event age alarm that every long load would trip',
      (c) => (c.feedEventAgeAlarmMinutes = 10),
      /feedEventAgeAlarmMinutes must exceed the intake timeout/,
    ],
    [
      'reports kept shorter than the feeds they answer',
      (c) => (c.storedFeeds.expireAfterDays.reports = 10),
      /reports must be at least (incoming|payments)/,
    ],
    [
      'a prefix that never expires',
      (c) => (c.storedFeeds.expireAfterDays.incoming = 0),
      /incoming must be a whole number of days/,
    ],
    [
      'large-feed work files gone before a dead-lettered hand-over could be redriven',
      (c) => (c.storedFeeds.expireAfterDays['feed-loads'] = 7),
      /feed-loads must be at least 14/,
    ],
    [
      'a start-request wait alarm of no minutes',
      (c) => (c.escalationStarts.waitAlarmMinutes = 0),
      /waitAlarmMinutes must be from 1/,
    ],
    [
      'a refresh token that dies before the access token',
      (c) => Object.assign(c.staffSignIn, { accessTokenMinutes: 120, refreshTokenHours: 1 }),
      /refreshTokenHours/,
    ],
    [
      'a bank id that cannot be a prefix or role name',
      (c) => (c.banks = [{ ...bank, bankId: 'Demo Bank' }]),
      /bank id 'Demo Bank'/,
    ],
    ['a bank configured twice', (c) => (c.banks = [bank, bank]), /configured twice/],
    [
      'a writer principal that is no account or role',
      (c) => (c.banks = [{ ...bank, writerPrincipals: ['*'] }]),
      /writerPrincipals: '\*'/,
    ],
    [
      'an empty writer list (nobody could write)',
      (c) => (c.banks = [{ ...bank, writerPrincipals: [] }]),
      /must name someone/,
    ],
    ['no bank at all', (c) => (c.banks = []), /at least one bank/],
    [
      'a bank without contact details for its letters',
      (c) => (c.banks = [{ ...bank, contact: undefined }]),
      /banks\.demo-bank\.contact needs a phone and a postal address/,
    ],
    [
      'a ladder with an unknown template',
      (c) =>
        (c.banks = [
          {
            ...bank,
            ladders: [
              {
                id: 'custom',
                version: 1,
                pack: 'cn',
                steps: [{ id: 'sms', fromDaysPastDue: 1, action: 'sms', template: 'courtesy-remindr' }],
              },
            ],
          },
        ]),
      /banks\.demo-bank: ladder custom v1: step sms: unknown template courtesy-remindr/,
    ],
  ];
  for (const [what, change, problem] of refusals) {
    it(`refuses ${what}`, () => {
      const problems = stageConfigProblems(devWith(change));
      expect(problems.length).toBeGreaterThan(0);
      for (const found of problems) expect(found).toMatch(problem);
    });
  }

  it('stops the build, naming every problem, before any resource is made', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const broken = devWith((c) => {
      c.functions.findCases.timeoutSeconds = 60;
      c.escalationStarts.maxConcurrency = 1;
    });
    expect(() => buildApp(app, 'dev', broken)).toThrow(/findCases[\s\S]*maxConcurrency/);
    expect(app.node.children).toHaveLength(0);
  });

  it('stops the build on a bad ladder: a second letter closer than 30 days to the first', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const broken = devWith(
      (c) =>
        (c.banks = [
          {
            ...bank,
            ladders: [
              {
                id: 'custom',
                version: 1,
                pack: 'cn',
                steps: [
                  { id: 'l1', fromDaysPastDue: 30, action: 'letter', template: 'cn-collection-letter' },
                  {
                    id: 'l2',
                    fromDaysPastDue: 45,
                    action: 'letter',
                    template: 'cn-collection-letter-second',
                  },
                ],
              },
            ],
          },
        ]),
    );
    expect(() => buildApp(app, 'dev', broken)).toThrow(
      /letter l2 must wait at least 30 days after letter l1/,
    );
    expect(app.node.children).toHaveLength(0);
  });

  it('gives each escalation-start consumer its share of the rate, rounded down', () => {
    expect(startsPerSecondPerConsumer(stageConfigs.prod)).toBe(125);
    expect(
      startsPerSecondPerConsumer(
        devWith((c) => Object.assign(c.escalationStarts, { ratePerSecond: 100, maxConcurrency: 3 })),
      ),
    ).toBe(33);
  });

  it('keeps who may write a bank’s feeds out of what the functions are told', () => {
    const config = devWith(
      (c) => (c.banks = [{ ...bank, writerPrincipals: ['arn:aws:iam::111122223333:root'] }]),
    );
    const banks = JSON.parse(banksConfigJson(config)) as Array<Record<string, unknown>>;
    expect(banks).toEqual([
      {
        bankId: bank.bankId,
        displayName: bank.displayName,
        policyPack: bank.policyPack,
        defaults: bank.defaults,
        contact: bank.contact,
      },
    ]);
  });
});
