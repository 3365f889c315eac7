/** The case store on DynamoDB (AWS, and DynamoDB Local offline): conditional writes, no read-modify-write. */

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { BoundedCache } from '../../domain/bounded-cache';
import type { CollectionCase, EscalationState } from '../../domain/collection-case';
import { LOOKUP_ATTRIBUTE, type LookupKind } from '../../domain/lookup';
import type { CaseStore, EscalationStateChange, StoredCaseState, UpsertResult } from '../../ports/case-store';
import { backoffWithJitter } from '../backoff';
import { whileThrottled } from './throttling';

/** The attributes a feed row writes, in one fixed order; the optional ones only when the row has them. */
const FEED_ATTRIBUTES = [
  'bankId',
  'accountId',
  'status',
  'asOf',
  'cycle',
  'dueDate',
  'daysPastDue',
  'bucket',
  'overdue',
  'cardLast4',
  'timeZone',
  'language',
  'flags',
  'policyPack',
  'pii',
  'masked',
  'mobileIndex',
  'nationalIdIndex',
  'cardLast4Index',
  'updatedAt',
] as const satisfies readonly (keyof CollectionCase)[];
/** Optional feed attributes: a newer row that leaves one out removes the old value rather than keeping it. */
const OPTIONAL_FROM_FEED = ['cardLast4', 'mobileIndex', 'nationalIdIndex', 'cardLast4Index'] as const;
/** Progress and history: the case's, never written by a feed row (createdAt only when the case is new). */
type NotFromFeed =
  | 'caseId'
  | 'completedSteps'
  | 'lastStepAt'
  | 'createdAt'
  | 'escalationCycle'
  | 'closedReason'
  | 'stepTimes'
  | 'escalationRun'
  | 'startedRun'
  | 'escalationState'
  | 'escalationReason'
  | 'ladderVersion'
  | 'debtorKey'
  | 'holds';
/**
 * The escalation's record of a cycle: a new cycle starts without it (holds and the pinned debtor key are the
 * account's and stay).
 */
const CYCLE_ESCALATION = [
  'lastStepAt',
  'escalationRun',
  'startedRun',
  'escalationState',
  'escalationReason',
  'ladderVersion',
] as const;
// Every attribute of a case is either written by a feed row or kept from it: a new attribute must be sorted.
type Unsorted = Exclude<keyof CollectionCase, (typeof FEED_ATTRIBUTES)[number] | NotFromFeed>;
const everyAttributeSorted: Unsorted extends never ? true : Unsorted = true;
void everyAttributeSorted;
/** Attempts at a new-cycle write when other rows of the same account keep landing in between. */
const NEW_CYCLE_ATTEMPTS = 5;

