/** Throttled feed writes wait and try again, whatever the SDK's own retry quota has left. */

import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '../../../lambdas/adapters/aws/dynamo-case-store';
import { whileThrottled } from '../../../lambdas/adapters/aws/throttling';
import { aCase } from '../../contracts/case-store.contract';

const throttled = () =>
  new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for the table was exceeded',
    $metadata: {},
  });

describe('a throttled feed write', () => {
  it('waits with backoff and lands, the store answering as if nothing had happened', async () => {
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'ap-east-1', maxAttempts: 1 }),
    );
    mockClient(documents).on(UpdateCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({});
    const waits: number[] = [];
    const store = new DynamoCaseStore(
      documents,
      'cases',
      async () => {},
      async (attempt) => void waits.push(attempt),
    );

    expect(await store.upsertFromFeed(aCase())).toEqual({ outcome: 'created' });
    expect(waits).toEqual([1, 2]);
  });

  it('gives up after its attempts, and never retries what is not throttling', async () => {
    let calls = 0;
    const always = () => {
      calls++;
      return Promise.reject(throttled());
    };
    await expect(whileThrottled(always, async () => {}, 4)).rejects.toBeInstanceOf(
      ProvisionedThroughputExceededException,
    );
    expect(calls).toBe(4);
    calls = 0;
    const broken = () => {
      calls++;
      return Promise.reject(new Error('ValidationException'));
    };
    await expect(whileThrottled(broken, async () => {}, 4)).rejects.toThrow('ValidationException');
    expect(calls).toBe(1);
  });
});
