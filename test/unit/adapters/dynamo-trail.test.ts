/** The trail lists every page of a case's entries, oldest first. */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoTrail } from '../../../lambdas/adapters/aws/dynamo-trail';

const documents = mockClient(DynamoDBDocumentClient);

const entry = (entryId: string, at: string) => ({
  caseId: 'demo-bank:ACC-1',
  entryId,
  kind: 'case.viewed',
  at,
});

beforeEach(() => {
  documents.reset();
});

describe('DynamoTrail.list', () => {
  it('follows LastEvaluatedKey through every page and sorts the entries by time', async () => {
    const pages = [
      { Items: [entry('b', '2026-03-02T00:00:00Z')], LastEvaluatedKey: { entryId: 'b' } },
      { Items: [], LastEvaluatedKey: { entryId: 'b2' } },
      { Items: [entry('a', '2026-03-01T00:00:00Z')] },
    ];
    // Recorded as sent: the paginator reuses one input object from page to page.
    const sent: Array<Record<string, unknown>> = [];
    documents.on(QueryCommand).callsFake((input: Record<string, unknown>) => {
      sent.push({ ...input });
      return pages[sent.length - 1];
    });
    const trail = new DynamoTrail(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-east-1' })),
      'trail',
    );

    const entries = await trail.list('demo-bank:ACC-1');

    expect(entries.map((e) => [e.entryId, e.at.toISOString()])).toEqual([
      ['a', '2026-03-01T00:00:00.000Z'],
      ['b', '2026-03-02T00:00:00.000Z'],
    ]);
    expect(sent.map((query) => query.ExclusiveStartKey)).toEqual([
      undefined,
      { entryId: 'b' },
      { entryId: 'b2' },
    ]);
    expect(sent[0]).toMatchObject({
      TableName: 'trail',
      KeyConditionExpression: 'caseId = :caseId',
      ExpressionAttributeValues: { ':caseId': 'demo-bank:ACC-1' },
    });
  });
});
