/** The payment ledger retries a posting whose balance moved, pausing with full jitter, and gives up at its limit. */

import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  backoffMs,
  DEFAULT_RETRY,
  DynamoPaymentLedger,
} from '../../../lambdas/adapters/aws/dynamo-payment-ledger';
import type { Payment } from '../../../lambdas/domain/payment-row';

const documents = mockClient(DynamoDBDocumentClient);
const AT = new Date('2026-03-01T02:00:00Z');
const payment: Payment = {
  paymentId: 'P1',
  accountId: 'ACC-1',
  amount: { amountMinor: 10_000, currency: 'CNY' },
  paidAt: '2026-03-01T01:30:00.000Z',
};
const storedCase = {
  caseId: 'demo-bank:ACC-1',
  cycle: '2026-02-17',
  overdue: { amountMinor: 150_000, currency: 'CNY' },
};

/** The balance condition failed: another posting moved the amount between our read and our write. */
const balanceMoved = () =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
  });

/** A ledger whose pauses are recorded, in order with the requests, instead of slept. */
function recordingLedger(random = () => 0.5) {
  const events: string[] = [];
  documents.on(GetCommand).callsFake(() => {
    events.push('read');
    return { Item: storedCase };
  });
  const sleep = async (ms: number) => {
    events.push(`sleep ${ms}`);
  };
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-east-1' }));
  return { events, ledger: new DynamoPaymentLedger(client, 'cases', 'trail', { sleep, random }) };
}

beforeEach(() => {
  documents.reset();
});

describe('DynamoPaymentLedger retries', () => {
  it('pauses between attempts, longer each time, and posts once the balance holds still', async () => {
    const { events, ledger } = recordingLedger();
    documents.on(TransactWriteCommand).rejectsOnce(balanceMoved()).rejectsOnce(balanceMoved()).resolves({});

    const outcome = await ledger.post('demo-bank:ACC-1', payment, AT);

    expect(outcome).toEqual({
      outcome: 'applied',
      remainingMinor: 140_000,
      paidInFull: false,
      cycle: '2026-02-17',
    });
    // Half of each cap (random 0.5): caps of 25 and 50 ms.
    expect(events).toEqual(['read', 'sleep 12.5', 'read', 'sleep 25', 'read']);
    expect(documents.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('gives up after the limit of attempts, having paused before each retry and not after the last', async () => {
    const { events, ledger } = recordingLedger(() => 0.999);
    documents.on(TransactWriteCommand).rejects(balanceMoved());

    await expect(ledger.post('demo-bank:ACC-1', payment, AT)).rejects.toThrow(
      'payment P1 could not be posted after 5 attempts',
    );

    expect(documents.commandCalls(TransactWriteCommand)).toHaveLength(DEFAULT_RETRY.attempts);
    const pauses = events.filter((event) => event.startsWith('sleep')).map((event) => Number(event.slice(6)));
    expect(pauses).toHaveLength(DEFAULT_RETRY.attempts - 1);
    expect(pauses.map(Math.round)).toEqual([25, 50, 100, 200]);
    expect(events.at(-1)).toBe('read');
  });

  it('does not retry a duplicate payment or any other failure', async () => {
    const { events, ledger } = recordingLedger();
    documents.on(TransactWriteCommand).rejectsOnce(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    expect(await ledger.post('demo-bank:ACC-1', payment, AT)).toEqual({ outcome: 'duplicate' });
    documents.on(TransactWriteCommand).rejects(new Error('throttled'));
    await expect(ledger.post('demo-bank:ACC-1', payment, AT)).rejects.toThrow('throttled');
    expect(events.filter((event) => event.startsWith('sleep'))).toEqual([]);
  });
});

describe('backoffMs', () => {
  it('draws uniformly below a cap that doubles per attempt up to the maximum (full jitter)', () => {
    const at = (random: number, attempt: number) =>
      backoffMs({ ...DEFAULT_RETRY, random: () => random }, attempt);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => at(0.999_999, attempt)).map(Math.round)).toEqual([
      25, 50, 100, 200, 400, 800, 1000, 1000,
    ]);
    expect(at(0, 7)).toBe(0);
  });
});
