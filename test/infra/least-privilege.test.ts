/** Least privilege, read from the synthesized IAM policies: exactly what each function and state machine may do. */

import { randomBytes } from 'node:crypto';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { EnvelopePiiVault } from '../../lambdas/adapters/envelope-pii-vault';
import type { OverdueStacks } from '../../lib/app';
import { stageConfigs } from '../../lib/config';
import type { OverdueFunction } from '../../lib/constructs/overdue-function';
import { synthesize } from './synthesize';
import { allowing, type Grants, type SynthesizedIam } from './synthesized-iam';

const { stacks, iam } = synthesize('dev');
const { stateful, stateless } = stacks;
const { functions } = stateless;

const P = '<AWS::Partition>';
const R = '<AWS::Region>';
const A = '<AWS::AccountId>';
const table = (name: string) => `arn:${P}:dynamodb:${R}:${A}:table/overdue-dev-${name}`;
const cases = table('cases');
const trail = table('trail');
const ledger = table('contact-ledger');
const ledgerByCase = `${ledger}/index/by-case`;
const workItems = table('work-items');
const bankEvents = `arn:${P}:events:${R}:${A}:event-bus/overdue-dev-bank-events`;
const sesArn = (kind: string, ref: string) => `arn:${P}:ses:${R}:${A}:${kind}/${ref}`;
const lookupIndexes = ['by-mobileIndex', 'by-nationalIdIndex', 'by-cardLast4Index'].map(
  (index) => `${cases}/index/${index}`,
);
const bucket = `arn:${P}:s3:::overdue-dev-drop-${A}-${R}`;
const objects = (prefix: string) => `${bucket}/${prefix}/*`;
const dataKey = iam.arnOf(stateful.dataKey);
const piiKey = iam.arnOf(stateful.piiKey);
const indexKey = iam.arnOf(stateful.indexKey);
const escalationMachine = iam.refOf(stateless.escalation.machine.stateMachine);
const escalationExecutions = `arn:${P}:states:${R}:${A}:execution:overdue-dev-escalation:*`;
const feedLoadMachine = iam.refOf(stateless.intake.feedLoad.stateMachine);
const feedEvents = iam.arnOf(stateless.intake.feedEvents.queue);
const escalationStarts = iam.arnOf(stateless.escalation.starts.queue);

const CONSUME = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
];
const READ_KEY_VIA_DYNAMODB_AND_WRITE = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'];
const WRITE = ['s3:AbortMultipartUpload', 's3:PutObject'];
const READ_WRITE = ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'];

