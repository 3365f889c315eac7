/** The append-only trail on DynamoDB: puts conditional on a new entry id, so a replay appends nothing. */

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { Trail, TrailEntry } from '../../ports/trail';
import { backoffWithJitter } from '../backoff';
import { whileThrottled } from './throttling';

/** A throttled append waits a little (at most ~6 s in all): a task's 30 s must leave room for its other writes. */
const pauseWhenThrottled = backoffWithJitter(50, 1_000);

export class DynamoTrail implements Trail {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(entry: TrailEntry): Promise<boolean> {
    try {
      await whileThrottled(
        () =>
          this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { ...entry, at: entry.at.toISOString() },
              ConditionExpression: 'attribute_not_exists(entryId)',
            }),
          ),
        pauseWhenThrottled,
        7,
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async list(caseId: string): Promise<TrailEntry[]> {
    const entries: TrailEntry[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'caseId = :caseId',
        ExpressionAttributeValues: { ':caseId': caseId },
      },
    );
    for await (const page of pages)
      for (const item of page.Items ?? [])
        entries.push({ ...(item as TrailEntry), at: new Date(item.at as string) });
    return entries.sort((a, b) => a.at.getTime() - b.at.getTime());
  }
}
