// The house Lambda function: one place fixes runtime, architecture, tracing, logs, source maps and bundling,
// and the only ways its role gains access: `bind*`/`allow*` calls that grant exactly the actions named and set
// the environment variable that goes with them in the same step.

import { join } from 'node:path';
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource, type SqsEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { banksConfigJson, type FunctionName, type StageConfig } from '../config';
import { FUNCTION_BUNDLING, FUNCTION_NODE_OPTIONS } from './function-bundling';

const projectRoot = join(import.meta.dirname, '..', '..');
const OUTPUT_FORMAT = { esm: OutputFormat.ESM } as const;

export interface OverdueFunctionProps {
  /** Path of the handler module relative to the project root, e.g. `lambdas/handlers/ingest-feed.ts`. */
  readonly entry: string;
  readonly description: string;
  readonly config: StageConfig;
  /** Which entry of the stage's `functions` record sizes this function. */
  readonly sizing: FunctionName;
}

/**
 * Item-level DynamoDB actions a function may be granted. Scan, BatchWriteItem and DeleteItem are absent on
 * purpose: nothing in Overdue needs them, and the trail must stay append-only. IAM cannot require a
 * ConditionExpression on PutItem, so the trail's writers get PutItem and nothing that changes or removes an
 * entry; the `attribute_not_exists(entryId)` condition that stops a put from overwriting one is in the
 * adapters (lambdas/adapters/aws/dynamo-trail.ts, dynamo-payment-ledger.ts).
 */
export type ItemAction = 'GetItem' | 'PutItem' | 'UpdateItem';
const WRITES: ReadonlySet<ItemAction> = new Set(['PutItem', 'UpdateItem']);

/** The encryption context every PII data key carries (lambdas/adapters/envelope-pii-vault.ts, keyContext). */
export const PII_KEY_PURPOSE = 'overdue-pii';

/**
 * Defaults: Node.js 22 on ARM64, X-Ray active tracing, an explicit log group with the stage's retention
 * (kept with the data in prod), minified ESM with source maps, bundled locally; its own role that may write
 * only its own log group until a `bind*`/`allow*` call says otherwise; `BANKS_CONFIG` in its environment.
 */
