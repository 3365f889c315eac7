// cdk-nag AwsSolutions on every synthesis, and each finding we accept, named exactly, with its reason.
import { type App, Stack, Validations } from 'aws-cdk-lib';
import type { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { OverdueStacks } from './app';
import type { OverdueFunction } from './constructs/overdue-function';

const LAMBDA_BASIC = 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

export function applyNagChecks(app: App, stacks: OverdueStacks): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  acknowledgeFindings(stacks);
}

/** Exported for the nag gate test, which proves a missing acknowledgement fails the synthesis. */
export function acknowledgeFindings({ stateless }: OverdueStacks): void {
  const { functions, escalation, feedLoad, api } = stateless;
  const xray = 'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions';
  const scope = functions.ingestFeed.role;
  const partition = partitionOf(scope);
  const region = regionOf(scope);
  const stage = stateless.stage;
  const bucketArn = `arn:${partition}:s3:::overdue-${stage}-drop-<AWS::AccountId>-<AWS::Region>`;
  const kmsReason =
    'Writing to a table or bucket encrypted with the customer-managed data key needs kms:GenerateDataKey* ' +
    'and kms:ReEncrypt* (the CDK grant); the statement is scoped to that one key ARN.';

  for (const house of Object.values(functions)) {
    acknowledge(
      house.fn,
      'AwsSolutions-L1',
      'Node.js 22 is pinned on purpose: it is the version of the offline runtime and test toolchain (node@22), ' +
        'so what runs locally is what runs in Lambda; it moves with the toolchain.',
    );
    acknowledge(
      house.role,
      'AwsSolutions-IAM5[Resource::*]',
      house === functions.sendReminder
        ? `${xray}; sns:Publish straight to a phone number (direct SMS) has no resource ARN to scope it to`
        : xray,
    );
    acknowledge(house.role, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', kmsReason);
    acknowledge(house.role, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', kmsReason);
    acknowledge(
      house.role,
      `AwsSolutions-IAM5[Resource::arn:${partition}:dynamodb:${region}:<AWS::AccountId>:table/overdue-${stage}-cases/index/*]`,
      "The CDK table grant covers the cases table's GSIs (the blind-index lookups); only that table's indexes.",
    );
  }

  // Each function touches only its own prefixes of the drop bucket.
  const bucketPrefixes: Array<[OverdueFunction, Record<string, string>]> = [
    [
      functions.ingestFeed,
      {
        incoming: 'reads overdue feeds',
        payments: 'reads payments feeds',
        reports: 'writes feed reports',
        rejects: 'writes reject files',
      },
    ],
    [
      functions.feedLoadFinish,
      {
        'feed-loads': 'reads the results of a Distributed Map run',
        reports: 'writes feed reports',
        rejects: 'writes reject files',
      },
    ],
  ];
  for (const [house, prefixes] of bucketPrefixes) {
    for (const [prefix, what] of Object.entries(prefixes)) {
      acknowledge(
        house.role,
        `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}/*]`,
        `${house.node.id} ${what}: any object under ${prefix}/ of the drop bucket, and nothing outside that prefix.`,
      );
    }
    for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:Abort*']) {
      acknowledge(
        house.role,
        `AwsSolutions-IAM5[Action::${action}]`,
        `CDK bucket read/put grant (${action}) for streamed reads and multipart writes, scoped to the prefixes above.`,
      );
    }
  }

  for (const house of [functions.ingestFeed, functions.feedLoadBatch]) {
    acknowledge(
      house.role,
      `AwsSolutions-IAM5[Resource::arn:${partition}:states:${region}:<AWS::AccountId>:execution:overdue-${stage}-escalation:*]`,
      'Intake stops the escalation of a case that is paid or cured: any execution of the escalation state ' +
        'machine (one per account and cycle), and only StopExecution.',
    );
  }

  for (const [machine, tasks] of [
    [escalation.stateMachine, [functions.planNextStep.fn, functions.sendReminder.fn]],
    [feedLoad.stateMachine, [functions.feedLoadBatch.fn, functions.feedLoadFinish.fn]],
  ] as const) {
    acknowledge(
      machine.role,
      'AwsSolutions-IAM5[Resource::*]',
      `${xray}; CloudWatch Logs delivery actions (logs:CreateLogDelivery …) require Resource *.`,
    );
    for (const fn of tasks) {
      const arn = Stack.of(machine).resolve(fn.functionArn) as { 'Fn::GetAtt': [string, string] };
      acknowledge(
        machine.role,
        `AwsSolutions-IAM5[Resource::<${arn['Fn::GetAtt'][0]}.Arn>:*]`,
        'The state machine invokes its own task functions, any version or alias of them (the CDK LambdaInvoke grant).',
      );
    }
  }

  // The Distributed Map run reads the feed and writes its results in the drop bucket, and runs its own
  // child executions.
  const loader = feedLoad.stateMachine;
  acknowledge(loader.role, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', kmsReason);
  acknowledge(loader.role, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', kmsReason);
  acknowledge(
    loader.role,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::overdue-${stage}-drop-<AWS::AccountId>-<AWS::Region>/*]`,
    'The CSV item reader reads the feed named in the run input (any key under incoming/, not known at deploy ' +
      'time) and the result writer writes under feed-loads/: the CDK grants cover the bucket’s objects.',
  );
  const loaderId = stateless.getLogicalId(loader.node.defaultChild as CfnStateMachine);
  const loaderName = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${loaderId}"}]}]}`;
  for (const suffix of [':*', '/*:*']) {
    acknowledge(
      loader.node.findChild('DistributedMapPolicy'),
      `AwsSolutions-IAM5[Resource::arn:${partition}:states:${region}:<AWS::AccountId>:execution:${loaderName}${suffix}]`,
      'A Distributed Map run describes and stops its own map runs and child executions, whose names it makes up.',
    );
  }

  acknowledge(
    stateless.node.findChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834'),
    `AwsSolutions-IAM4[${LAMBDA_BASIC}]`,
    'The CDK-provided handler that installs S3 bucket notifications at deploy time; it only writes its own logs.',
  );
  acknowledge(
    api.node.findChild('CloudWatchRole'),
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    'API Gateway needs this account-level role to write execution and access logs; AWS defines no narrower policy.',
  );
  acknowledge(
    api.deploymentStage,
    'AwsSolutions-APIG3',
    'WAF is chosen per bank (its own IP allow-lists and managed rules) and attached at onboarding; the API ' +
      'already requires Cognito tokens with MFA and is throttled per stage.',
  );
}

/** The partition is a literal when the stack's region is known, a reference otherwise; nag prints either. */
function partitionOf(scope: IConstruct): string {
  return literalOr(scope, Stack.of(scope).partition, '<AWS::Partition>');
}

function regionOf(scope: IConstruct): string {
  return literalOr(scope, Stack.of(scope).region, '<AWS::Region>');
}

function literalOr(scope: IConstruct, value: string, reference: string): string {
  const resolved = Stack.of(scope).resolve(value);
  return typeof resolved === 'string' ? resolved : reference;
}
