/** The case store on DynamoDB (AWS, and DynamoDB Local offline): conditional writes, no read-modify-write. */

import {
  type AttributeValue,
  ConditionalCheckFailedException,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CollectionCase } from '../../domain/collection-case';
import { LOOKUP_ATTRIBUTE, type LookupKind } from '../../domain/lookup';
import type { CaseStore, UpsertOutcome } from '../../ports/case-store';

/** Attributes a feed row never overwrites: progress and history belong to the case, not the feed. */
const PRESERVED = new Set(['caseId', 'completedSteps', 'lastStepAt', 'createdAt']);
/** Optional feed attributes: a newer row that leaves one out removes the old value rather than keeping it. */
const OPTIONAL_FROM_FEED = ['cardLast4', 'mobileIndex', 'nationalIdIndex', 'cardLast4Index'] as const;

export class DynamoCaseStore implements CaseStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(caseId: string): Promise<CollectionCase | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { caseId }, ConsistentRead: true }),
    );
    return out.Item as CollectionCase | undefined;
  }

  async upsertFromFeed(collectionCase: CollectionCase): Promise<UpsertOutcome> {
    try {
      const out = await this.db.send(
        new UpdateItemCommand(feedUpsertRequest(this.tableName, collectionCase)),
      );
      if (!out.Attributes) return 'created';
      if (out.Attributes.cycle?.S !== collectionCase.cycle) await this.startNewCycle(collectionCase);
      return 'updated';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const storedAsOf = error.Item?.asOf?.S;
      return storedAsOf !== undefined && storedAsOf > collectionCase.asOf ? 'stale' : 'unchanged';
    }
  }

  async markStepCompleted(caseId: string, stepId: string, at: Date): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { caseId },
          UpdateExpression:
            'SET completedSteps = list_append(completedSteps, :step), lastStepAt = :at, updatedAt = :at',
          ConditionExpression: 'attribute_exists(caseId) AND NOT contains(completedSteps, :stepId)',
          ExpressionAttributeValues: { ':step': [stepId], ':stepId': stepId, ':at': at.toISOString() },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async findByLookup(kind: LookupKind, index: string): Promise<CollectionCase[]> {
    const attribute = LOOKUP_ATTRIBUTE[kind];
    const found: CollectionCase[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: lookupIndexName(kind),
          KeyConditionExpression: '#index = :index',
          ExpressionAttributeNames: { '#index': attribute },
          ExpressionAttributeValues: { ':index': index },
          ExclusiveStartKey: startKey,
        }),
      );
      found.push(...((out.Items ?? []) as CollectionCase[]));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return found;
  }

  /** A new delinquency cycle starts the ladder again; guarded so a later row's reset is never undone. */
  private async startNewCycle(collectionCase: CollectionCase): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { caseId: collectionCase.caseId },
          UpdateExpression: 'SET completedSteps = :noSteps',
          ConditionExpression: 'asOf = :asOf AND #cycle = :cycle',
          ExpressionAttributeNames: { '#cycle': 'cycle' },
          ExpressionAttributeValues: {
            ':noSteps': [],
            ':asOf': collectionCase.asOf,
            ':cycle': collectionCase.cycle,
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

/** The GSI that serves lookups of one kind: `by-mobileIndex`, … (the CDK table declares the same names). */
export function lookupIndexName(kind: LookupKind): string {
  return `by-${LOOKUP_ATTRIBUTE[kind]}`;
}

/**
 * The conditional write of a feed row: every feed attribute set, progress and history kept, optional
 * attributes the row leaves out removed; applied only when the case is new or the row is newer.
 * Built with the low-level attribute values directly: the document client's generic marshalling cost more
 * per row than the rest of the write's preparation (npm run bench:ingest measures this very function).
 */
export function feedUpsertRequest(tableName: string, collectionCase: CollectionCase): UpdateItemCommandInput {
  const item = collectionCase as unknown as Record<string, unknown>;
  // The attributes present, gathered in a scratch list reused by every call (this function never waits);
  // the shape knows which of them a feed row writes and under which value name.
  const present = PRESENT;
  let count = 0;
  for (const attribute in item) if (item[attribute] !== undefined) present[count++] = attribute;
  const shape = shapeOf(present, count);
  // A copy of the shape's template, then filled: an object given some thirty keys one by one turns into a
  // hash table, which cost three times as much to build as the rest of the write.
  const values: Record<string, AttributeValue> = { ...shape.values };
  values[':asOf'] = { S: collectionCase.asOf };
  values[':noSteps'] = { L: [] };
  values[':createdAt'] = { S: collectionCase.createdAt };
  for (let i = 0; i < count; i++) {
    const name = shape.valueNames[i];
    if (name) values[name] = attributeValue(item[shape.present[i] as string]);
  }
  return {
    TableName: tableName,
    Key: { caseId: { S: collectionCase.caseId } },
    UpdateExpression: shape.expression,
    ConditionExpression: 'attribute_not_exists(#caseId) OR #asOf < :asOf',
    ExpressionAttributeNames: shape.names,
    ExpressionAttributeValues: values,
    ReturnValues: 'ALL_OLD',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/** Attribute → its `:value` name, or null for the attributes a feed row never writes (one lookup per attribute). */
const valueNames = new Map<string, string | null>();

function valueName(attribute: string): string | undefined {
  let name = valueNames.get(attribute);
  if (name === undefined) {
    name = PRESERVED.has(attribute) ? null : `:${attribute}`;
    if (valueNames.size < 1_000) valueNames.set(attribute, name);
  }
  return name ?? undefined;
}

interface WriteShape {
  /** The attributes present on the case, in its order; `valueNames` says which are written, and as what. */
  readonly present: readonly string[];
  readonly valueNames: readonly (string | undefined)[];
  readonly expression: string;
  readonly names: Readonly<Record<string, string>>;
  /** Every `:value` key of the write, in order, as an object with fast (not hash-table) properties. */
  readonly values: Readonly<Record<string, AttributeValue>>;
}

/**
 * Expressions by the attributes a row carries, in order: a feed has a handful of shapes, so each is built
 * once and found again by comparing names (attribute names come from the code, never from the feed).
 */
const shapes: WriteShape[] = [];
const PRESENT: string[] = [];

/** The shape of a case whose present attributes are the first `count` of `gathered`. */
function shapeOf(gathered: readonly string[], count: number): WriteShape {
  for (const shape of shapes) if (sameAttributes(shape.present, gathered, count)) return shape;
  const present = gathered.slice(0, count);
  const attributes = present.filter((attribute) => valueName(attribute) !== undefined);
  const names: Record<string, string> = { '#caseId': 'caseId', '#asOf': 'asOf' };
  const sets = [
    'completedSteps = if_not_exists(completedSteps, :noSteps)',
    'createdAt = if_not_exists(createdAt, :createdAt)',
  ];
  for (const attribute of attributes) {
    names[`#${attribute}`] = attribute;
    sets.push(`#${attribute} = :${attribute}`);
  }
  const removes = OPTIONAL_FROM_FEED.filter((attribute) => !attributes.includes(attribute));
  const template: Record<string, null> = { ':asOf': null, ':noSteps': null, ':createdAt': null };
  for (const attribute of attributes) template[valueName(attribute) as string] = null;
  const shape: WriteShape = {
    present,
    valueNames: present.map(valueName),
    // JSON.parse builds objects with fast properties, whatever their number; copies of one keep them.
    values: JSON.parse(JSON.stringify(template)),
    expression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
    names: JSON.parse(JSON.stringify(names)),
  };
  if (shapes.length < 64) shapes.push(shape);
  return shape;
}

function sameAttributes(known: readonly string[], gathered: readonly string[], count: number): boolean {
  if (known.length !== count) return false;
  for (let i = 0; i < count; i++) if (known[i] !== gathered[i]) return false;
  return true;
}

/** A case attribute as a DynamoDB value: strings, finite numbers, booleans, lists and maps (undefined left out). */
export function attributeValue(value: unknown): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('a case attribute is not a finite number');
    return { N: String(value) };
  }
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null) return { NULL: true };
  if (Array.isArray(value)) return { L: value.map(attributeValue) };
  if (typeof value === 'object') {
    const map: Record<string, AttributeValue> = {};
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) map[key] = attributeValue(item);
    }
    return { M: map };
  }
  throw new TypeError(`a case attribute of type ${typeof value} cannot be stored`);
}
