// Feed intake: drop-bucket events through a queue to the intake function, and the Distributed Map for large feeds.
import { Aws, Duration } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  type BucketNotificationDestinationConfig,
  BucketNotificationDestinationType,
  EventType,
  type IBucket,
  type IBucketNotificationDestination,
} from 'aws-cdk-lib/aws-s3';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { queueVisibilitySeconds, type StageConfig, stateMachineNames } from '../config';
import type { DataStores } from './data-stores';
import { FeedLoadStateMachine } from './feed-load-state-machine';
import { OverdueFunction } from './overdue-function';
import { WorkQueue } from './work-queue';

/** The prefixes banks drop feeds under; an object created under either becomes a feed event. */
export const FEED_EVENT_PREFIXES = ['incoming/', 'payments/'] as const;

export interface FeedIntakeProps {
  readonly config: StageConfig;
  readonly stores: DataStores;
  /** Where intake and the feed-load segments queue the escalations to start or stop, and intake large feeds. */
  readonly escalationStarts: IQueue;
  /** The start buffer's consumer: it starts large feeds' map runs too, at the account's StartExecution pace. */
  readonly starter: OverdueFunction;
}

/**
 * Defaults: ObjectCreated under `incoming/` and `payments/` goes to the `FeedEvents` queue (S3 may send to it
 * only from this bucket and account); IngestFeed takes one event at a time and reports a failed one by
 * itself (reportBatchItemFailures); a message is received 3 times at most, then waits 14 days in the
 * dead-letter queue (alarmed). Its visibility timeout is 6 × the intake timeout: long enough that an event is
 * never handed to a second invocation while the first may still be loading it (a file intake cannot finish
 * in one invocation is handed over as a continuation message on the same queue before its timeout). Large
 * plain feeds run as `overdue-<stage>-feed-load` executions, started by the start buffer's consumer. Grants,
 * each only what the function calls: see the table in the README and the infra tests.
 */
export class FeedIntake extends Construct {
  readonly feedEvents: WorkQueue;
  readonly ingestFeed: OverdueFunction;
  readonly feedLoadSegment: OverdueFunction;
  readonly feedLoadFinish: OverdueFunction;
  readonly feedLoad: FeedLoadStateMachine;

