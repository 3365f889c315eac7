// A work queue with its dead-letter queue: what a Lambda consumer pulls from, and where poison messages wait.
import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEAD_LETTER_RETENTION_DAYS } from '../config';

export interface WorkQueueProps {
  /** `overdue-<stage>-<name>`; the dead letters go to `…-dlq`. */
  readonly queueName: string;
  readonly visibilityTimeout: Duration;
  /** Receives before a message is moved to the dead-letter queue. */
  readonly maxReceiveCount: number;
}

/**
 * Defaults: encrypted with SQS-managed keys (SSE-SQS), TLS required, messages kept 4 days, a dead-letter
 * queue kept 14 days (SQS's maximum; longer than the source queue's, because a moved message keeps its
 * original enqueue time). SSE-SQS rather than the data key: the messages carry object keys and ids only,
 * never personal data; S3 can publish to an SSE-SQS queue without a key-policy statement for
 * `s3.amazonaws.com` (which CDK would otherwise add to the data key for `Resource: *`, unconditioned); and
 * senders and consumers need no KMS permission, so a burst of escalation starts costs no KMS requests.
 */
export class WorkQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    this.deadLetters = new Queue(this, 'DeadLetters', {
      queueName: `${props.queueName}-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(DEAD_LETTER_RETENTION_DAYS),
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: props.queueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: props.maxReceiveCount },
    });
  }
}
