/** What the infrastructure promises: encryption, recovery, retention, tracing, least access, a locked API. */

import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { bankDirectoryFromConfig } from '../../lambdas/adapters/bank-directory-from-config';
import { validateLadderVersions } from '../../lambdas/domain/ladder-validation';
import { DROP_PREFIXES, FUNCTION_NAMES, type StageConfig, stageConfigs } from '../../lib/config';
import { synthesize } from './synthesize';
import { iamMatches, logicalIdOf } from './synthesized-iam';

const dev = synthesize('dev');

/** The project's own functions (not CDK's helper functions, such as the bucket-notifications installer). */
function houseFunctions() {
  return Object.values(dev.stateless.findResources('AWS::Lambda::Function')).filter(
    (fn) => fn.Properties.Environment?.Variables?.BANKS_CONFIG !== undefined,
  );
}
const prod = synthesize('prod');

describe('stateful stack', () => {
  it('encrypts every table (cases, trail, contact ledger, work items) with the customer-managed data key and keeps point-in-time recovery on', () => {
    for (const [stage, { stateful }] of [
      ['dev', dev],
      ['prod', prod],
    ] as const) {
      const tables = stateful.findResources('AWS::DynamoDB::Table');
      expect(Object.values(tables).map((table) => table.Properties.TableName)).toEqual(
        ['cases', 'trail', 'contact-ledger', 'work-items'].map((name) => `overdue-${stage}-${name}`),
      );
      for (const table of Object.values(tables)) {
        expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
        expect(table.Properties.SSESpecification.KMSMasterKeyId).toBeDefined();
        expect(table.Properties.PointInTimeRecoverySpecification).toEqual({
          PointInTimeRecoveryEnabled: true,
        });
      }
    }
  });

  it('retains tables, keys and the drop bucket in prod, with deletion protection on the tables', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::S3::Bucket']) {
      for (const resource of Object.values(prod.stateful.findResources(type))) {
        expect(resource.DeletionPolicy).toBe('Retain');
      }
    }
    for (const table of Object.values(prod.stateful.findResources('AWS::DynamoDB::Table'))) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    }
  });

  it('lets dev tables go with the stack', () => {
    for (const table of Object.values(dev.stateful.findResources('AWS::DynamoDB::Table'))) {
      expect(table.DeletionPolicy).toBe('Delete');
    }
  });

  it('keys the trail by case and entry id, so a replayed entry is stored once', () => {
    dev.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'caseId', KeyType: 'HASH' },
        { AttributeName: 'entryId', KeyType: 'RANGE' },
      ],
    });
  });

  it('rotates both symmetric KMS keys and keeps a separate HMAC key for blind indexes', () => {
    const keys = Object.values(dev.stateful.findResources('AWS::KMS::Key'));
    const symmetric = keys.filter(
      (key) => (key.Properties.KeySpec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT',
    );
    expect(symmetric).toHaveLength(2);
    for (const key of symmetric) expect(key.Properties.EnableKeyRotation).toBe(true);
    const hmac = keys.filter((key) => key.Properties.KeySpec === 'HMAC_256');
    expect(hmac.map((key) => key.Properties.KeyUsage)).toEqual(['GENERATE_VERIFY_MAC']);
  });

  it('indexes cases by the blind index of mobile, national ID and card last four', () => {
    const cases = dev.stateful.toJSON().Resources[logicalIdOf(dev.stacks.stateful.casesTable)];
    const indexes = cases.Properties.GlobalSecondaryIndexes ?? [];
    expect(indexes.map((index: { IndexName: string }) => index.IndexName).sort()).toEqual([
      'by-cardLast4Index',
      'by-mobileIndex',
      'by-nationalIdIndex',
    ]);
  });

  it('locks the drop bucket: KMS, versioned, public access blocked, access-logged, TLS only', () => {
    dev.stateful.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
    });
    const policies = Object.values(dev.stateful.findResources('AWS::S3::BucketPolicy'));
    const denyInsecure = policies.filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('"aws:SecureTransport":"false"'),
    );
    expect(denyInsecure.length).toBeGreaterThanOrEqual(2);
  });
});

