// The stateful stack: keys, tables and the drop bucket — everything that holds data and outlives deployments.
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { dropBucketName, type StageConfig } from './config';

export interface StatefulStackProps extends StackProps {
  readonly config: StageConfig;
}

export class StatefulStack extends Stack {
  /** Encrypts tables, the bucket, logs and topics at rest. */
  readonly dataKey: Key;
  /** Wraps the data keys that seal personal fields; only the functions that seal or open PII may use it. */
  readonly piiKey: Key;
  readonly casesTable: Table;
  readonly trailTable: Table;
  readonly dropBucket: Bucket;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.dataKey = new Key(this, 'DataKey', {
      description: 'Overdue: data at rest (tables, bucket, topics)',
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(30),
    });
    // CloudWatch alarms publish to a topic encrypted with this key.
    this.dataKey.grant(
      new ServicePrincipal('cloudwatch.amazonaws.com'),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );
    this.piiKey = new Key(this, 'PiiKey', {
      description: 'Overdue: wraps the data keys that seal personal fields',
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(30),
    });

    const tableDefaults = {
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: config.retainData,
      removalPolicy,
    };
    this.casesTable = new Table(this, 'Cases', {
      ...tableDefaults,
      partitionKey: { name: 'caseId', type: AttributeType.STRING },
    });
    // Append-only: contacts, decisions and audit records, keyed so a replayed entry id is stored once.
    this.trailTable = new Table(this, 'Trail', {
      ...tableDefaults,
      partitionKey: { name: 'caseId', type: AttributeType.STRING },
      sortKey: { name: 'entryId', type: AttributeType.STRING },
    });

    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      versioned: true,
      removalPolicy,
      autoDeleteObjects: !config.retainData,
      lifecycleRules: [{ expiration: Duration.days(3 * 365) }],
    });
    this.dropBucket = new Bucket(this, 'Drop', {
      bucketName: dropBucketName(config.stage),
      encryption: BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'drop/',
      removalPolicy,
      autoDeleteObjects: !config.retainData,
    });
  }
}