/** What every house function has: its own log group, and X-Ray (which has no resource-level permissions). */
function basics(house: OverdueFunction, star: string[] = []): Grants {
  return {
    [iam.arnOf(house.logGroup)]: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    '*': [...star, 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'].sort(),
  };
}

/** The role's uses of a key, by the service its `kms:ViaService` condition names ('direct' when none). */
function keyUses(role: Parameters<SynthesizedIam['statementsOf']>[0], key: string): Record<string, string[]> {
  const uses: Record<string, string[]> = {};
  for (const statement of iam.statementsOf(role)) {
    if (statement.effect !== 'Allow' || !statement.resources.includes(key)) continue;
    const via = statement.conditions.StringEquals?.['kms:ViaService'] ?? ['direct'];
    for (const service of via) uses[service] = [...(uses[service] ?? []), ...statement.actions].sort();
  }
  return uses;
}

describe('each function may do exactly what its code calls, on the resources it uses', () => {
  const expected: Record<keyof typeof functions, Grants> = {
    ingestFeed: {
      ...basics(functions.ingestFeed),
      [feedEvents]: [...CONSUME, 'sqs:SendMessage'].sort(),
      [escalationStarts]: ['sqs:SendMessage'],
      [cases]: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      [trail]: ['dynamodb:PutItem'],
      [dataKey]: READ_KEY_VIA_DYNAMODB_AND_WRITE,
      [piiKey]: ['kms:GenerateDataKey'],
      [indexKey]: ['kms:GenerateMac'],
      // A feed is read as the version its event named: GetObjectVersion.
      [objects('incoming')]: ['s3:GetObject', 's3:GetObjectVersion'],
      [objects('payments')]: ['s3:GetObject', 's3:GetObjectVersion'],
      [objects('reports')]: READ_WRITE,
      [objects('feed-loads')]: READ_WRITE,
      [objects('rejects')]: WRITE,
      [bucket]: ['s3:ListBucket'],
    },
    feedLoadSegment: {
      ...basics(functions.feedLoadSegment),
      [escalationStarts]: ['sqs:SendMessage'],
      [cases]: ['dynamodb:UpdateItem'],
      [dataKey]: READ_KEY_VIA_DYNAMODB_AND_WRITE,
      [piiKey]: ['kms:GenerateDataKey'],
      [indexKey]: ['kms:GenerateMac'],
      [objects('incoming')]: ['s3:GetObject', 's3:GetObjectVersion'],
      [objects('feed-loads')]: READ_WRITE,
    },
    feedLoadFinish: {
      ...basics(functions.feedLoadFinish),
      [dataKey]: ['kms:Decrypt', 'kms:GenerateDataKey'],
      [objects('feed-loads')]: ['s3:GetObject'],
      [objects('reports')]: WRITE,
      [objects('rejects')]: WRITE,
    },
    startEscalations: {
      ...basics(functions.startEscalations),
      [escalationStarts]: CONSUME,
      [escalationMachine]: ['states:StartExecution'],
      [escalationExecutions]: ['states:StopExecution'],
      // Large feeds' map runs, which intake asks for through the start buffer.
      [feedLoadMachine]: ['states:StartExecution'],
      [cases]: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      [dataKey]: READ_KEY_VIA_DYNAMODB_AND_WRITE,
    },
    planNextStep: {
      ...basics(functions.planNextStep),
      // Pins the ladder version, records a pause, an end or a step passed over.
      [cases]: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      [trail]: ['dynamodb:PutItem'],
      // Reads the contact history; never reserves.
      [ledger]: ['dynamodb:GetItem'],
      [ledgerByCase]: ['dynamodb:Query'],
      [dataKey]: READ_KEY_VIA_DYNAMODB_AND_WRITE,
    },
    // SMS and email: reserves in the ledger, opens the address, sends; no letters, no bank events.
    actMessage: {
      ...basics(functions.actMessage, ['sns:Publish']),
      [cases]: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      [trail]: ['dynamodb:PutItem'],
      [ledger]: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      [ledgerByCase]: ['dynamodb:Query'],
      [sesArn('identity', iam.refOf(stateless.email.identity))]: ['ses:SendEmail'],
      [sesArn('configuration-set', iam.refOf(stateless.email.configurationSet))]: ['ses:SendEmail'],
      [dataKey]: READ_KEY_VIA_DYNAMODB_AND_WRITE,
      [piiKey]: ['kms:Decrypt'],
    },
    // Letters: the same contact steps, through letters/ instead of SNS and SES.
    actLetter: {
      ...basics(functions.actLetter),
      [cases]: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      [trail]: ['dynamodb:PutItem'],
      [ledger]: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      [ledgerByCase]: ['dynamodb:Query'],
      [bucket]: ['s3:ListBucket'],
      [objects('letters')]: READ_WRITE,
      [dataKey]: READ_KEY_VIA_DYNAMODB_AND_WRITE,
      [piiKey]: ['kms:Decrypt'],
    },
    // A freeze request: no contact ledger (its guard reads no contact history), no personal data.
    actBank: {
      ...basics(functions.actBank),
      [cases]: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      [trail]: ['dynamodb:PutItem'],
      [bankEvents]: ['events:PutEvents'],
      [dataKey]: READ_KEY_VIA_DYNAMODB_AND_WRITE,
    },
    // A work item's outcome: the case and its trail only.
    actOnWorkItem: {
      ...basics(functions.actOnWorkItem),
      [cases]: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      [trail]: ['dynamodb:PutItem'],
      [dataKey]: READ_KEY_VIA_DYNAMODB_AND_WRITE,
    },
    // Never states:SendTaskSuccess: completing a work item is the staff API's.
    openTask: {
      ...basics(functions.openTask),
      [cases]: ['dynamodb:GetItem'],
      [workItems]: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      [trail]: ['dynamodb:PutItem'],
      [dataKey]: READ_KEY_VIA_DYNAMODB_AND_WRITE,
    },
    recordFault: {
      ...basics(functions.recordFault),
      [cases]: ['dynamodb:UpdateItem'],
      [trail]: ['dynamodb:PutItem'],
      [dataKey]: READ_KEY_VIA_DYNAMODB_AND_WRITE,
    },
    getCase: {
      ...basics(functions.getCase),
      [cases]: ['dynamodb:GetItem'],
      [trail]: ['dynamodb:PutItem'],
      [dataKey]: READ_KEY_VIA_DYNAMODB_AND_WRITE,
    },
    findCases: {
      ...basics(functions.findCases),
      ...Object.fromEntries(lookupIndexes.map((index) => [index, ['dynamodb:Query']])),
      [cases]: ['dynamodb:GetItem'],
      [trail]: ['dynamodb:PutItem'],
      [dataKey]: READ_KEY_VIA_DYNAMODB_AND_WRITE,
      [indexKey]: ['kms:GenerateMac'],
    },
  };

  for (const [name, grants] of Object.entries(expected)) {
    it(`${name}`, () => {
      const house = functions[name as keyof typeof functions];
      expect(iam.grantsOf(house.role)).toEqual(Object.fromEntries(Object.entries(grants).sort()));
    });
  }

  it('uses the data key only through the service that encrypts with it (kms:ViaService)', () => {
    const viaDynamoDb = `dynamodb.${R}.amazonaws.com`;
    const viaS3 = `s3.${R}.amazonaws.com`;
    expect(keyUses(functions.ingestFeed.role, dataKey)).toEqual({
      [viaDynamoDb]: READ_KEY_VIA_DYNAMODB_AND_WRITE,
      [viaS3]: ['kms:Decrypt', 'kms:GenerateDataKey'],
    });
    expect(keyUses(functions.planNextStep.role, dataKey)).toEqual({
      [viaDynamoDb]: READ_KEY_VIA_DYNAMODB_AND_WRITE,
    });
    expect(keyUses(functions.feedLoadFinish.role, dataKey)).toEqual({
      [viaS3]: ['kms:Decrypt', 'kms:GenerateDataKey'],
    });
    for (const statement of iam.identityStatements()) {
      if (!statement.resources.includes(dataKey)) continue;
      expect(statement.conditions.StringEquals?.['kms:ViaService'], statement.source).toBeDefined();
    }
  });
});

describe('the trail is append-only in IAM', () => {
  /** Every allowed DynamoDB action (wildcards included) on the trail, other than PutItem, in either stack. */
  function trailWritesBeyondPut(synthesized: SynthesizedIam): string[] {
    const found: string[] = [];
    for (const statement of synthesized.identityStatements()) {
      if (statement.effect !== 'Allow') continue;
      const forbidden = allowing(
        [statement],
        ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLUpdate'],
        trail,
      );
      for (const { action } of forbidden) found.push(`${statement.source}: ${action}`);
    }
    return found;
  }

  it('grants no Update, Delete or BatchWrite (nor dynamodb:*) on the trail to any role', () => {
    expect(trailWritesBeyondPut(iam)).toEqual([]);
  });

  it('lets the trail writers PutItem only (the attribute_not_exists condition is in the adapter)', () => {
    const writers = Object.entries(functions)
      .filter(([, house]) => allowing(iam.statementsOf(house.role), ['dynamodb:PutItem'], trail).length > 0)
      .map(([name]) => name)
      .sort();
    expect(writers).toEqual([
      'actBank',
      'actLetter',
      'actMessage',
      'actOnWorkItem',
      'findCases',
      'getCase',
      'ingestFeed',
      'openTask',
      'planNextStep',
      'recordFault',
    ]);
    for (const statement of iam.identityStatements()) {
      if (!statement.resources.includes(trail)) continue;
      expect(statement.actions, statement.source).toEqual(['dynamodb:PutItem']);
    }
  });

  it('would catch a CDK table grant or a dynamodb:* on any resource (positive control)', () => {
    const tampered = (change: (stacks: OverdueStacks) => void) =>
      trailWritesBeyondPut(synthesize('dev', undefined, change).iam);
    expect(
      tampered(({ stateless: stack }) =>
        Table.fromTableName(stack, 'Tampered', 'overdue-dev-trail').grantReadWriteData(
          stack.functions.getCase.role,
        ),
      ),
    ).toEqual(
      expect.arrayContaining([
        expect.stringContaining('dynamodb:UpdateItem'),
        expect.stringContaining('dynamodb:DeleteItem'),
        expect.stringContaining('dynamodb:BatchWriteItem'),
      ]),
    );
    expect(
      tampered(({ stateless: stack }) =>
        stack.functions.planNextStep.role.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] }),
        ),
      ),
    ).toHaveLength(4);
  });
});