describe('stateless stack', () => {
  it('runs every function on Node.js 22, ARM64, with active tracing, its own log group and no source-map reading', () => {
    const functions = houseFunctions();
    expect(functions).toHaveLength(13);
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.LoggingConfig?.LogGroup).toBeDefined();
      // --enable-source-maps would make every formatted stack trace ~5× dearer (lib/constructs/function-bundling.ts).
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS ?? '').not.toContain('--enable-source-maps');
    }
  });

  it('gives the functions a bank configuration they can parse', () => {
    for (const fn of houseFunctions()) {
      // With the ladder check PlanNextStep runs at cold start: a deployed ladder must pass it.
      const banks = bankDirectoryFromConfig(
        fn.Properties.Environment.Variables.BANKS_CONFIG,
        validateLadderVersions,
      );
      expect(banks.get('demo-bank')?.policyPack).toBe('cn');
    }
  });

  it('runs escalations as a STANDARD state machine in JSONPath, logging ALL without execution data, traced', () => {
    const machines = Object.values(dev.stateless.findResources('AWS::StepFunctions::StateMachine')).filter(
      (machine) => machine.Properties.StateMachineName === 'overdue-dev-escalation',
    );
    expect(machines).toHaveLength(1);
    const machine = machines[0]?.Properties;
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    const definition = JSON.stringify(machine.DefinitionString);
    expect(definition).toContain('\\"QueryLanguage\\":\\"JSONPath\\"');
    expect(definition).not.toContain('JSONata');
  });

  it('protects GET /cases/{caseId} with the Cognito authorizer and a request validator', () => {
    dev.stateless.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      AuthorizationType: 'COGNITO_USER_POOLS',
      AuthorizerId: Match.anyValue(),
      RequestValidatorId: Match.anyValue(),
      RequestParameters: { 'method.request.path.caseId': true },
    });
    dev.stateless.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'COGNITO_USER_POOLS' });
  });

  it('writes API access logs and traces the API stage', () => {
    dev.stateless.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue(), Format: Match.anyValue() }),
    });
  });

  it('has the five staff groups, an invite-only pool and MFA', () => {
    const groups = Object.values(dev.stateless.findResources('AWS::Cognito::UserPoolGroup')).map(
      (group) => group.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(['admin', 'auditor', 'collector', 'legal', 'supervisor']);
    dev.stateless.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      Schema: Match.arrayWith([Match.objectLike({ Name: 'bankId', Mutable: false })]),
    });
  });

  it('gives the PII key only to intake and its batches (to seal) and the Act functions that contact (to open)', () => {
    const holders = houseFunctions()
      .filter((fn) => fn.Properties.Environment.Variables.PII_KEY_ID !== undefined)
      .map((fn) => fn.Properties.Description);
    expect(holders.sort()).toEqual([
      'Loads a bank feed dropped in S3',
      'Loads one segment of a large overdue feed',
      'Sends the SMS or email of an escalation step the guard allows',
      'Stores the letter of an escalation step the guard allows',
    ]);
  });
});

describe('feed reject alarm', () => {
  it('watches the metric intake emits, under the service name intake logs with, at the stage threshold', () => {
    const alarm = Object.values(dev.stateless.findResources('AWS::CloudWatch::Alarm')).find(
      (candidate) => candidate.Properties.MetricName === 'feedRejectPercent',
    );
    const intake = houseFunctions().find(
      (fn) => fn.Properties.Description === 'Loads a bank feed dropped in S3',
    );
    expect(alarm?.Properties.Threshold).toBe(5);
    expect(alarm?.Properties.Dimensions).toEqual([
      { Name: 'service', Value: intake?.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME },
    ]);
  });
});

describe('function sizing', () => {
  it('gives every function the timeout and memory its stage configures', () => {
    for (const synthesized of [dev, prod]) {
      const { stateless } = synthesized.stacks;
      const config = stageConfigs[stateless.stage];
      const resources = synthesized.stateless.toJSON().Resources;
      for (const name of FUNCTION_NAMES) {
        const fn = resources[logicalIdOf(stateless.functions[name].fn)].Properties;
        expect({ name, timeout: fn.Timeout, memory: fn.MemorySize }).toEqual({
          name,
          timeout: config.functions[name].timeoutSeconds,
          memory: config.functions[name].memoryMb,
        });
      }
    }
  });

  it('keeps the API functions inside API Gateway’s 29-second integration timeout', () => {
    for (const config of Object.values(stageConfigs)) {
      expect(config.functions.getCase.timeoutSeconds).toBeLessThanOrEqual(29);
      expect(config.functions.findCases.timeoutSeconds).toBeLessThanOrEqual(29);
    }
  });
});