export class DynamoCaseStore implements CaseStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly pause: (attempt: number) => Promise<void> = backoffWithJitter(20, 1_000),
    private readonly throttled: (attempt: number) => Promise<void> = backoffWithJitter(50, 5_000),
  ) {}

  async get(caseId: string): Promise<CollectionCase | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { caseId }, ConsistentRead: true }),
    );
    return out.Item as CollectionCase | undefined;
  }

  /**
   * Writes on the assumption that the row continues the stored cycle (the common case: one write). When
   * the stored case turns out to be in another cycle, the row is written again as a new cycle, on the
   * condition that the stored case is still the one just seen — clearing the old cycle's progress in the
   * same write. A row for the same account landing in between makes the condition fail: read what it
   * left and decide again.
   */
  async upsertFromFeed(collectionCase: CollectionCase): Promise<UpsertResult> {
    let expected: StoredCaseState | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        const write = new UpdateCommand(feedWrite(this.tableName, collectionCase, expected));
        const out = await whileThrottled(() => this.db.send(write), this.throttled);
        const previous = stateOf(out.Attributes);
        return previous ? { outcome: 'updated', previous } : { outcome: 'created' };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // The item a failed condition returns is not unmarshalled by the document client.
        const stored = stateOf(error.Item ? unmarshall(error.Item) : undefined);
        // DynamoDB Local and AWS both return the item on a failed condition (ReturnValuesOnConditionCheckFailure).
        if (!stored) throw new Error(`case ${collectionCase.caseId}: condition failed and no item returned`);
        if (stored.asOf > collectionCase.asOf) return { outcome: 'stale', previous: stored };
        if (stored.asOf === collectionCase.asOf) return { outcome: 'unchanged', previous: stored };
        if (attempt >= NEW_CYCLE_ATTEMPTS) {
          throw new Error(`case ${collectionCase.caseId}: no write after ${attempt} attempts`);
        }
        if (expected) await this.pause(attempt);
        expected = stored;
      }
    }
  }

  async markStepCompleted(caseId: string, cycle: string, stepId: string, at: Date): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { caseId },
          UpdateExpression:
            'SET completedSteps = list_append(completedSteps, :step), stepTimes.#step = :at, lastStepAt = :at, updatedAt = :at',
          ConditionExpression: '#cycle = :cycle AND NOT contains(completedSteps, :stepId)',
          ExpressionAttributeNames: { '#step': stepId, '#cycle': 'cycle' },
          ExpressionAttributeValues: {
            ':step': [stepId],
            ':stepId': stepId,
            ':at': at.toISOString(),
            ':cycle': cycle,
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async markEscalationStarted(caseId: string, cycle: string, run = 0): Promise<boolean> {
    return this.conditionally({
      TableName: this.tableName,
      Key: { caseId },
      UpdateExpression: 'SET escalationCycle = :cycle, startedRun = :run',
      ConditionExpression:
        '#cycle = :cycle AND (attribute_not_exists(escalationCycle) OR escalationCycle <> :cycle OR attribute_not_exists(startedRun) OR startedRun < :run)',
      ExpressionAttributeNames: { '#cycle': 'cycle' },
      ExpressionAttributeValues: { ':cycle': cycle, ':run': run },
    });
  }

  async beginRun(caseId: string, cycle: string, fromRun: number): Promise<number | undefined> {
    const next = fromRun + 1;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { caseId },
          UpdateExpression: 'SET escalationRun = :next, escalationState = :running REMOVE escalationReason',
          ConditionExpression:
            '#cycle = :cycle AND (escalationRun = :from OR (attribute_not_exists(escalationRun) AND :from = :zero))',
          ExpressionAttributeNames: { '#cycle': 'cycle' },
          ExpressionAttributeValues: {
            ':cycle': cycle,
            ':from': fromRun,
            ':zero': 0,
            ':next': next,
            ':running': 'running' satisfies EscalationState,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return next;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const stored = error.Item ? unmarshall(error.Item) : undefined;
      // A redelivered request finds its own run taken already: the same run, the same execution name.
      return stored?.cycle === cycle && stored.escalationRun === next ? next : undefined;
    }
  }

  async setEscalationState(caseId: string, change: EscalationStateChange): Promise<boolean> {
    return this.conditionally({
      TableName: this.tableName,
      Key: { caseId },
      UpdateExpression: 'SET escalationState = :state, escalationReason = :reason',
      ConditionExpression: `#cycle = :cycle AND (escalationRun = :run OR (attribute_not_exists(escalationRun) AND :run = :zero))${
        change.readAt ? ' AND updatedAt = :readAt' : ''
      }`,
      ExpressionAttributeNames: { '#cycle': 'cycle' },
      ExpressionAttributeValues: {
        ':cycle': change.cycle,
        ':run': change.run,
        ':zero': 0,
        ':state': change.state,
        ':reason': change.reason,
        ...(change.readAt ? { ':readAt': change.readAt } : {}),
      },
    });
  }

  async pinDebtorKey(caseId: string, debtorKey: string): Promise<string | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { caseId },
          UpdateExpression: 'SET debtorKey = if_not_exists(debtorKey, :key)',
          ConditionExpression: 'attribute_exists(caseId)',
          ExpressionAttributeValues: { ':key': debtorKey },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return String(out.Attributes?.debtorKey);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async pinLadderVersion(caseId: string, cycle: string, version: number): Promise<number | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { caseId },
          UpdateExpression: 'SET ladderVersion = if_not_exists(ladderVersion, :version)',
          ConditionExpression: '#cycle = :cycle',
          ExpressionAttributeNames: { '#cycle': 'cycle' },
          ExpressionAttributeValues: { ':cycle': cycle, ':version': version },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.ladderVersion);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  private async conditionally(input: UpdateCommandInput): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand(input));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The index holds keys only (see the stateful stack): the cases it names are read from the table. */
  async findByLookup(kind: LookupKind, index: string): Promise<CollectionCase[]> {
    const caseIds: string[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        IndexName: lookupIndexName(kind),
        KeyConditionExpression: '#index = :index',
        ExpressionAttributeNames: { '#index': LOOKUP_ATTRIBUTE[kind] },
        ExpressionAttributeValues: { ':index': index },
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) caseIds.push(String(item.caseId));
    // An index is eventually consistent: a case it names may have left it since; only current matches count.
    const attribute = LOOKUP_ATTRIBUTE[kind] as keyof CollectionCase;
    const cases = await Promise.all(caseIds.map((caseId) => this.get(caseId)));
    return cases.filter(
      (found): found is CollectionCase => found !== undefined && found[attribute] === index,
    );
  }
}

