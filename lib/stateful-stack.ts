// The stateful stack: keys, tables, the drop bucket and the bank-events bus — what holds data or outlives deployments.
import { Aws, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import {
  alarmNamePrefix,
  bankEventsBusName,
  DROP_PREFIXES,
  dropBucketName,
  type StageConfig,
  tableNames,
} from './config';
import { BankWriters } from './constructs/bank-writers';
import {
  CONTACT_LEDGER_CASE_INDEX,
  CONTACT_LEDGER_KEY,
  CONTACT_LEDGER_TTL_ATTRIBUTE,
  LOOKUP_ATTRIBUTES,
  WORKLIST_INDEX,
} from './constructs/data-stores';

export interface StatefulStackProps extends StackProps {
  readonly config: StageConfig;
}

export class StatefulStack extends Stack {
  /** Encrypts tables, the bucket, logs and topics at rest. */
  readonly dataKey: Key;
  /** Wraps the data keys that seal personal fields; only the functions that seal or open PII may use it. */
  readonly piiKey: Key;
  /** HMAC key from which each bank's blind-index key is derived (KMS cannot rotate HMAC keys automatically). */
  readonly indexKey: Key;
  readonly casesTable: Table;
  readonly trailTable: Table;
  readonly contactLedgerTable: Table;
  /** What people must do (calls, decisions), each holding the task token of the execution waiting on it. */
  readonly workItemsTable: Table;
  readonly dropBucket: Bucket;
  /** Events to the banks (freeze requests); each bank's rule will route its own to it. */
  readonly bankEventsBus: EventBus;
  /** The only principals that may write a bank's feeds, one role per bank. */
  readonly bankWriters: BankWriters;

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
    // CloudWatch alarms publish to a topic encrypted with this key: this stage's alarms, nothing else.
    this.dataKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AlarmsOfThisAccountPublishToTheEncryptedTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${alarmNamePrefix(config.stage)}*`,
          },
        },
      }),
    );
    this.indexKey = new Key(this, 'IndexKey', {
      description:
        'Overdue: derives per-bank keys for blind indexes (lookup by phone, national ID, card last 4)',
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy,
      pendingWindow: Duration.days(30),
    });
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
      tableName: tableNames(config.stage).cases,
      ...tableDefaults,
      partitionKey: { name: 'caseId', type: AttributeType.STRING },
    });
    // Append-only: contacts, decisions and audit records, keyed so a replayed entry id is stored once.
    this.trailTable = new Table(this, 'Trail', {
      tableName: tableNames(config.stage).trail,
      ...tableDefaults,
      partitionKey: { name: 'caseId', type: AttributeType.STRING },
      sortKey: { name: 'entryId', type: AttributeType.STRING },
    });
    // Staff find cases by phone, national ID or card last four through keyed hashes, never by decrypting.
    // Keys only: an index holding every attribute is written again at every update of a case (a daily feed
    // updates nearly all of them), three indexes quadrupling the table's writes; with keys only, an index is
    // written when its key changes. A search reads the few cases it finds from the table.
    for (const attribute of LOOKUP_ATTRIBUTES) {
      this.casesTable.addGlobalSecondaryIndex({
        indexName: `by-${attribute}`,
        partitionKey: { name: attribute, type: AttributeType.STRING },
        projectionType: ProjectionType.KEYS_ONLY,
      });
    }

    // Every contact, automated or by a person: record items and the per-debtor / per-address heads a
    // reservation is conditioned on. Items expire (TTL) after the longest record retention of the packs.
    this.contactLedgerTable = new Table(this, 'ContactLedger', {
      tableName: tableNames(config.stage).contactLedger,
      ...tableDefaults,
      partitionKey: { name: CONTACT_LEDGER_KEY, type: AttributeType.STRING },
      timeToLiveAttribute: CONTACT_LEDGER_TTL_ATTRIBUTE,
    });
    // A case's contacts for staff and the checker, in time order. Heads carry no caseId: records only.
    // All attributes: a record is small and holds no personal data, and a listing then needs no GetItem.
    this.contactLedgerTable.addGlobalSecondaryIndex({
      indexName: CONTACT_LEDGER_CASE_INDEX.name,
      partitionKey: { name: CONTACT_LEDGER_CASE_INDEX.partitionKey, type: AttributeType.STRING },
      sortKey: { name: CONTACT_LEDGER_CASE_INDEX.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });

    // Work items by id (`<case>#<cycle>#<step>`, so a retried task opens its item once); worklists by bank and
    // kind in the order they fall due. Keys only, for the reason the lookups are: a worklist page reads its
    // items from the table.
    this.workItemsTable = new Table(this, 'WorkItems', {
      tableName: tableNames(config.stage).workItems,
      ...tableDefaults,
      partitionKey: { name: 'itemId', type: AttributeType.STRING },
    });
    this.workItemsTable.addGlobalSecondaryIndex({
      indexName: WORKLIST_INDEX,
      partitionKey: { name: 'worklist', type: AttributeType.STRING },
      sortKey: { name: 'dueBy', type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });

    // Named, and here rather than in the stateless stack: banks will point rules and targets at it, so it
    // outlives deployments. Events carry ids only; the bus encrypts them under the data key all the same.
    this.bankEventsBus = new EventBus(this, 'BankEvents', {
      eventBusName: bankEventsBusName(config.stage),
      description: 'Overdue: events to the banks (freeze requests), ids only',
      kmsKey: this.dataKey,
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
      // Stored feeds do not live forever: each prefix expires on its own clock, replaced and deleted
      // versions a few days later, abandoned multipart uploads after a day.
      lifecycleRules: [
        ...DROP_PREFIXES.map((prefix) => ({
          id: `expire-${prefix}`,
          prefix: `${prefix}/`,
          expiration: Duration.days(config.storedFeeds.expireAfterDays[prefix]),
          noncurrentVersionExpiration: Duration.days(config.storedFeeds.noncurrentVersionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(config.storedFeeds.abortIncompleteUploadDays),
        })),
        // Letters are evidence of a contact: kept as long as the longest pack keeps records, a deleted or
        // replaced one as long again (a noncurrent version is what a dispute would need).
        {
          id: 'expire-letters',
          prefix: 'letters/',
          expiration: Duration.days(config.storedLetters.expireAfterDays),
          noncurrentVersionExpiration: Duration.days(config.storedLetters.expireAfterDays),
          abortIncompleteMultipartUploadAfter: Duration.days(config.storedFeeds.abortIncompleteUploadDays),
        },
      ],
    });
    // Here rather than in the stateless stack: the roles and the bucket policy naming them live with the
    // bucket, so nothing in this stack refers to the other one.
    this.bankWriters = new BankWriters(this, 'BankWriters', {
      stage: config.stage,
      banks: config.banks,
      bucket: this.dropBucket,
      bucketKey: this.dataKey,
    });
  }
}