describe('staff sign-in', () => {
  it('has an SRP app client without a secret, hiding whether a user exists, with the stage’s token lifetimes', () => {
    for (const synthesized of [dev, prod]) {
      const { staffSignIn } = stageConfigs[synthesized.stacks.stateless.stage];
      const clients = Object.values(synthesized.stateless.findResources('AWS::Cognito::UserPoolClient'));
      expect(clients).toHaveLength(1);
      expect(clients[0]?.Properties).toMatchObject({
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        GenerateSecret: false,
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
        AllowedOAuthFlowsUserPoolClient: false,
        AccessTokenValidity: staffSignIn.accessTokenMinutes,
        IdTokenValidity: staffSignIn.idTokenMinutes,
        RefreshTokenValidity: staffSignIn.refreshTokenHours * 60,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
        // Not the email (the sign-in name), nor anything else that matters.
        WriteAttributes: ['locale'],
      });
    }
  });

  it('outputs the pool and client ids the console signs in with', () => {
    const outputs = Object.values(dev.stateless.toJSON().Outputs ?? {}) as Array<{ Value: unknown }>;
    const { userPool, client } = dev.stacks.stateless.staffApi;
    expect(outputs.map((output) => output.Value)).toEqual(
      expect.arrayContaining([{ Ref: logicalIdOf(userPool) }, { Ref: logicalIdOf(client) }]),
    );
  });

  it('keeps the logical ids the pool and groups had, so a deployed pool (and its users) is not replaced', () => {
    const resources = dev.stateless.toJSON().Resources;
    expect(resources.Staff35CBA1CE?.Type).toBe('AWS::Cognito::UserPool');
    for (const group of ['collector', 'supervisor', 'legal', 'auditor', 'admin']) {
      expect(resources[`Group${group}`]?.Type).toBe('AWS::Cognito::UserPoolGroup');
    }
  });
});

describe('named state machines', () => {
  it('keep their logical ids, so CloudFormation updates them in place instead of replacing a named machine', () => {
    const resources = dev.stateless.toJSON().Resources;
    expect(resources.EscalationED1F6CC4?.Properties.StateMachineName).toBe('overdue-dev-escalation');
    expect(resources.FeedLoadB82DEF14?.Properties.StateMachineName).toBe('overdue-dev-feed-load');
  });
});

describe('stored feeds', () => {
  function dropBucketRules(synthesized: typeof dev) {
    const bucket =
      synthesized.stateful.toJSON().Resources[logicalIdOf(synthesized.stacks.stateful.dropBucket)];
    return bucket.Properties.LifecycleConfiguration.Rules as Array<Record<string, unknown>>;
  }

  it('expire under each prefix after the stage’s days, replaced versions and abandoned uploads soon after', () => {
    for (const synthesized of [dev, prod]) {
      const { storedFeeds } = stageConfigs[synthesized.stacks.stateless.stage];
      const rules = dropBucketRules(synthesized);
      expect(rules.map((rule) => rule.Prefix).sort()).toEqual(
        [...DROP_PREFIXES, 'letters'].map((prefix) => `${prefix}/`).sort(),
      );
      for (const prefix of DROP_PREFIXES) {
        expect(rules.find((rule) => rule.Prefix === `${prefix}/`)).toEqual({
          Id: `expire-${prefix}`,
          Prefix: `${prefix}/`,
          Status: 'Enabled',
          ExpirationInDays: storedFeeds.expireAfterDays[prefix],
          NoncurrentVersionExpiration: { NoncurrentDays: storedFeeds.noncurrentVersionDays },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: storedFeeds.abortIncompleteUploadDays },
        });
      }
    }
  });

  it('keeps feeds a quarter in prod and a month in dev, reports and rejects past a year in prod', () => {
    expect(stageConfigs.prod.storedFeeds.expireAfterDays).toMatchObject({
      incoming: 90,
      payments: 90,
      reports: 400,
    });
    expect(stageConfigs.dev.storedFeeds.expireAfterDays).toMatchObject({ incoming: 30, payments: 30 });
  });
});