/** The GSI that serves lookups of one kind: `by-mobileIndex`, … (the CDK table declares the same names). */
export function lookupIndexName(kind: LookupKind): string {
  return `by-${LOOKUP_ATTRIBUTE[kind]}`;
}

function stateOf(item: Record<string, unknown> | undefined): StoredCaseState | undefined {
  if (!item) return undefined;
  return {
    cycle: String(item.cycle),
    status: item.status === 'closed' ? 'closed' : 'open',
    asOf: String(item.asOf),
    ...(typeof item.escalationCycle === 'string' ? { escalationCycle: item.escalationCycle } : {}),
    ...(typeof item.escalationRun === 'number' ? { escalationRun: item.escalationRun } : {}),
    ...(typeof item.startedRun === 'number' ? { startedRun: item.startedRun } : {}),
    ...(typeof item.escalationState === 'string'
      ? { escalationState: item.escalationState as EscalationState }
      : {}),
    ...(typeof item.escalationReason === 'string' ? { escalationReason: item.escalationReason } : {}),
    ...(Array.isArray(item.flags) ? { flags: item.flags.map(String) } : {}),
    ...(Array.isArray(item.holds) ? { holds: item.holds.map(String) } : {}),
  };
}

/**
 * The conditional write of a feed row: every feed attribute set, optional ones the row leaves out removed,
 * progress and history kept. Without `newCycleOf`: applied when the case is new, or older and in the
 * same cycle. With it: applied only if the stored case is still exactly that state, and the ladder's
 * progress starts again for the row's cycle in the same write.
 */
