// The house Lambda function: one place fixes runtime, architecture, tracing, logs, source maps and bundling.

import { join } from 'node:path';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FUNCTION_BUNDLING, FUNCTION_NODE_OPTIONS } from './function-bundling';

const projectRoot = join(import.meta.dirname, '..', '..');
const OUTPUT_FORMAT = { esm: OutputFormat.ESM } as const;

export interface OverdueFunctionProps {
  /** Path of the handler module relative to the project root, e.g. `lambdas/handlers/ingest-feed.ts`. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly environment?: Record<string, string>;
}

export class OverdueFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: OverdueFunctionProps) {
    super(scope, id);
    // An explicit log group so retention and removal are ours, not Lambda's implicit never-expiring group.
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
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
      timeout: props.timeout,
      memorySize: props.memorySize,
      logGroup: this.logGroup,
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      environment: {
        ...(FUNCTION_NODE_OPTIONS ? { NODE_OPTIONS: FUNCTION_NODE_OPTIONS } : {}),
        POWERTOOLS_SERVICE_NAME: `overdue-${id.toLowerCase()}`,
        POWERTOOLS_METRICS_NAMESPACE: 'Overdue',
        ...props.environment,
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

  /** Grants table access and tells the function the table's name in one step, so the two never drift. */
  bindTable(table: ITable, envVar: string, access: 'read' | 'readWrite' | 'write'): this {
    if (access === 'read') table.grantReadData(this.fn);
    else if (access === 'write') table.grantWriteData(this.fn);
    else table.grantReadWriteData(this.fn);
    this.fn.addEnvironment(envVar, table.tableName);
    return this;
  }

  /** Grants the PII key for sealing (new data keys) or opening (decrypting them), and names it. */
  bindPiiKey(key: IKey, use: 'encrypt' | 'decrypt'): this {
    if (use === 'encrypt') key.grant(this.fn, 'kms:GenerateDataKey');
    else key.grantDecrypt(this.fn);
    this.fn.addEnvironment('PII_KEY_ID', key.keyArn);
    return this;
  }

  /** Grants deriving blind-index keys (kms:GenerateMac) and names the key. */
  bindIndexKey(key: IKey): this {
    key.grant(this.fn, 'kms:GenerateMac');
    this.fn.addEnvironment('INDEX_KEY_ID', key.keyArn);
    return this;
  }

  setEnvironment(values: Record<string, string>): this {
    for (const [name, value] of Object.entries(values)) this.fn.addEnvironment(name, value);
    return this;
  }
}
