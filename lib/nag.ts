// cdk-nag AwsSolutions on every synthesis, and each finding we accept, named exactly, with its reason.
import { type App, Stack, Validations } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { CfnStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { OverdueStacks } from './app';
import { FEED_LOADS_PREFIX } from './constructs/feed-load-state-machine';

const LAMBDA_BASIC = 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
const XRAY = 'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions';
const PREFIX_PURPOSE: Readonly<Record<string, string>> = {
  incoming: 'overdue feeds',
  payments: 'payments feeds',
  reports: 'feed reports',
  rejects: 'reject files',
  'feed-loads': 'Distributed Map manifests, checkpoints and results',
};

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

export function applyNagChecks(app: App, stacks: OverdueStacks): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  acknowledgeFindings(stacks);
}

/** Exported for the nag gate test, which proves a missing acknowledgement fails the synthesis. */
export function acknowledgeFindings({ stateful, stateless }: OverdueStacks): void {
  const { functions, escalation, intake, staffApi } = stateless;
  const scope = functions.ingestFeed.role;
  const partition = partitionOf(scope);
  const region = regionOf(scope);
  const stage = stateless.stage;
  const bucketArn = `arn:${partition}:s3:::overdue-${stage}-drop-<AWS::AccountId>-<AWS::Region>`;

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
      house === functions.actMessage
        ? `${XRAY}; sns:Publish straight to a phone number (direct SMS) has no resource ARN to scope it to`
        : XRAY,
    );
    // Each function touches only its own prefixes of the drop bucket (object keys are not known in advance).
    for (const { prefix, access } of house.bucketPrefixes) {
      acknowledge(
        house.role,
        `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}/*]`,
        `${house.node.id} ${access === 'read' ? 'reads' : 'writes'} ${PREFIX_PURPOSE[prefix] ?? prefix}: ` +
          `any object under ${prefix}/ of the drop bucket, and nothing outside that prefix.`,
      );
    }
  }

  acknowledge(
    functions.startEscalations.role,
    `AwsSolutions-IAM5[Resource::arn:${partition}:states:${region}:<AWS::AccountId>:execution:overdue-${stage}-escalation:*]`,
    'The start consumer stops the escalation of a case that is paid or cured: any execution of the escalation ' +
      'state machine (one per account and cycle, named at run time), and only StopExecution.',
  );

  const machines: Array<[StateMachine, IFunction[]]> = [
    [
      escalation.machine.stateMachine,
      [
        functions.planNextStep.fn,
        functions.actMessage.fn,
        functions.actLetter.fn,
        functions.actBank.fn,
        functions.actOnWorkItem.fn,
        functions.openTask.fn,
        functions.recordFault.fn,
      ],
    ],
    [intake.feedLoad.stateMachine, [functions.feedLoadSegment.fn, functions.feedLoadFinish.fn]],
  ];
  for (const [machine, tasks] of machines) {
    acknowledge(
      machine.role,
      'AwsSolutions-IAM5[Resource::*]',
      `${XRAY}; CloudWatch Logs delivery actions (logs:CreateLogDelivery …) require Resource *.`,
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

  // The Distributed Map run reads its manifest and writes its results under feed-loads/, and runs its own
  // child executions.
  const loader = intake.feedLoad.stateMachine;
  acknowledge(
    loader.role,
    `AwsSolutions-IAM5[Resource::${bucketArn}/${FEED_LOADS_PREFIX}*]`,
    'The JSON item reader reads the manifest named in the run input and the result writer writes the run’s ' +
      'results, both under feed-loads/ (keys made at run time), and nothing outside that prefix.',
  );
  const loaderId = stateless.resolve((loader.node.defaultChild as CfnStateMachine).logicalId) as string;
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
    staffApi.api.node.findChild('CloudWatchRole'),
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    'API Gateway needs this account-level role to write execution and access logs; AWS defines no narrower policy.',
  );
  acknowledge(
    staffApi.api.deploymentStage,
    'AwsSolutions-APIG3',
    'WAF is chosen per bank (its own IP allow-lists and managed rules) and attached at onboarding; the API ' +
      'already requires Cognito tokens with MFA and is throttled per stage.',
  );

  const dropId = stateful.getLogicalId(stateful.dropBucket.node.defaultChild as CfnBucket);
  for (const [bankId, role] of Object.entries(stateful.bankWriters.roles)) {
    for (const prefix of ['incoming', 'payments']) {
      acknowledge(
        role,
        `AwsSolutions-IAM5[Resource::<${dropId}.Arn>/${prefix}/${bankId}/*]`,
        `The bank names its own files: any key under ${prefix}/${bankId}/, its own prefix and no other bank’s.`,
      );
    }
  }
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