export function feedWrite(
  tableName: string,
  collectionCase: CollectionCase,
  newCycleOf?: StoredCaseState,
): UpdateCommandInput {
  const shape = writeShape(collectionCase, newCycleOf !== undefined);
  const values = feedValues(collectionCase);
  if (newCycleOf) {
    values[':storedAsOf'] = newCycleOf.asOf;
    values[':storedCycle'] = newCycleOf.cycle;
  }
  return {
    TableName: tableName,
    Key: { caseId: collectionCase.caseId },
    UpdateExpression: shape.update,
    ConditionExpression: shape.condition,
    ExpressionAttributeNames: shape.names,
    ExpressionAttributeValues: values,
    ReturnValues: 'ALL_OLD',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/** The feed attributes a case always has: every feed write sets them. */
type AlwaysFromFeed = Exclude<(typeof FEED_ATTRIBUTES)[number], (typeof OPTIONAL_FROM_FEED)[number]>;
const OPTIONAL_VALUE_NAMES = OPTIONAL_FROM_FEED.map((attribute) => `:${attribute}`);

/**
 * The values of a feed write: the attributes the case always has, written out as one object literal (the
 * type makes the compiler name a missing one), then the optional ones it has, as `writeShape` lists them.
 * Not a loop over the names: V8 turns an object given more than a dozen properties under computed names
 * into a hash table, which took about 1.5 µs a row to build (npm run bench), and the SDK then reads it.
 */
function feedValues(c: CollectionCase): Record<string, unknown> {
  const values: { [A in AlwaysFromFeed as `:${A}`]: CollectionCase[A] } & Record<string, unknown> = {
    ':createdAt': c.createdAt,
    ':noSteps': [],
    ':noTimes': {},
    ':bankId': c.bankId,
    ':accountId': c.accountId,
    ':status': c.status,
    ':asOf': c.asOf,
    ':cycle': c.cycle,
    ':dueDate': c.dueDate,
    ':daysPastDue': c.daysPastDue,
    ':bucket': c.bucket,
    ':overdue': c.overdue,
    ':timeZone': c.timeZone,
    ':language': c.language,
    ':flags': c.flags,
    ':policyPack': c.policyPack,
    ':pii': c.pii,
    ':masked': c.masked,
    ':updatedAt': c.updatedAt,
  };
  for (let i = 0; i < OPTIONAL_FROM_FEED.length; i++) {
    const value = c[OPTIONAL_FROM_FEED[i] as (typeof OPTIONAL_FROM_FEED)[number]];
    if (value !== undefined) values[OPTIONAL_VALUE_NAMES[i] as string] = value;
  }
  return values;
}

/** The parts of a write that depend only on which optional attributes a row has, whether it is open, and the cycle. */
interface WriteShape {
  readonly update: string;
  readonly condition: string;
  readonly names: Readonly<Record<string, string>>;
}

/**
 * A feed has a handful of shapes (which optional columns a row fills, open or closed, a new cycle or not):
 * each is built once per container rather than again for every row. There are at most 2^4 · 2 · 2 of them.
 */
const shapes = new BoundedCache<number, WriteShape>(64);

function writeShape(collectionCase: CollectionCase, newCycle: boolean): WriteShape {
  let key = (collectionCase.status === 'open' ? 1 : 0) | (newCycle ? 2 : 0);
  OPTIONAL_FROM_FEED.forEach((attribute, i) => {
    if (collectionCase[attribute] !== undefined) key |= 4 << i;
  });
  const known = shapes.get(key);
  if (known) return known;
  const attributes = FEED_ATTRIBUTES.filter((attribute) => collectionCase[attribute] !== undefined);
  const names: Record<string, string> = { '#asOf': 'asOf', '#cycle': 'cycle' };
  const sets = ['createdAt = if_not_exists(createdAt, :createdAt)'];
  for (const attribute of attributes) {
    names[`#${attribute}`] = attribute;
    sets.push(`#${attribute} = :${attribute}`);
  }
  const removes: string[] = OPTIONAL_FROM_FEED.filter((attribute) => collectionCase[attribute] === undefined);
  if (collectionCase.status === 'open') removes.push('closedReason');
  if (newCycle) {
    sets.push('completedSteps = :noSteps', 'stepTimes = :noTimes');
    removes.push(...CYCLE_ESCALATION);
  } else {
    sets.push(
      'completedSteps = if_not_exists(completedSteps, :noSteps)',
      'stepTimes = if_not_exists(stepTimes, :noTimes)',
    );
  }
  const shape: WriteShape = {
    update: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
    condition: newCycle
      ? '#asOf = :storedAsOf AND #cycle = :storedCycle'
      : 'attribute_not_exists(caseId) OR (#asOf < :asOf AND #cycle = :cycle)',
    // Shared by every write of the shape: frozen, so that nothing can change one write through another.
    names: Object.freeze(names),
  };
  shapes.set(key, shape);
  return shape;
}
