// The Distributed Map run that loads one large overdue feed: CSV read by Step Functions, batches to Lambda.
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  CsvHeaders,
  DefinitionBody,
  DistributedMap,
  ItemBatcher,
  JsonPath,
  LogLevel,
  QueryLanguage,
  ResultWriterV2,
  S3CsvItemReader,
  StateMachine,
  StateMachineType,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface FeedLoadStateMachineProps {
  readonly bucket: IBucket;
  readonly loadBatch: IFunction;
  readonly finish: IFunction;
  readonly stateMachineName: string;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/** Rows per Lambda invocation: large enough to amortise the invocation, small enough to finish fast. */
export const FEED_LOAD_BATCH_ROWS = 500;

export class FeedLoadStateMachine extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: FeedLoadStateMachineProps) {
    super(scope, id);
    // ResultWriterV2 is behind a feature flag; set here so that every app building this construct (the CDK
    // app, tests, the offline synthesis) gets the same definition, whatever its cdk.json.
    this.node.setContext('@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2', true);
    // Service exceptions are retried by the task's defaults; throttling is not, so it is added here.
    const retry = { errors: ['Lambda.TooManyRequestsException'], maxAttempts: 6 };
    const batches = DistributedMap.jsonPath(this, 'LoadBatches', {
      itemReader: new S3CsvItemReader({
        bucket: props.bucket,
        key: JsonPath.stringAt('$.key'),
        csvHeaders: CsvHeaders.useFirstRow(),
      }),
      // Each row with its index, so that rejects name the line as a streamed load does.
      itemSelector: { 'row.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
      itemBatcher: new ItemBatcher({
        maxItemsPerBatch: FEED_LOAD_BATCH_ROWS,
        batchInput: { 'bankId.$': '$.bankId' },
      }),
      resultWriterV2: new ResultWriterV2({ bucket: props.bucket, prefix: 'feed-loads' }),
      maxConcurrency: 8,
      resultPath: '$.map',
    });
    batches.itemProcessor(
      LambdaInvoke.jsonPath(this, 'LoadBatch', {
        lambdaFunction: props.loadBatch,
        payloadResponseOnly: true,
      }).addRetry({ ...retry, interval: Duration.seconds(2), backoffRate: 2 }),
    );
    const finish = LambdaInvoke.jsonPath(this, 'Finish', {
      lambdaFunction: props.finish,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({
        key: JsonPath.stringAt('$.key'),
        bankId: JsonPath.stringAt('$.bankId'),
        version: JsonPath.stringAt('$.version'),
        startedAt: JsonPath.stringAt('$.startedAt'),
        manifestKey: JsonPath.stringAt('$.map.ResultWriterDetails.Key'),
      }),
    }).addRetry({ ...retry, interval: Duration.seconds(2), backoffRate: 2 });

    this.stateMachine = new StateMachine(this, 'Resource', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      queryLanguage: QueryLanguage.JSON_PATH,
      definitionBody: DefinitionBody.fromChainable(batches.next(finish)),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', {
          retention: props.logRetention,
          removalPolicy: props.logRemovalPolicy,
        }),
        level: LogLevel.ALL,
        includeExecutionData: false,
      },
    });
  }
}