describe('bank writers', () => {
  const twoBanks: StageConfig = {
    ...stageConfigs.dev,
    banks: [
      {
        ...(stageConfigs.dev.banks[0] as StageConfig['banks'][number]),
        writerPrincipals: ['arn:aws:iam::111122223333:root'],
      },
      {
        ...(stageConfigs.dev.banks[0] as StageConfig['banks'][number]),
        bankId: 'other-bank',
        writerPrincipals: ['arn:aws:iam::444455556666:role/feed-uploader'],
      },
    ],
  };
  const two = synthesize('dev', twoBanks);
  const { stateful } = two.stacks;
  const bucketArn = two.iam.arnOf(stateful.dropBucket);
  const roleArn = (bankId: string) =>
    `arn:<AWS::Partition>:iam::<AWS::AccountId>:role/overdue-dev-writer-${bankId}`;

  /** Whether the bucket policy denies a TLS PutObject of the key to the principal (what no grant can override). */
  function denied(principalArn: string, key: string): boolean {
    return two.iam.resourcePolicyOf(stateful.dropBucket).some((statement) => {
      if (statement.effect !== 'Deny') return false;
      if (!statement.actions.some((action) => action === 's3:PutObject' || action === 's3:*')) return false;
      const object = `${bucketArn}/${key}`;
      if (!statement.resources.some((pattern) => iamMatches(pattern, object))) return false;
      return Object.entries(statement.conditions).every(([operator, keys]) =>
        Object.entries(keys).every(([conditionKey, values]) => {
          if (operator === 'Bool' && conditionKey === 'aws:SecureTransport') return values.includes('true');
          if (operator === 'ArnNotEquals' && conditionKey === 'aws:PrincipalArn')
            return !values.includes(principalArn);
          throw new Error(`no evaluation for ${operator} ${conditionKey}`);
        }),
      );
    });
  }

  it('gives each bank a role its own principals assume (this account when none are configured)', () => {
    const trust = (bankId: string) =>
      two.stateful.toJSON().Resources[logicalIdOf(stateful.bankWriters.roles[bankId] as never)].Properties
        .AssumeRolePolicyDocument.Statement;
    expect(trust('demo-bank')).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' } },
    ]);
    expect(trust('other-bank')).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::444455556666:role/feed-uploader' },
      },
    ]);
    const [devTrust] =
      dev.stateful.toJSON().Resources[
        logicalIdOf(dev.stacks.stateful.bankWriters.roles['demo-bank'] as never)
      ].Properties.AssumeRolePolicyDocument.Statement;
    expect(JSON.stringify(devTrust.Principal)).toContain(':root');
    expect(JSON.stringify(devTrust.Principal)).toContain('AWS::AccountId');
  });

  it('lets a bank’s role put objects under its own two prefixes only, with the bucket key through S3', () => {
    const role = stateful.bankWriters.roles['demo-bank'];
    expect(two.iam.grantsOf(role as never)).toEqual({
      [`${bucketArn}/incoming/demo-bank/*`]: ['s3:AbortMultipartUpload', 's3:PutObject'],
      [`${bucketArn}/payments/demo-bank/*`]: ['s3:AbortMultipartUpload', 's3:PutObject'],
      [two.iam.arnOf(stateful.dataKey)]: ['kms:Decrypt', 'kms:GenerateDataKey'],
    });
    const [keyUse] = two.iam
      .statementsOf(role as never)
      .filter((statement) => statement.resources.includes(two.iam.arnOf(stateful.dataKey)));
    expect(keyUse?.conditions).toEqual({
      StringEquals: { 'kms:ViaService': ['s3.<AWS::Region>.amazonaws.com'] },
    });
  });

  it('denies writing a bank’s feeds to everyone but that bank’s role, in the bucket policy', () => {
    expect(denied(roleArn('demo-bank'), 'incoming/demo-bank/feed.csv')).toBe(false);
    expect(denied(roleArn('demo-bank'), 'payments/demo-bank/p.csv')).toBe(false);
    expect(denied(roleArn('other-bank'), 'incoming/demo-bank/feed.csv')).toBe(true);
    expect(denied(roleArn('demo-bank'), 'payments/other-bank/p.csv')).toBe(true);
    const intakeRole = 'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/SomeFunctionRole';
    expect(denied(intakeRole, 'incoming/demo-bank/feed.csv')).toBe(true);
    // A prefix no bank is configured for is written by no one (intake would quarantine it anyway).
    expect(denied(intakeRole, 'incoming/unknown-bank/feed.csv')).toBe(true);
  });

  it('leaves the prefixes the functions write (reports, rejects, feed-loads) to their IAM grants', () => {
    const intakeRole = 'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/SomeFunctionRole';
    for (const key of [
      'reports/incoming/demo-bank/f.csv.json',
      'rejects/incoming/demo-bank/f.csv.csv',
      'feed-loads/x/manifest.json',
    ]) {
      expect(denied(intakeRole, key)).toBe(false);
    }
  });
});
