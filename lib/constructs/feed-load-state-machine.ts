// The Distributed Map run that loads one large overdue feed: a manifest of segment references, one Lambda per segment.
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  DefinitionBody,
  DistributedMap,
  JitterType,
  JsonPath,
  LogLevel,
  QueryLanguage,
  ResultWriterV2,
  type RetryProps,
  S3JsonItemReader,
  StateMachine,
  StateMachineType,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

/** Where a run's manifest, checkpoints and results live in the drop bucket; the run may touch nothing else. */
export const FEED_LOADS_PREFIX = 'feed-loads/';

/** State names are a contract: runtime tests and the offline runtime refer to them. */
export const FEED_LOAD_STATES = {
  /** The Distributed Map over the manifest's segments. */
  loadSegments: 'LoadSegments',
  /** Its item processor: the feed-load batch function, one segment per child execution. */
  loadSegment: 'LoadSegment',
  /** Sums the segments' results into the feed's report and rejects. */
  finish: 'Finish',
} as const;

/**
 * The execution input intake starts a run with. The manifest (`manifestKey`, under `feed-loads/`) is a JSON
 * array of `FeedSegmentRef`: byte ranges of the feed, never its rows, so that no personal data passes through
 * Step Functions payloads or its result files.
 */
export interface FeedLoadInput {
  /** The feed's object key, under `incoming/<bankId>/`. */
  readonly key: string;
  /** Its S3 version id ('' when the bucket gave none). */
  readonly version: string;
  readonly bankId: string;
  /** ISO 8601 instant intake started the load: the report's duration counts from it. */
  readonly startedAt: string;
  readonly manifestKey: string;
}

/** One segment of a large feed, as listed in the manifest. */
export interface FeedSegmentRef {
  readonly index: number;
  /** First byte of the segment (a record boundary). */
  readonly start: number;
  /** Byte after its last. */
  readonly end: number;
  /** The feed line of its first record, so that rejects name lines as a streamed load does. */
  readonly line: number;
  readonly records: number;
}

/** What `LoadSegment` hands the batch function: its segment and the file it is part of. */
export interface FeedLoadSegmentEvent {
  readonly segment: FeedSegmentRef;
  readonly key: string;
  readonly version: string;
  readonly bankId: string;
  readonly manifestKey: string;
}

/** What `Finish` hands the finish function. */
export interface FeedLoadFinishEvent {
  readonly key: string;
  readonly bankId: string;
  readonly version: string;
  readonly startedAt: string;
  readonly manifestKey: string;
  /** The Distributed Map's own result manifest (ResultWriterDetails.Key), under `feed-loads/`. */
  readonly resultManifestKey: string;
}

export interface FeedLoadStateMachineProps {
  readonly bucket: IBucket;
  readonly bucketKey: IKey;
  readonly loadSegment: IFunction;
  readonly finish: IFunction;
  readonly stateMachineName: string;
  readonly maxConcurrency: number;
  readonly logRetention: RetentionDays;
  readonly retainLogs: boolean;
}

/** Lambda faults worth retrying: throttling and the service's own errors, never the function's. */
const lambdaRetry: RetryProps = {
  errors: [
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ],
  interval: Duration.seconds(2),
  maxAttempts: 6,
  backoffRate: 2,
  jitterStrategy: JitterType.FULL,
};

/** The JSON item reader without CDK's own grant, which covers every object of the bucket (see below). */
class ManifestReader extends S3JsonItemReader {
  override providePolicyStatements(): PolicyStatement[] {
    return [];
  }
}

/** The result writer without CDK's own grant, which covers every object of the bucket (see below). */
class ResultsUnderPrefix extends ResultWriterV2 {
  override providePolicyStatements(): PolicyStatement[] {
    return [];
  }
}

/**
 * Defaults: STANDARD, JSONPath (the local interpreter evaluates no JSONata), X-Ray tracing, every transition
 * logged without execution data, one segment per child execution, no tolerated failures (a failed segment
 * fails the run, which alarms), Lambda faults retried with jittered backoff. Its role reads and writes
 * `feed-loads/*` only and invokes its two functions.
 */
export class FeedLoadStateMachine extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: FeedLoadStateMachineProps) {
    super(scope, id);
    // ResultWriterV2 is behind a feature flag; set here so that every app building this construct (the CDK
    // app, tests, the offline synthesis) gets the same definition, whatever its cdk.json.
    this.node.setContext('@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2', true);
    const segments = DistributedMap.jsonPath(this, FEED_LOAD_STATES.loadSegments, {
      itemReader: new ManifestReader({ bucket: props.bucket, key: JsonPath.stringAt('$.manifestKey') }),
      itemSelector: {
        segment: JsonPath.objectAt('$$.Map.Item.Value'),
        key: JsonPath.stringAt('$.key'),
        version: JsonPath.stringAt('$.version'),
        bankId: JsonPath.stringAt('$.bankId'),
        manifestKey: JsonPath.stringAt('$.manifestKey'),
      },
      resultWriterV2: new ResultsUnderPrefix({
        bucket: props.bucket,
        prefix: FEED_LOADS_PREFIX.slice(0, -1),
      }),
      maxConcurrency: props.maxConcurrency,
      resultPath: '$.map',
    });
    segments.itemProcessor(
      LambdaInvoke.jsonPath(this, FEED_LOAD_STATES.loadSegment, {
        lambdaFunction: props.loadSegment,
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
      })
        .addRetry(lambdaRetry)
        // A segment that failed (throttled beyond its own waits, a timeout) is loaded again whole: its writes
        // are idempotent. Slowly, so that a throttled table has time to recover.
        .addRetry({
          errors: ['States.TaskFailed', 'States.Timeout'],
          interval: Duration.seconds(30),
          maxAttempts: 3,
          backoffRate: 2,
          jitterStrategy: JitterType.FULL,
        }),
    );
    const finish = LambdaInvoke.jsonPath(this, FEED_LOAD_STATES.finish, {
      lambdaFunction: props.finish,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({
        key: JsonPath.stringAt('$.key'),
        bankId: JsonPath.stringAt('$.bankId'),
        version: JsonPath.stringAt('$.version'),
        startedAt: JsonPath.stringAt('$.startedAt'),
        manifestKey: JsonPath.stringAt('$.manifestKey'),
        resultManifestKey: JsonPath.stringAt('$.map.ResultWriterDetails.Key'),
      }),
      retryOnServiceExceptions: false,
    }).addRetry(lambdaRetry);

    this.stateMachine = new StateMachine(this, 'Resource', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      queryLanguage: QueryLanguage.JSON_PATH,
      definitionBody: DefinitionBody.fromChainable(segments.next(finish)),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', {
          retention: props.logRetention,
          removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        }),
        level: LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    // CDK's reader and writer grants name `<bucket>/*`; the run needs its manifest and its results only:
    // reading the manifest, and writing results (a multipart upload, which it may list and abort).
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [props.bucket.arnForObjects(`${FEED_LOADS_PREFIX}*`)],
      }),
    );
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.bucketKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
}
