/**
 * Reads IAM out of synthesized templates: every statement attached to a role (its default and extra
 * policies, inline policies, managed policies named), with resources rendered as readable strings, so that
 * tests assert what a role may do from the policies AWS will evaluate, not from the code that made them.
 */

import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';

type CfnTemplate = { Resources: Record<string, CfnResource>; Outputs?: Record<string, CfnOutputShape> };
type CfnResource = { Type: string; Properties?: Record<string, unknown> };
type CfnOutputShape = { Value: unknown; Export?: { Name: string } };
type RawStatement = {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

export interface RenderedStatement {
  /** Which stack and policy resource it came from, for failure messages. */
  readonly source: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly principals: readonly string[];
  /** Condition values rendered like resources: `{ StringEquals: { 'kms:ViaService': ['s3.<AWS::Region>…'] } }`. */
  readonly conditions: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

/** Resource → the sorted actions allowed on it. */
export type Grants = Record<string, string[]>;

export class SynthesizedIam {
  private readonly templates: Array<{ stack: Stack; template: CfnTemplate }>;
  private readonly exports = new Map<string, unknown>();

  /** Templates already made (`Template.fromStack(stack).toJSON()`) may be given, to synthesize once. */
  constructor(stacks: ReadonlyArray<Stack | { stack: Stack; template: Template }>) {
    this.templates = stacks.map((entry) =>
      entry instanceof Stack
        ? { stack: entry, template: Template.fromStack(entry).toJSON() as CfnTemplate }
        : { stack: entry.stack, template: entry.template.toJSON() as CfnTemplate },
    );
    for (const { template } of this.templates) {
      for (const output of Object.values(template.Outputs ?? {})) {
        if (output.Export) this.exports.set(output.Export.Name, output.Value);
      }
    }
  }

  /** How a construct's ARN is rendered: `<LogicalId.Arn>`, also where another stack imports it. */
  arnOf(construct: IConstruct): string {
    return `<${logicalIdOf(construct)}.Arn>`;
  }

  /** How a reference to a construct is rendered (a state machine's or queue's `Ref`): `<LogicalId>`. */
  refOf(construct: IConstruct): string {
    return `<${logicalIdOf(construct)}>`;
  }

  /** Every statement of every identity policy attached to the role. */
  statementsOf(role: IConstruct): RenderedStatement[] {
    const stack = Stack.of(role);
    const roleId = logicalIdOf(role);
    const { template } = this.templateOf(stack);
    const statements: RenderedStatement[] = [];
    for (const [id, resource] of Object.entries(template.Resources)) {
      const props = resource.Properties ?? {};
      if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
        const roles = (props.Roles as unknown[] | undefined) ?? [];
        if (!roles.some((ref) => (ref as { Ref?: string }).Ref === roleId)) continue;
        statements.push(...this.render(`${stack.stackName}/${id}`, props.PolicyDocument));
      }
      if (id === roleId) {
        for (const inline of (props.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? []) {
          statements.push(...this.render(`${stack.stackName}/${id}/inline`, inline.PolicyDocument));
        }
        for (const managed of (props.ManagedPolicyArns as unknown[] | undefined) ?? []) {
          // A managed policy's statements are not in the template: show it as a grant nobody can overlook.
          statements.push({
            source: `${stack.stackName}/${id}/managed`,
            effect: 'Allow',
            actions: [`managed-policy:${this.renderValue(managed)}`],
            notActions: [],
            resources: ['*'],
            principals: [],
            conditions: {},
          });
        }
      }
    }
    return statements;
  }

  /** What the role is allowed: each resource with the sorted actions on it (conditions asserted apart). */
  grantsOf(role: IConstruct): Grants {
    const grants: Record<string, Set<string>> = {};
    for (const statement of this.statementsOf(role)) {
      if (statement.effect !== 'Allow') continue;
      for (const resource of statement.resources) {
        grants[resource] ??= new Set();
        for (const action of statement.actions) grants[resource].add(action);
      }
    }
    return Object.fromEntries(
      Object.entries(grants)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([resource, actions]) => [resource, [...actions].sort()]),
    );
  }

  /** Every statement of every identity policy (IAM policies, inline role policies) in all the stacks. */
  identityStatements(): RenderedStatement[] {
    const statements: RenderedStatement[] = [];
    for (const { stack, template } of this.templates) {
      for (const [id, resource] of Object.entries(template.Resources)) {
        const props = resource.Properties ?? {};
        if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
          statements.push(...this.render(`${stack.stackName}/${id}`, props.PolicyDocument));
        }
        if (resource.Type === 'AWS::IAM::Role') {
          for (const inline of (props.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? []) {
            statements.push(...this.render(`${stack.stackName}/${id}/inline`, inline.PolicyDocument));
          }
        }
      }
    }
    return statements;
  }

  /** The statements of a resource policy: a bucket's, a queue's, or a key's. */
  resourcePolicyOf(construct: IConstruct): RenderedStatement[] {
    const stack = Stack.of(construct);
    const targetId = logicalIdOf(construct);
    const { template } = this.templateOf(stack);
    const statements: RenderedStatement[] = [];
    for (const [id, resource] of Object.entries(template.Resources)) {
      const props = resource.Properties ?? {};
      if (id === targetId && resource.Type === 'AWS::KMS::Key') {
        statements.push(...this.render(`${stack.stackName}/${id}`, props.KeyPolicy));
      }
      const target =
        resource.Type === 'AWS::S3::BucketPolicy'
          ? [props.Bucket]
          : resource.Type === 'AWS::SQS::QueuePolicy'
            ? (props.Queues as unknown[])
            : [];
      if (target.some((ref) => JSON.stringify(ref).includes(`"${targetId}"`))) {
        statements.push(...this.render(`${stack.stackName}/${id}`, props.PolicyDocument));
      }
    }
    return statements;
  }

  /** A template value as a string: `Ref`/`GetAtt` as `<Id>`/`<Id.Arn>`, imports as what the other stack exports. */
  renderValue(value: unknown): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if ('Ref' in record) return `<${String(record.Ref)}>`;
      if ('Fn::GetAtt' in record) return `<${(record['Fn::GetAtt'] as string[]).join('.')}>`;
      if ('Fn::Join' in record) {
        const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
        return parts.map((part) => this.renderValue(part)).join(separator);
      }
      if ('Fn::ImportValue' in record) {
        const name = this.renderValue(record['Fn::ImportValue']);
        const exported = this.exports.get(name);
        if (exported === undefined) throw new Error(`no stack exports ${name}`);
        return this.renderValue(exported);
      }
      if ('Fn::Select' in record) {
        const [index, list] = record['Fn::Select'] as [number, unknown];
        return `select(${index}, ${this.renderValue(list)})`;
      }
      if ('Fn::Split' in record) {
        const [separator, source] = record['Fn::Split'] as [string, unknown];
        return `split('${separator}', ${this.renderValue(source)})`;
      }
    }
    throw new Error(`cannot render ${JSON.stringify(value)}`);
  }

  private templateOf(stack: Stack) {
    const found = this.templates.find((entry) => entry.stack === stack);
    if (!found) throw new Error(`stack ${stack.stackName} was not given`);
    return found;
  }

  private render(source: string, document: unknown): RenderedStatement[] {
    const statements = (document as { Statement?: RawStatement[] } | undefined)?.Statement ?? [];
    return statements.map((statement) => ({
      source,
      effect: statement.Effect,
      actions: list(statement.Action),
      notActions: list(statement.NotAction),
      resources: list(statement.Resource).map((resource) => this.renderValue(resource)),
      principals: this.principals(statement.Principal),
      conditions: Object.fromEntries(
        Object.entries(statement.Condition ?? {}).map(([operator, keys]) => [
          operator,
          Object.fromEntries(
            Object.entries(keys).map(([key, values]) => [
              key,
              list(values).map((value) => this.renderValue(value)),
            ]),
          ),
        ]),
      ),
    }));
  }

  private principals(principal: unknown): string[] {
    if (principal === undefined) return [];
    if (typeof principal === 'string') return [principal];
    return Object.values(principal as Record<string, unknown>).flatMap((value) =>
      list(value).map((item) => this.renderValue(item)),
    );
  }
}