  constructor(scope: Construct, id: string, props: FeedIntakeProps) {
    super(scope, id);
    const { config, stores } = props;
    const bankIds = config.banks.map((bank) => bank.bankId);
    const bucket = stores.dropBucket;
    const bucketKey = stores.dataKey;

    // Large feeds: each child loads one segment of the file; the last step writes report and rejects.
    this.feedLoadSegment = new OverdueFunction(this, 'FeedLoadSegment', {
      config,
      sizing: 'feedLoadSegment',
      entry: 'lambdas/handlers/feed-load-segment.ts',
      description: 'Loads one segment of a large overdue feed',
    })
      // Conditional upserts of feed rows: no read, the write's condition decides.
      .bindTable(stores.casesTable, 'CASES_TABLE_NAME', { items: ['UpdateItem'] })
      .bindPiiKey(stores.piiKey, 'seal', bankIds)
      .bindIndexKey(stores.indexKey)
      // Its segment's byte range of the feed; its checkpoint and rejects part under feed-loads/.
      .bindBucket(bucket, bucketKey, 'DROP_BUCKET_NAME', {
        read: ['incoming', 'feed-loads'],
        readVersions: ['incoming'],
        write: ['feed-loads'],
      })
      .allowSendMessages(props.escalationStarts, 'ESCALATION_STARTS_QUEUE_URL');
    this.feedLoadFinish = new OverdueFunction(this, 'FeedLoadFinish', {
      config,
      sizing: 'feedLoadFinish',
      entry: 'lambdas/handlers/feed-load-finish.ts',
      description: 'Writes the report of a large overdue feed',
    }).bindBucket(bucket, bucketKey, 'DROP_BUCKET_NAME', {
      read: ['feed-loads'],
      write: ['reports', 'rejects'],
    });
    this.feedLoad = new FeedLoadStateMachine(this, 'FeedLoad', {
      bucket,
      bucketKey,
      loadSegment: this.feedLoadSegment.fn,
      finish: this.feedLoadFinish.fn,
      stateMachineName: stateMachineNames(config.stage).feedLoad,
      maxConcurrency: config.feedLoad.maxConcurrency,
      logRetention: config.logRetention,
      retainLogs: config.retainData,
    });
    // Kept from before this construct existed: a named machine cannot be replaced under a new logical id.
    (this.feedLoad.stateMachine.node.defaultChild as CfnStateMachine).overrideLogicalId('FeedLoadB82DEF14');

    this.feedEvents = new WorkQueue(this, 'FeedEvents', {
      queueName: `overdue-${config.stage}-feed-events`,
      // 6 × 900 s = 90 minutes with the largest intake timeout, well inside SQS's 12 hours.
      visibilityTimeout: Duration.seconds(queueVisibilitySeconds(config.functions.ingestFeed.timeoutSeconds)),
      maxReceiveCount: 3,
    });
    const events = new QueueForBucketEvents(this.feedEvents.queue, bucket);
    for (const prefix of FEED_EVENT_PREFIXES) {
      bucket.addEventNotification(EventType.OBJECT_CREATED, events, { prefix });
    }

    this.ingestFeed = new OverdueFunction(this, 'IngestFeed', {
      config,
      sizing: 'ingestFeed',
      entry: 'lambdas/handlers/ingest-feed.ts',
      description: 'Loads a bank feed dropped in S3',
    })
      .consume(this.feedEvents.queue, {
        batchSize: 1,
        maxConcurrency: config.intakeMaxConcurrency,
        reportBatchItemFailures: true,
      })
      // A file it cannot finish in time goes back on the queue as a continuation message.
      .allowSendMessages(this.feedEvents.queue, 'FEED_EVENTS_QUEUE_URL')
      .allowSendMessages(props.escalationStarts, 'ESCALATION_STARTS_QUEUE_URL')
      // Feed rows: conditional upserts. Payments: the case is read, then the transaction updates it.
      .bindTable(stores.casesTable, 'CASES_TABLE_NAME', { items: ['GetItem', 'UpdateItem'] })
      // The payment record, put in the trail inside that transaction (IAM authorises each item of a
      // TransactWriteItems by its own action: PutItem here, UpdateItem on the case).
      .bindTable(stores.trailTable, 'TRAIL_TABLE_NAME', { items: ['PutItem'] })
      .bindPiiKey(stores.piiKey, 'seal', bankIds)
      .bindIndexKey(stores.indexKey)
      // Feeds; a previous report (to skip a redelivered event); checkpoints, manifests and rejects parts
      // under feed-loads/; reports and rejects written as multipart uploads. Reading a report that does not
      // exist yet must answer NoSuchKey, hence the bucket listing.
      .bindBucket(bucket, bucketKey, 'DROP_BUCKET_NAME', {
        read: ['incoming', 'payments', 'reports', 'feed-loads'],
        readVersions: ['incoming', 'payments'],
        write: ['reports', 'rejects', 'feed-loads'],
        listForMissingKeys: true,
      })
      // A plain feed above this size is checked, cut into segments and handed to its map run through the
      // start buffer: intake calls no Step Functions API itself.
      .setEnvironment({ LARGE_FEED_BYTES: String(config.largeFeedBytes) });
    props.starter.allowStartExecution(this.feedLoad.stateMachine, 'FEED_LOAD_STATE_MACHINE_ARN');
  }
}

/**
 * The queue as a bucket-notification destination, allowing `s3.amazonaws.com` to send to it only for this
 * bucket in this account (a bucket name alone could be re-created in another account). CDK's own
 * SqsDestination checks the bucket ARN only.
 */
class QueueForBucketEvents implements IBucketNotificationDestination {
  constructor(
    private readonly queue: Queue,
    private readonly bucket: IBucket,
  ) {}

  bind(): BucketNotificationDestinationConfig {
    const { policyDependable } = this.queue.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': this.bucket.bucketArn },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    // S3 checks that it may send when the notification is put: the policy must exist first.
    return {
      arn: this.queue.queueArn,
      type: BucketNotificationDestinationType.QUEUE,
      dependencies: policyDependable ? [this.queue, policyDependable] : [this.queue],
    };
  }
}