describe('the API functions', () => {
  it('never Scan, and only FindCases queries the blind-index GSIs', () => {
    for (const house of [functions.getCase, functions.findCases]) {
      for (const resource of [cases, trail, ...lookupIndexes]) {
        expect(allowing(iam.statementsOf(house.role), ['dynamodb:Scan'], resource)).toEqual([]);
      }
    }
    const queriers = Object.entries(functions)
      .filter(([, house]) =>
        lookupIndexes.some(
          (index) => allowing(iam.statementsOf(house.role), ['dynamodb:Query'], index).length,
        ),
      )
      .map(([name]) => name);
    expect(queriers).toEqual(['findCases']);
  });

  it('leaves Scan to no function at all', () => {
    for (const statement of iam.identityStatements()) {
      expect(
        statement.actions.filter((action) => /scan/i.test(action)),
        statement.source,
      ).toEqual([]);
    }
  });
});

describe('email', () => {
  it('is sent only from the stage’s address, whatever else the identity’s domain could send from', () => {
    const statements = iam
      .identityStatements()
      .filter((statement) => statement.actions.includes('ses:SendEmail'));
    expect(statements.length).toBe(1);
    expect(statements[0]?.conditions).toEqual({
      StringEquals: { 'ses:FromAddress': [stageConfigs.dev.email.fromAddress] },
    });
  });
});

