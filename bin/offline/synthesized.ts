// The state machine definition and table shapes taken from the CDK synthesis, for the offline runtime and tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../lib/app';
import type { TableSpec } from './dynamodb-local';

export interface SynthesizedForLocal {
  readonly stateMachineDefinition: Record<string, unknown>;
  readonly tables: {
    readonly cases: TableSpec;
    readonly trail: TableSpec;
    readonly contactLedger: TableSpec;
    readonly workItems: TableSpec;
  };
}

/**
 * Runs a synthesis without CDK's CloudFormation template validation (CDK_VALIDATION=false), which took 8 of
 * this synthesis's 11 s here: the offline runtime reads two templates it needs no check of, and `npm run synth`
 * and the infra tests still validate every template.
 */
function withoutTemplateValidation<T>(synth: () => T): T {
  const before = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    return synth();
  } finally {
    if (before === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = before;
  }
}

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

let cached: SynthesizedForLocal | undefined;

/**
 * Synthesizes the dev stage in-process (bundling skipped: only the templates are read) and returns the
 * escalation definition with its task ARNs resolved to fake but valid ones, and the DynamoDB key schemas.
 */
export function synthesizeForLocal(): SynthesizedForLocal {
  if (cached) return cached;
  const outdir = mkdtempSync(join(tmpdir(), 'overdue-synth-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const { stateful, stateless } = buildApp(app, 'dev');
    const assembly = withoutTemplateValidation(() => app.synth());
    const statelessTemplate = assembly.getStackByName(stateless.stackName).template as Template;
    const statefulTemplate = assembly.getStackByName(stateful.stackName).template as Template;
    cached = {
      stateMachineDefinition: stateMachineDefinition(statelessTemplate),
      tables: {
        cases: tableSpec(
          statefulTemplate,
          stateful.getLogicalId(stateful.casesTable.node.defaultChild as never),
        ),
        trail: tableSpec(
          statefulTemplate,
          stateful.getLogicalId(stateful.trailTable.node.defaultChild as never),
        ),
        contactLedger: tableSpec(
          statefulTemplate,
          stateful.getLogicalId(stateful.contactLedgerTable.node.defaultChild as never),
        ),
        workItems: tableSpec(
          statefulTemplate,
          stateful.getLogicalId(stateful.workItemsTable.node.defaultChild as never),
        ),
      },
    };
    return cached;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function stateMachineDefinition(template: Template): Record<string, unknown> {
  // The escalation, not the feed-load machine (a Distributed Map the local interpreter does not run).
  const machines = Object.values(template.Resources).filter(
    (r) =>
      r.Type === 'AWS::StepFunctions::StateMachine' &&
      String(r.Properties.StateMachineName).endsWith('-escalation'),
  );
  if (machines.length !== 1)
    throw new Error(`expected one escalation state machine, found ${machines.length}`);
  const text = resolveIntrinsics(machines[0]?.Properties.DefinitionString);
  const definition = JSON.parse(text) as Record<string, unknown>;
  // Long timeouts overflow the interpreter's setTimeout; the local runtime has no use for them.
  delete definition.TimeoutSeconds;
  return definition;
}

/** Turns Fn::Join / Fn::GetAtt / Ref into plain strings, with fake ARNs named after the logical id. */
function resolveIntrinsics(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('Fn::Join' in record) {
      const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
      return parts.map(resolveIntrinsics).join(separator);
    }
    if ('Fn::GetAtt' in record) {
      const [logicalId] = record['Fn::GetAtt'] as [string, string];
      return `arn:aws:lambda:us-east-1:123456789012:function:${logicalId}`;
    }
    if ('Ref' in record) {
      const ref = String(record.Ref);
      if (ref === 'AWS::Partition') return 'aws';
      if (ref === 'AWS::Region') return 'us-east-1';
      if (ref === 'AWS::AccountId') return '123456789012';
      return ref;
    }
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)} in the state machine definition`);
}

function tableSpec(template: Template, logicalId: string): TableSpec {
  const table = template.Resources[logicalId];
  if (table?.Type !== 'AWS::DynamoDB::Table') throw new Error(`no table ${logicalId} in the template`);
  const { KeySchema, AttributeDefinitions, GlobalSecondaryIndexes } = table.Properties as TableSpec;
  return {
    KeySchema,
    AttributeDefinitions,
    ...(GlobalSecondaryIndexes
      ? {
          GlobalSecondaryIndexes: GlobalSecondaryIndexes.map(
            ({ IndexName, KeySchema: keys, Projection }) => ({
              IndexName,
              KeySchema: keys,
              Projection,
            }),
          ),
        }
      : {}),
  };
}
