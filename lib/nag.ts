// cdk-nag AwsSolutions on every synthesis, and each finding we accept, named exactly, with its reason.
import { type App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { OverdueStacks } from './app';

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
  const { functions, escalation, api } = stateless;
  const xray = 'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions';

  for (const house of Object.values(functions)) {
    acknowledge(
      house.fn,
      'AwsSolutions-L1',
      'Node.js 22 is pinned on purpose: it is the version of the offline runtime and test toolchain (node@22), ' +
        'so what runs locally is what runs in Lambda; it moves with the toolchain.',
    );
    acknowledge(house.role, 'AwsSolutions-IAM5[Resource::*]', xray);
  }
  for (const house of [
    functions.getCase,
    functions.findCases,
    functions.sendReminder,
    functions.ingestFeed,
  ]) {
    const reason =
      'Writing a DynamoDB table encrypted with the customer-managed data key needs kms:GenerateDataKey* and ' +
      'kms:ReEncrypt* (the CDK table grant); the statement is scoped to that one key ARN.';
    acknowledge(house.role, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason);
    acknowledge(house.role, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason);
  }

  const casesIndexes = `arn:${partitionOf(functions.getCase.role)}:dynamodb:${regionOf(functions.getCase.role)}:<AWS::AccountId>:table/overdue-${stateless.stage}-cases/index/*`;
  for (const house of Object.values(functions)) {
    acknowledge(
      house.role,
      `AwsSolutions-IAM5[Resource::${casesIndexes}]`,
      "The CDK table grant covers the cases table's GSIs (the blind-index lookups); only that table's indexes.",
    );
  }

  // Intake reads only `incoming/` and writes only `reports/` and `rejects/` of the drop bucket.
  const ingestRole = functions.ingestFeed.role;
  const bucketArn = `arn:${partitionOf(ingestRole)}:s3:::overdue-${stateless.stage}-drop-<AWS::AccountId>-<AWS::Region>`;
  const prefixes = {
    incoming: 'reads overdue feeds',
    payments: 'reads payments feeds',
    reports: 'writes feed reports',
    rejects: 'writes reject files',
  };
  for (const [prefix, what] of Object.entries(prefixes)) {
    acknowledge(
      ingestRole,
      `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}/*]`,
      `Intake ${what}: any object under ${prefix}/ of the drop bucket, and nothing outside that prefix.`,
    );
  }
  for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:Abort*']) {
    acknowledge(
      ingestRole,
      `AwsSolutions-IAM5[Action::${action}]`,
      `CDK bucket read/put grant (${action}) for streaming feeds and multipart writes, scoped to the prefixes above.`,
    );
  }

  acknowledge(
    ingestRole,
    `AwsSolutions-IAM5[Resource::arn:${partitionOf(ingestRole)}:states:${regionOf(ingestRole)}:<AWS::AccountId>:execution:overdue-${stateless.stage}-escalation:*]`,
    'Intake stops the escalation of a case that is paid or cured: any execution of the escalation state ' +
      'machine (one per account and cycle), and only StopExecution.',
  );

  const machineRole = escalation.stateMachine.role;
  acknowledge(
    machineRole,
    'AwsSolutions-IAM5[Resource::*]',
    `${xray}; CloudWatch Logs delivery actions (logs:CreateLogDelivery …) require Resource *.`,
  );
  for (const fn of [functions.planNextStep.fn, functions.sendReminder.fn]) {
    const arn = Stack.of(machineRole).resolve(fn.functionArn) as { 'Fn::GetAtt': [string, string] };
    acknowledge(
      machineRole,
      `AwsSolutions-IAM5[Resource::<${arn['Fn::GetAtt'][0]}.Arn>:*]`,
      'The state machine invokes its own task functions, any version or alias of them (the CDK LambdaInvoke grant).',
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