describe('the PII key', () => {
  const piiStatements = () =>
    iam
      .identityStatements()
      .filter(
        (statement) => allowing([statement], ['kms:Decrypt', 'kms:GenerateDataKey'], piiKey).length > 0,
      );

  it('is granted only with the vault’s encryption context: purpose overdue-pii and a configured bank', () => {
    const statements = piiStatements();
    expect(statements.length).toBe(4);
    for (const statement of statements) {
      expect(statement.resources, statement.source).toEqual([piiKey]);
      expect(statement.conditions, statement.source).toEqual({
        StringEquals: {
          'kms:EncryptionContext:purpose': ['overdue-pii'],
          'kms:EncryptionContext:bankId': stageConfigs.dev.banks.map((bank) => bank.bankId),
        },
      });
    }
  });

  it('seals in intake and its segments, opens in the two Act functions that contact, and nowhere else', () => {
    const holders = Object.fromEntries(
      Object.entries(functions)
        .map(([name, house]) => [name, keyUses(house.role, piiKey).direct] as const)
        .filter(([, actions]) => actions !== undefined),
    );
    expect(holders).toEqual({
      ingestFeed: ['kms:GenerateDataKey'],
      feedLoadSegment: ['kms:GenerateDataKey'],
      actMessage: ['kms:Decrypt'],
      actLetter: ['kms:Decrypt'],
    });
  });

  it('matches the context the vault actually sends to KMS (contract with the adapter)', async () => {
    const contexts: Array<Readonly<Record<string, string>>> = [];
    const vault = new EnvelopePiiVault({
      generateDataKey: async (context) => {
        contexts.push(context);
        return { plaintext: randomBytes(32), wrapped: randomBytes(48) };
      },
      decryptDataKey: async () => randomBytes(32),
    });
    await vault.seal({ bankId: 'demo-bank', accountId: 'ACC-1' }, { mobile: '+12025550100' });
    const [condition] = piiStatements().map((statement) => statement.conditions.StringEquals ?? {});
    expect(contexts).toHaveLength(1);
    expect(Object.keys(contexts[0] ?? {}).sort()).toEqual(['bankId', 'purpose']);
    expect(condition?.['kms:EncryptionContext:purpose']).toContain(contexts[0]?.purpose);
    expect(condition?.['kms:EncryptionContext:bankId']).toContain(contexts[0]?.bankId);
  });

  it('names exactly the configured banks in the condition, one more bank and it is listed', () => {
    const config = {
      ...stageConfigs.dev,
      banks: [...stageConfigs.dev.banks, { ...stageConfigs.dev.banks[0], bankId: 'second-bank' } as never],
    };
    const { iam: twoBanks, stacks: built } = synthesize('dev', config);
    const [statement] = twoBanks
      .statementsOf(built.stateless.functions.actMessage.role)
      .filter((candidate) => candidate.resources.includes(twoBanks.arnOf(built.stateful.piiKey)));
    expect(statement?.conditions.StringEquals?.['kms:EncryptionContext:bankId']).toEqual([
      'demo-bank',
      'second-bank',
    ]);
  });
});

