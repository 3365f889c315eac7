/**
 * What if the Lambda stops between two writes? On DynamoDB Local, a feed row that starts a new delinquency
 * cycle is written with the ladder cleared in the same conditional write: at no instant does the store hold
 * the new cycle with the old cycle's steps done (which the old two-write upsert did, between its writes).
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '../../lambdas/adapters/aws/dynamo-case-store';
import type { CollectionCase } from '../../lambdas/domain/collection-case';
import { aCase } from '../contracts/case-store.contract';
import { type DynamoTestBed, startDynamoTestBed } from '../support/dynamodb';

let bed: DynamoTestBed;

beforeAll(async () => {
  bed = await startDynamoTestBed();
});

afterAll(async () => {
  await bed?.dynamo.stop();
});

/** A client that records the stored item after every request that succeeded: each is where a crash could fall. */
function recordingClient(caseId: string, snapshots: Array<Partial<CollectionCase> | undefined>) {
  return {
    send: async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
      const out = await bed.documents.send(command as never);
      const read = await bed.documents.send(
        new GetCommand({ TableName: bed.casesTable, Key: { caseId }, ConsistentRead: true }),
      );
      snapshots.push(read.Item as Partial<CollectionCase> | undefined);
      return out;
    },
  } as unknown as DynamoDBDocumentClient;
}

describe('a new cycle on DynamoDB Local, crash between any two requests', () => {
  it('never shows the new cycle with the old cycle’s steps done', async () => {
    const store = new DynamoCaseStore(bed.documents, bed.casesTable);
    const old = aCase();
    await store.upsertFromFeed(old);
    await store.markStepCompleted(old.caseId, old.cycle, 'sms-1', new Date('2026-11-20T02:00:00Z'));
    await store.markStepCompleted(old.caseId, old.cycle, 'sms-2', new Date('2026-11-21T02:00:00Z'));

    const snapshots: Array<Partial<CollectionCase> | undefined> = [];
    const watched = new DynamoCaseStore(recordingClient(old.caseId, snapshots), bed.casesTable);
    const result = await watched.upsertFromFeed({
      ...old,
      asOf: '2026-12-20',
      cycle: '2026-12-15',
      dueDate: '2026-12-15',
    });

    expect(result).toMatchObject({ outcome: 'updated', previous: { cycle: '2026-11-10' } });
    expect(snapshots.length).toBeGreaterThan(0);
    for (const stored of snapshots) {
      if (stored?.cycle === '2026-12-15') {
        expect(stored.completedSteps).toEqual([]);
        expect(stored).not.toHaveProperty('lastStepAt');
      } else {
        expect(stored).toMatchObject({ cycle: '2026-11-10', completedSteps: ['sms-1', 'sms-2'] });
      }
    }
    expect(snapshots.at(-1)).toMatchObject({ cycle: '2026-12-15', asOf: '2026-12-20', completedSteps: [] });
  });

  it('would have caught the old two-write upsert (the check fails on a store that resets in a second write)', async () => {
    const old = aCase();
    const store = new DynamoCaseStore(bed.documents, bed.casesTable);
    await store.upsertFromFeed(old);
    await store.markStepCompleted(old.caseId, old.cycle, 'sms-1', new Date('2026-11-20T02:00:00Z'));
    const snapshots: Array<Partial<CollectionCase> | undefined> = [];
    const client = recordingClient(old.caseId, snapshots);
    // The old order: write the row keeping the steps, then clear them in a second write.
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    await client.send(
      new UpdateCommand({
        TableName: bed.casesTable,
        Key: { caseId: old.caseId },
        UpdateExpression: 'SET #cycle = :cycle, asOf = :asOf',
        ExpressionAttributeNames: { '#cycle': 'cycle' },
        ExpressionAttributeValues: { ':cycle': '2026-12-15', ':asOf': '2026-12-20' },
      }),
    );
    await client.send(
      new UpdateCommand({
        TableName: bed.casesTable,
        Key: { caseId: old.caseId },
        UpdateExpression: 'SET completedSteps = :none',
        ExpressionAttributeValues: { ':none': [] },
      }),
    );
    const torn = snapshots.filter(
      (stored) => stored?.cycle === '2026-12-15' && (stored.completedSteps?.length ?? 0) > 0,
    );
    expect(torn).toHaveLength(1);
  });
});
