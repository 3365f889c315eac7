/** Work items on DynamoDB: created once per id (a retried task finds its item there), read by id. */

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WorkItem, WorkItems } from '../../ports/notifier';

/** The worklist index: one partition per bank and kind, items in the order they fall due (keys only). */
export const WORKLIST_INDEX = 'by-worklist';

/** The worklist partition of an item: `<bankId>#<kind>`. */
export function worklistOf(item: Pick<WorkItem, 'bankId' | 'kind'>): string {
  return `${item.bankId}#${item.kind}`;
}

/**
 * The task token is stored with the item (the staff endpoint that completes the item sends it back to Step
 * Functions). It is no personal data but whoever holds it can steer an execution: it goes in no log line
 * and no error message, and nothing here prints an item.
 */
export class DynamoWorkItems implements WorkItems {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async open(item: WorkItem): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...item, worklist: worklistOf(item) },
          ConditionExpression: 'attribute_not_exists(itemId)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // The item exists: a retried OpenTask. Step Functions gave the retry a new token and the old one is dead,
    // so the item takes the new token and deadline; completing it with the old one would fail.
    if (item.taskToken === undefined) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { itemId: item.itemId },
        UpdateExpression: 'SET taskToken = :token, dueBy = :dueBy',
        ExpressionAttributeValues: { ':token': item.taskToken, ':dueBy': item.dueBy },
      }),
    );
  }

  async get(itemId: string): Promise<WorkItem | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { itemId }, ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { worklist: _, ...item } = out.Item;
    return item as WorkItem;
  }
}