describe('the state machines', () => {
  it('escalation: invokes its seven functions, logs and traces, nothing else', () => {
    const machine = stateless.escalation.machine.stateMachine;
    const invoked = [
      functions.planNextStep,
      functions.actMessage,
      functions.actLetter,
      functions.actBank,
      functions.actOnWorkItem,
      functions.openTask,
      functions.recordFault,
    ].map((house) => iam.arnOf(house.fn));
    expect(Object.keys(iam.grantsOf(machine.role)).sort()).toEqual(
      ['*', ...invoked, ...invoked.map((arn) => `${arn}:*`)].sort(),
    );
    for (const arn of invoked) expect(iam.grantsOf(machine.role)[arn]).toEqual(['lambda:InvokeFunction']);
    expect(iam.grantsOf(machine.role)['*']?.every((action) => /^(logs|xray):/.test(action))).toBe(true);
  });

  it('feed load: reads and writes feed-loads/* only (no incoming/), invokes its two functions, runs its map', () => {
    const machine = stateless.intake.feedLoad.stateMachine;
    const grants = iam.grantsOf(machine.role);
    const s3Resources = Object.keys(grants).filter((resource) => resource.includes(':s3:::'));
    expect(s3Resources).toEqual([objects('feed-loads')]);
    expect(grants[objects('feed-loads')]).toEqual([
      's3:AbortMultipartUpload',
      's3:GetObject',
      's3:ListMultipartUploadParts',
      's3:PutObject',
    ]);
    expect(keyUses(machine.role, dataKey)).toEqual({
      [`s3.${R}.amazonaws.com`]: ['kms:Decrypt', 'kms:GenerateDataKey'],
    });
    const batch = iam.arnOf(functions.feedLoadSegment.fn);
    const finish = iam.arnOf(functions.feedLoadFinish.fn);
    for (const fn of [batch, `${batch}:*`, finish, `${finish}:*`]) {
      expect(grants[fn]).toEqual(['lambda:InvokeFunction']);
    }
    const self = iam.refOf(machine);
    expect(grants[self]).toEqual(['states:StartExecution']);
    const runs = Object.keys(grants).filter((resource) => resource.includes(':execution:'));
    expect(runs).toHaveLength(2);
    expect(
      Object.keys(grants).filter(
        (resource) =>
          ![...s3Resources, dataKey, batch, `${batch}:*`, finish, `${finish}:*`, self, ...runs, '*'].includes(
            resource,
          ),
      ),
    ).toEqual([]);
    expect(
      allowing(iam.statementsOf(machine.role), ['s3:GetObject'], `${bucket}/incoming/demo-bank/feed.csv`),
    ).toEqual([]);
  });
});

describe('the data key', () => {
  it('lets CloudWatch use it for this stage’s alarms only', () => {
    const [cloudWatch] = iam
      .resourcePolicyOf(stateful.dataKey)
      .filter((statement) => statement.principals.includes('cloudwatch.amazonaws.com'));
    expect(cloudWatch?.actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(cloudWatch?.conditions).toEqual({
      StringEquals: { 'aws:SourceAccount': [`<AWS::AccountId>`] },
      ArnLike: { 'aws:SourceArn': [`arn:${P}:cloudwatch:${R}:${A}:alarm:overdue-dev-*`] },
    });
  });
});
