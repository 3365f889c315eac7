// The stateless stack: functions, the escalation workflow, messaging, the staff API and alarms.
import { ArnFormat, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
} from 'aws-cdk-lib/aws-cognito';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Bucket, EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { ConfigurationSet, EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { banksConfigJson, dropBucketName, type StageConfig, tableNames } from './config';
import { EscalationStateMachine } from './constructs/escalation-state-machine';
import { FeedLoadStateMachine } from './constructs/feed-load-state-machine';
import { OverdueFunction } from './constructs/overdue-function';

export const STAFF_GROUPS = ['collector', 'supervisor', 'legal', 'auditor', 'admin'] as const;

export interface StatelessStackProps extends StackProps {
  readonly config: StageConfig;
  readonly dataKey: Key;
  readonly piiKey: Key;
  readonly indexKey: Key;
  readonly dropBucket: IBucket;
}

export class StatelessStack extends Stack {
  readonly escalation: EscalationStateMachine;
  readonly feedLoad: FeedLoadStateMachine;
  readonly api: RestApi;
  readonly userPool: UserPool;
  readonly stage: StageConfig['stage'];
  readonly functions: Record<
    | 'ingestFeed'
    | 'planNextStep'
    | 'sendReminder'
    | 'getCase'
    | 'findCases'
    | 'feedLoadBatch'
    | 'feedLoadFinish',
    OverdueFunction
  >;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.stage = config.stage;
    // Tables by their derived names (see config.ts): grants then name `table/overdue-<stage>-cases/index/*`.
    const names = tableNames(config.stage);
    const casesTable = Table.fromTableAttributes(this, 'CasesRef', {
      tableName: names.cases,
      encryptionKey: props.dataKey,
      grantIndexPermissions: true,
    });
    const trailTable = Table.fromTableAttributes(this, 'TrailRef', {
      tableName: names.trail,
      encryptionKey: props.dataKey,
    });
    const logRemovalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const house = (name: string, entry: string, description: string) =>
      new OverdueFunction(this, name, {
        entry,
        description,
        timeout: config.functionTimeout,
        memorySize: config.functionMemoryMb,
        logRetention: config.logRetention,
        logRemovalPolicy,
        environment: { BANKS_CONFIG: banksConfigJson(config) },
      });

    const planNextStep = house(
      'PlanNextStep',
      'lambdas/handlers/plan-next-step.ts',
      'Plans the next escalation step',
    ).bindTable(casesTable, 'CASES_TABLE_NAME', 'read');
    const sendReminder = house(
      'SendReminder',
      'lambdas/handlers/send-reminder.ts',
      'Sends a reminder the guard allows',
    )
      .bindTable(casesTable, 'CASES_TABLE_NAME', 'readWrite')
      .bindTable(trailTable, 'TRAIL_TABLE_NAME', 'readWrite')
      .bindPiiKey(props.piiKey, 'decrypt')
      .setEnvironment({ SMS_SENDER_ID: config.smsSenderId });
    // Direct-to-phone SMS publishes have no topic ARN to scope the permission to.
    sendReminder.fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));

    this.escalation = new EscalationStateMachine(this, 'Escalation', {
      planNextStep: planNextStep.fn,
      act: sendReminder.fn,
      logRetention: config.logRetention,
      logRemovalPolicy,
      stateMachineName: `overdue-${config.stage}-escalation`,
    });

    const ingestFeed = house(
      'IngestFeed',
      'lambdas/handlers/ingest-feed.ts',
      'Loads a bank feed dropped in S3',
    )
      .bindTable(casesTable, 'CASES_TABLE_NAME', 'readWrite')
      .bindPiiKey(props.piiKey, 'encrypt')
      .bindIndexKey(props.indexKey)
      .setEnvironment({
        STATE_MACHINE_ARN: this.escalation.stateMachine.stateMachineArn,
        DROP_BUCKET_NAME: dropBucketName(config.stage),
      });
    // The bucket is referenced by its derived name, not a cross-stack token: the grants then read as
    // `…/incoming/*`, and the notification lives in this stack (attached to the stateful bucket it would
    // make the stateful stack depend on this one, a cycle).
    const dropBucket = Bucket.fromBucketName(this, 'DropBucketRef', dropBucketName(config.stage));
    dropBucket.grantRead(ingestFeed.fn, 'incoming/*');
    dropBucket.grantRead(ingestFeed.fn, 'payments/*');
    // Posting payments writes the payment record to the trail and closes paid cases.
    trailTable.grantWriteData(ingestFeed.fn);
    ingestFeed.fn.addEnvironment('TRAIL_TABLE_NAME', trailTable.tableName);
    const stopEscalations = new PolicyStatement({
      actions: ['states:StopExecution'],
      resources: [
        this.formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `overdue-${config.stage}-escalation:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    });
    ingestFeed.fn.addToRolePolicy(stopEscalations);
    dropBucket.grantPut(ingestFeed.fn, 'reports/*');
    dropBucket.grantPut(ingestFeed.fn, 'rejects/*');
    props.dataKey.grantEncryptDecrypt(ingestFeed.fn);
    this.escalation.stateMachine.grantStartExecution(ingestFeed.fn);
    for (const prefix of ['incoming/', 'payments/']) {
      dropBucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(ingestFeed.fn), {
        prefix,
      });
    }

    // Large feeds: a Distributed Map run reads the CSV and hands batches to the same row loop.
    const feedLoadBatch = house(
      'FeedLoadBatch',
      'lambdas/handlers/feed-load-segment.ts',
      'Loads one batch of a large overdue feed',
    )
      .bindTable(casesTable, 'CASES_TABLE_NAME', 'readWrite')
      .bindPiiKey(props.piiKey, 'encrypt')
      .bindIndexKey(props.indexKey)
      .setEnvironment({ STATE_MACHINE_ARN: this.escalation.stateMachine.stateMachineArn });
    this.escalation.stateMachine.grantStartExecution(feedLoadBatch.fn);
    feedLoadBatch.fn.addToRolePolicy(stopEscalations);
    const feedLoadFinish = house(
      'FeedLoadFinish',
      'lambdas/handlers/feed-load-finish.ts',
      'Writes the report of a large overdue feed',
    ).setEnvironment({ DROP_BUCKET_NAME: dropBucketName(config.stage) });
    dropBucket.grantRead(feedLoadFinish.fn, 'feed-loads/*');
    dropBucket.grantPut(feedLoadFinish.fn, 'reports/*');
    dropBucket.grantPut(feedLoadFinish.fn, 'rejects/*');
    props.dataKey.grantEncryptDecrypt(feedLoadFinish.fn);
    this.feedLoad = new FeedLoadStateMachine(this, 'FeedLoad', {
      bucket: dropBucket,
      loadBatch: feedLoadBatch.fn,
      finish: feedLoadFinish.fn,
      stateMachineName: `overdue-${config.stage}-feed-load`,
      logRetention: config.logRetention,
      logRemovalPolicy,
    });
    props.dataKey.grantEncryptDecrypt(this.feedLoad.stateMachine);
    this.feedLoad.stateMachine.grantStartExecution(ingestFeed.fn);
    ingestFeed.setEnvironment({
      FEED_LOAD_STATE_MACHINE_ARN: this.feedLoad.stateMachine.stateMachineArn,
      LARGE_FEED_BYTES: String(config.largeFeedBytes),
    });

    const getCase = house(
      'GetCase',
      'lambdas/handlers/api-get-case.ts',
      'GET /cases/{caseId}: the masked case',
    )
      .bindTable(casesTable, 'CASES_TABLE_NAME', 'read')
      .bindTable(trailTable, 'TRAIL_TABLE_NAME', 'write');
    const findCases = house(
      'FindCases',
      'lambdas/handlers/api-find-cases.ts',
      'GET /cases?mobile=…: search by blind index',
    )
      .bindTable(casesTable, 'CASES_TABLE_NAME', 'read')
      .bindTable(trailTable, 'TRAIL_TABLE_NAME', 'write')
      .bindIndexKey(props.indexKey);
    this.functions = {
      ingestFeed,
      planNextStep,
      sendReminder,
      getCase,
      findCases,
      feedLoadBatch,
      feedLoadFinish,
    };

    // Email: the identity and configuration set reminders will be sent through.
    const configurationSet = new ConfigurationSet(this, 'EmailConfigurationSet', {
      configurationSetName: config.email.configurationSetName,
    });
    new EmailIdentity(this, 'EmailIdentity', {
      identity: Identity.domain(config.email.identityDomain),
      configurationSet,
    });

    // Staff identities: one pool, a group per role, the bank a user belongs to fixed at creation.
    this.userPool = new UserPool(this, 'Staff', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      customAttributes: { bankId: new StringAttribute({ mutable: false, minLen: 2, maxLen: 32 }) },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
      },
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      removalPolicy: logRemovalPolicy,
    });
    for (const group of STAFF_GROUPS) {
      new CfnUserPoolGroup(this, `Group-${group}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
      });
    }

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: config.logRetention,
      removalPolicy: logRemovalPolicy,
    });
    this.api = new RestApi(this, 'StaffApi', {
      description: 'Overdue staff API',
      cloudWatchRole: true,
      deployOptions: {
        stageName: config.stage,
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: config.api.throttlingRateLimit,
        throttlingBurstLimit: config.api.throttlingBurstLimit,
      },
    });
    const authorizer = new CognitoUserPoolsAuthorizer(this, 'StaffAuthorizer', {
      cognitoUserPools: [this.userPool],
    });
    const validator = this.api.addRequestValidator('ValidateRequests', {
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    const cases = this.api.root.addResource('cases');
    cases.addResource('{caseId}').addMethod('GET', new LambdaIntegration(getCase.fn), {
      authorizer,
      authorizationType: AuthorizationType.COGNITO,
      requestValidator: validator,
      requestParameters: { 'method.request.path.caseId': true },
    });
    // Search by exactly one identifier; the handler answers 400 naming the field when it is not so.
    cases.addMethod('GET', new LambdaIntegration(findCases.fn), {
      authorizer,
      authorizationType: AuthorizationType.COGNITO,
      requestValidator: validator,
      requestParameters: {
        'method.request.querystring.mobile': false,
        'method.request.querystring.nationalId': false,
        'method.request.querystring.cardLast4': false,
      },
    });

    // Alarms: anything failing here means a debtor was not handled as the ladder says.
    const alarms = new Topic(this, 'Alarms', { masterKey: props.dataKey, enforceSSL: true });
    if (config.alarmEmail) alarms.addSubscription(new EmailSubscription(config.alarmEmail));
    const notify = new SnsAction(alarms);
    new Alarm(this, 'EscalationsFailed', {
      metric: this.escalation.stateMachine.metricFailed({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'An escalation execution failed: a case stopped being worked',
    }).addAlarmAction(notify);
    new Alarm(this, 'FeedRejectRatio', {
      metric: new Metric({
        namespace: 'Overdue',
        metricName: 'feedRejectPercent',
        dimensionsMap: { service: 'overdue-ingestfeed' },
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      threshold: config.feedRejectAlarmPercent,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `A feed file rejected more than ${config.feedRejectAlarmPercent}% of its rows: check rejects/`,
    }).addAlarmAction(notify);
    for (const [name, fn] of Object.entries(this.functions)) {
      new Alarm(this, `${name}Errors`, {
        metric: fn.fn.metricErrors({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `${name} function errors`,
      }).addAlarmAction(notify);
    }
  }
}