/** Whether an IAM pattern (`*` and `?` wildcards, case-insensitive for actions) matches a value. */
export function iamMatches(pattern: string, value: string, caseInsensitive = false): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, caseInsensitive ? 'i' : '').test(value);
}

/** The statements that allow any of the actions on the resource, wildcards on either side included. */
export function allowing(
  statements: readonly RenderedStatement[],
  actions: readonly string[],
  resource: string,
): Array<{ statement: RenderedStatement; action: string }> {
  const found: Array<{ statement: RenderedStatement; action: string }> = [];
  for (const statement of statements) {
    if (statement.effect !== 'Allow') continue;
    if (!statement.resources.some((pattern) => iamMatches(pattern, resource))) continue;
    for (const action of actions) {
      const allowed =
        statement.actions.some((pattern) => iamMatches(pattern, action, true)) ||
        (statement.notActions.length > 0 &&
          !statement.notActions.some((pattern) => iamMatches(pattern, action, true)));
      if (allowed) found.push({ statement, action });
    }
  }
  return found;
}

/** The logical id in the template, overrides included. */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(element.logicalId) as string;
}

function list(value: unknown): unknown[] & string[] {
  if (value === undefined) return [] as unknown[] & string[];
  return (Array.isArray(value) ? value : [value]) as unknown[] & string[];
}
