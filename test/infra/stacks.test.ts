/** What the infrastructure promises: encryption, recovery, retention, tracing, least access, a locked API. */

import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { bankDirectoryFromConfig } from '../../lambdas/adapters/bank-directory-from-config';
import { buildApp } from '../../lib/app';
import type { Stage } from '../../lib/config';

function templates(stage: Stage) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const { stateful, stateless } = buildApp(app, stage);
  return { stateful: Template.fromStack(stateful), stateless: Template.fromStack(stateless) };
}

const dev = templates('dev');

/** The project's own functions (not CDK's helper functions, such as the bucket-notifications installer). */
function houseFunctions() {
  return Object.values(dev.stateless.findResources('AWS::Lambda::Function')).filter(
    (fn) => fn.Properties.Environment?.Variables?.BANKS_CONFIG !== undefined,
  );
}
const prod = templates('prod');

describe('stateful stack', () => {
  it('encrypts both tables with the customer-managed data key and keeps point-in-time recovery on', () => {
    for (const { stateful } of [dev, prod]) {
      const tables = stateful.findResources('AWS::DynamoDB::Table');
      expect(Object.keys(tables)).toHaveLength(2);
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
    const tables = Object.values(dev.stateful.findResources('AWS::DynamoDB::Table'));
    const indexes = tables.flatMap((table) => table.Properties.GlobalSecondaryIndexes ?? []);
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
    expect(functions).toHaveLength(7);
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
      const banks = bankDirectoryFromConfig(fn.Properties.Environment.Variables.BANKS_CONFIG);
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

  it('starts intake on objects created under incoming/ and payments/ only', () => {
    const [notifications] = Object.values(dev.stateless.findResources('Custom::S3BucketNotifications'));
    const configurations = notifications?.Properties.NotificationConfiguration.LambdaFunctionConfigurations;
    expect(
      configurations
        .map(
          (c: { Filter: { Key: { FilterRules: { Value: string }[] } } }) =>
            c.Filter.Key.FilterRules[0]?.Value,
        )
        .sort(),
    ).toEqual(['incoming/', 'payments/']);
    for (const configuration of configurations) expect(configuration.Events).toEqual(['s3:ObjectCreated:*']);
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

  it('alarms on failed escalations and on errors of every function', () => {
    const alarms = Object.values(dev.stateless.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map((alarm) => alarm.Properties.MetricName).sort()).toEqual([
      'Errors',
      'Errors',
      'Errors',
      'Errors',
      'Errors',
      'Errors',
      'Errors',
      'ExecutionsFailed',
      'feedRejectPercent',
    ]);
  });

  it('gives the PII key only to intake and its batches (to seal) and the reminder sender (to open)', () => {
    const holders = houseFunctions()
      .filter((fn) => fn.Properties.Environment.Variables.PII_KEY_ID !== undefined)
      .map((fn) => fn.Properties.Description);
    expect(holders.sort()).toEqual([
      'Loads a bank feed dropped in S3',
      'Loads one batch of a large overdue feed',
      'Sends a reminder the guard allows',
    ]);
  });
});

describe('feed reject alarm', () => {
  it('watches the metric intake emits, under the service name intake logs with, at the stage threshold', () => {
    const alarm = Object.values(dev.stateless.findResources('AWS::CloudWatch::Alarm')).find(
      (candidate) => candidate.Properties.MetricName === 'feedRejectPercent',
    );
    const intake = houseFunctions().find((fn) => fn.Properties.Environment.Variables.STATE_MACHINE_ARN);
    expect(alarm?.Properties.Threshold).toBe(5);
    expect(alarm?.Properties.Dimensions).toEqual([
      { Name: 'service', Value: intake?.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME },
    ]);
  });
});

describe('large feeds', () => {
  it('load through a Distributed Map: CSV item reader, batches of 500, results written to the bucket', () => {
    const machine = Object.values(dev.stateless.findResources('AWS::StepFunctions::StateMachine')).find(
      (candidate) => candidate.Properties.StateMachineName === 'overdue-dev-feed-load',
    );
    const definition = JSON.stringify(machine?.Properties.DefinitionString);
    expect(definition).toContain('\\"ProcessorConfig\\":{\\"Mode\\":\\"DISTRIBUTED\\"');
    expect(definition).toContain('\\"InputType\\":\\"CSV\\"');
    expect(definition).toContain('\\"CSVHeaderLocation\\":\\"FIRST_ROW\\"');
    expect(definition).toContain('\\"MaxItemsPerBatch\\":500');
    expect(definition).toContain('\\"Prefix\\":\\"feed-loads\\"');
    expect(machine?.Properties.LoggingConfiguration).toMatchObject({
      Level: 'ALL',
      IncludeExecutionData: false,
    });
  });

  it('hands files over the stage threshold to it from intake', () => {
    const intake = houseFunctions().find(
      (fn) => fn.Properties.Description === 'Loads a bank feed dropped in S3',
    );
    expect(intake?.Properties.Environment.Variables.LARGE_FEED_BYTES).toBe(String(100 * 1024 * 1024));
    expect(intake?.Properties.Environment.Variables.FEED_LOAD_STATE_MACHINE_ARN).toBeDefined();
  });
});
