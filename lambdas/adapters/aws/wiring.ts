/** Builds the AWS adapters from the function's environment, once per container. */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { bankDirectoryFromConfig } from '../bank-directory-from-config';
import { EnvelopePiiVault } from '../envelope-pii-vault';
import { HmacBlindIndex } from '../hmac-blind-index';
import { systemClock } from '../system-clock';
import { TokenBucketPacing } from '../token-bucket-pacing';
import { DynamoCaseStore } from './dynamo-case-store';
import { DynamoPaymentLedger } from './dynamo-payment-ledger';
import { DynamoTrail } from './dynamo-trail';
import { KmsDataKeyProvider } from './kms-data-key-provider';
import { KmsIndexKeySource } from './kms-index-key-source';
import { tracer } from './observability';
import { S3FeedStorage } from './s3-feed-storage';
import { SfnEscalationStarter } from './sfn-escalation-starter';
import { SfnFeedLoadStarter } from './sfn-feed-load-starter';
import { SnsSmsSender } from './sns-sms-sender';
import { SqsEscalationQueue, SqsFeedContinuation } from './sqs-queues';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** Creates a value on first use: clients are built on the first invocation, then reused. */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
}

const documentClient = once(() =>
  // More attempts than the SDK's default 3: a large feed meets throttling, which the SDK backs off from.
  DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({ maxAttempts: 8 })), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);

const sqsClient = once(() => tracer.captureAWSv3Client(new SQSClient({})));

export const awsAdapters = {
  clock: () => systemClock,
  stopwatch: () => ({ readMs: () => performance.now() }),
  banks: once(() => bankDirectoryFromConfig(process.env.BANKS_CONFIG)),
  cases: once(() => new DynamoCaseStore(documentClient(), required('CASES_TABLE_NAME'))),
  trail: once(() => new DynamoTrail(documentClient(), required('TRAIL_TABLE_NAME'))),
  vault: once(
    () =>
      new EnvelopePiiVault(
        new KmsDataKeyProvider(tracer.captureAWSv3Client(new KMSClient({})), required('PII_KEY_ID')),
      ),
  ),
  blindIndex: once(
    () =>
      new HmacBlindIndex(
        new KmsIndexKeySource(tracer.captureAWSv3Client(new KMSClient({})), required('INDEX_KEY_ID')),
      ),
  ),
  ledger: once(
    () =>
      new DynamoPaymentLedger(documentClient(), required('CASES_TABLE_NAME'), required('TRAIL_TABLE_NAME')),
  ),
  storage: once(
    () => new S3FeedStorage(tracer.captureAWSv3Client(new S3Client({})), required('DROP_BUCKET_NAME')),
  ),
  escalations: once(
    () =>
      new SfnEscalationStarter(tracer.captureAWSv3Client(new SFNClient({})), required('STATE_MACHINE_ARN')),
  ),
  largeFeeds: once(() => {
    const arn = process.env.FEED_LOAD_STATE_MACHINE_ARN;
    if (!arn) return undefined;
    return {
      thresholdBytes: Number(process.env.LARGE_FEED_BYTES ?? 100 * 1024 * 1024),
      loader: new SfnFeedLoadStarter(tracer.captureAWSv3Client(new SFNClient({})), arn),
    };
  }),
  escalationQueue: once(() => new SqsEscalationQueue(sqsClient(), required('ESCALATION_STARTS_QUEUE_URL'))),
  feedContinuation: once(() => new SqsFeedContinuation(sqsClient(), required('FEED_EVENTS_QUEUE_URL'))),
  // Each concurrent consumer's share of the account's StartExecution rate (stage config).
  startPacing: once(() => new TokenBucketPacing(Number(process.env.STARTS_PER_SECOND ?? 100))),
  sms: once(() => new SnsSmsSender(tracer.captureAWSv3Client(new SNSClient({})), process.env.SMS_SENDER_ID)),
};