export class OverdueFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  /** The Powertools service name its logs and metrics carry: `overdue-<id in lower case>`. */
  readonly serviceName: string;
  /** Drop-bucket prefixes granted, for the nag acknowledgements that name each one. */
  readonly bucketPrefixes: Array<{ readonly prefix: string; readonly access: 'read' | 'write' }> = [];
  /** One statement per key and service it is used through, so each data-key use stays conditioned. */
  private readonly keyStatements = new Map<string, { statement: PolicyStatement; actions: Set<string> }>();

  constructor(scope: Construct, id: string, props: OverdueFunctionProps) {
    super(scope, id);
    const { config } = props;
    const sizing = config.functions[props.sizing];
    this.serviceName = `overdue-${id.toLowerCase()}`;
    // An explicit log group so retention and removal are ours, not Lambda's implicit never-expiring group.
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: config.logRetention,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole: logs only to this function's own log group.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.fn = new NodejsFunction(this, 'Fn', {
      role: this.role,
      entry: join(projectRoot, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      timeout: Duration.seconds(sizing.timeoutSeconds),
      memorySize: sizing.memoryMb,
      logGroup: this.logGroup,
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      environment: {
        ...(FUNCTION_NODE_OPTIONS ? { NODE_OPTIONS: FUNCTION_NODE_OPTIONS } : {}),
        POWERTOOLS_SERVICE_NAME: this.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: 'Overdue',
        BANKS_CONFIG: banksConfigJson(config),
      },
      bundling: {
        forceDockerBundling: false,
        format: OUTPUT_FORMAT[FUNCTION_BUNDLING.format],
        target: FUNCTION_BUNDLING.target,
        mainFields: [...FUNCTION_BUNDLING.mainFields],
        // Shipped, not read at run time: the measurements are in function-bundling.ts.
        sourceMap: FUNCTION_BUNDLING.sourceMap,
        sourcesContent: FUNCTION_BUNDLING.sourcesContent,
        minify: FUNCTION_BUNDLING.minify,
        externalModules: [...FUNCTION_BUNDLING.externalModules],
        banner: FUNCTION_BUNDLING.banner,
      },
    });
  }

  /**
   * Grants the item actions named on the table and `dynamodb:Query` on the indexes named (never the whole
   * table's indexes), and tells the function the table's name. The table's key is granted through DynamoDB
   * only: Decrypt to read, and Encrypt/GenerateDataKey as well to write.
   */
  bindTable(
    table: ITable,
    envVar: string,
    access: { readonly items?: readonly ItemAction[]; readonly queryIndexes?: readonly string[] },
  ): this {
    const items = access.items ?? [];
    const indexes = access.queryIndexes ?? [];
    if (items.length > 0) {
      this.allow(
        new PolicyStatement({ actions: items.map((a) => `dynamodb:${a}`), resources: [table.tableArn] }),
      );
    }
    if (indexes.length > 0) {
      this.allow(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: indexes.map((index) => `${table.tableArn}/index/${index}`),
        }),
      );
    }
    if (table.encryptionKey && (items.length > 0 || indexes.length > 0)) {
      const writes = items.some((action) => WRITES.has(action));
      this.useKeyVia(table.encryptionKey, 'dynamodb', [
        'kms:Decrypt',
        ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : []),
      ]);
    }
    this.fn.addEnvironment(envVar, table.tableName);
    return this;
  }

  /**
   * Grants reading (`s3:GetObject`) and writing (`s3:PutObject`, and `s3:AbortMultipartUpload` so a failed
   * streamed upload can be abandoned) under the prefixes named, each as `<prefix>/*`; the bucket key through S3
   * only. `listForMissingKeys` adds `s3:ListBucket`: without it S3 answers a read of a missing key with 403
   * instead of 404 (NoSuchKey), and a function that looks for an object that may not exist needs the 404.
   * `readVersions` are read by version id (a feed is read as the version its event named, even if the bank
   * uploads it again meanwhile): a GET naming a version needs `s3:GetObjectVersion`, not `s3:GetObject`.
   */
  bindBucket(
    bucket: IBucket,
    bucketKey: IKey,
    envVar: string,
    access: {
      readonly read?: readonly string[];
      readonly readVersions?: readonly string[];
      readonly write?: readonly string[];
      readonly listForMissingKeys?: boolean;
    },
  ): this {
    const objects = (prefixes: readonly string[]) => prefixes.map((p) => bucket.arnForObjects(`${p}/*`));
    const read = access.read ?? [];
    const write = access.write ?? [];
    for (const prefix of read) this.bucketPrefixes.push({ prefix, access: 'read' });
    for (const prefix of write) this.bucketPrefixes.push({ prefix, access: 'write' });
    const readVersions = access.readVersions ?? [];
    if (read.length > 0) {
      this.allow(new PolicyStatement({ actions: ['s3:GetObject'], resources: objects(read) }));
      this.useKeyVia(bucketKey, 's3', ['kms:Decrypt']);
    }
    if (readVersions.length > 0) {
      this.allow(new PolicyStatement({ actions: ['s3:GetObjectVersion'], resources: objects(readVersions) }));
    }
    if (write.length > 0) {
      this.allow(
        new PolicyStatement({
          actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
          resources: objects(write),
        }),
      );
      // A multipart upload under SSE-KMS decrypts the data key of its parts to complete.
      this.useKeyVia(bucketKey, 's3', ['kms:GenerateDataKey', 'kms:Decrypt']);
    }
    if (access.listForMissingKeys) {
      this.allow(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    }
    this.fn.addEnvironment(envVar, bucket.bucketName);
    return this;
  }

  /**
   * Grants the PII key for sealing (new data keys) or opening (decrypting them), only with the encryption
   * context the vault uses: purpose `overdue-pii` and one of the configured banks. A data key asked for
   * without it, or for another bank, is refused by KMS.
   */
  bindPiiKey(key: IKey, use: 'seal' | 'open', bankIds: readonly string[]): this {
    this.allow(
      new PolicyStatement({
        actions: [use === 'seal' ? 'kms:GenerateDataKey' : 'kms:Decrypt'],
        resources: [key.keyArn],
        conditions: {
          StringEquals: {
            'kms:EncryptionContext:purpose': PII_KEY_PURPOSE,
            'kms:EncryptionContext:bankId': [...bankIds],
          },
        },
      }),
    );
    this.fn.addEnvironment('PII_KEY_ID', key.keyArn);
    return this;
  }

  /** Grants deriving blind-index keys (`kms:GenerateMac` with HMAC-SHA-256 only) and names the key. */
  bindIndexKey(key: IKey): this {
    this.allow(
      new PolicyStatement({
        actions: ['kms:GenerateMac'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' } },
      }),
    );
    this.fn.addEnvironment('INDEX_KEY_ID', key.keyArn);
    return this;
  }

  /** Grants `sqs:SendMessage` on the queue (and its key through SQS, when it has one) and names its URL. */
  allowSendMessages(queue: IQueue, envVar: string): this {
    this.allow(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
    if (queue.encryptionMasterKey) {
      this.useKeyVia(queue.encryptionMasterKey, 'sqs', ['kms:GenerateDataKey', 'kms:Decrypt']);
    }
    this.fn.addEnvironment(envVar, queue.queueUrl);
    return this;
  }

  /** Makes the queue this function's event source; Lambda's poller gets the receive/delete/visibility rights. */
  consume(queue: IQueue, options: SqsEventSourceProps): this {
    this.fn.addEventSource(new SqsEventSource(queue, options));
    return this;
  }

  /** Grants `states:StartExecution` on the state machine and names it. */
  allowStartExecution(machine: IStateMachine, envVar: string): this {
    this.allow(
      new PolicyStatement({ actions: ['states:StartExecution'], resources: [machine.stateMachineArn] }),
    );
    this.fn.addEnvironment(envVar, machine.stateMachineArn);
    return this;
  }

  /**
   * Grants `states:StopExecution` on the executions named (`…:execution:<machine>:*`: their names are made
   * at run time) and names the machine, from whose ARN the adapter derives an execution's.
   */
  allowStopExecutions(machine: IStateMachine, executionsArn: string, envVar: string): this {
    this.allow(new PolicyStatement({ actions: ['states:StopExecution'], resources: [executionsArn] }));
    this.fn.addEnvironment(envVar, machine.stateMachineArn);
    return this;
  }

  /** A statement the helpers above do not cover (say why where it is called). */
  allow(statement: PolicyStatement): this {
    this.role.addToPrincipalPolicy(statement);
    return this;
  }

  setEnvironment(values: Record<string, string>): this {
    for (const [name, value] of Object.entries(values)) this.fn.addEnvironment(name, value);
    return this;
  }

  /** Adds actions on a key, usable only when the request comes through the named service. */
  private useKeyVia(key: IKey, service: 's3' | 'dynamodb' | 'sqs', actions: readonly string[]): void {
    const id = `${key.node.path}/${service}`;
    const use = this.keyStatements.get(id);
    if (use) {
      for (const action of actions) {
        if (!use.actions.has(action)) use.statement.addActions(action);
        use.actions.add(action);
      }
      return;
    }
    const statement = new PolicyStatement({
      actions: [...actions],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `${service}.${Aws.REGION}.amazonaws.com` } },
    });
    this.keyStatements.set(id, { statement, actions: new Set(actions) });
    this.role.addToPrincipalPolicy(statement);
  }
}
