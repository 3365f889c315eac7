/** DynamoContactLedger's answers to what DynamoDB Local does not easily produce: throttled and conflicting transactions. */

import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoContactLedger } from '../../../lambdas/adapters/aws/dynamo-contact-ledger';
import type { ContactRecord } from '../../../lambdas/domain/contact-record';
import type { LedgerView } from '../../../lambdas/ports/contact-ledger';

const documents = mockClient(DynamoDBDocumentClient);
const NOW = new Date('2026-03-10T02:00:00.000Z');
const record: ContactRecord = {
  contactId: 'demo-bank:A1#c1#sms-1',
  debtorKey: 'nid:abc',
  caseId: 'demo-bank:A1',
  channel: 'sms',
  addressKey: 'mob:def',
  at: NOW.toISOString(),
  outcome: 'reserved',
  automated: true,
  purpose: 'reminder',
};
const view: LedgerView = {
  debtor: { key: 'nid:abc', version: 3 },
  address: { key: 'mob:def', version: 1 },
  records: [],
};

function cancelled(...codes: string[]) {
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

function ledger() {
  return new DynamoContactLedger(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-east-1' })),
    'ledger',
    { pause: async () => {} },
  );
}

beforeEach(() => {
  documents.reset();
});

describe('DynamoContactLedger.reserve', () => {
  it('names the record a duplicate when its put failed, whatever the heads did', async () => {
    documents
      .on(TransactWriteCommand)
      .rejects(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed', 'None'));
    expect(await ledger().reserve(view, record)).toBe('duplicate');
  });

  it('answers conflict when a head moved or another transaction held it', async () => {
    documents
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'None', 'ConditionalCheckFailed'))
      .rejectsOnce(cancelled('None', 'TransactionConflict', 'None'));
    expect(await ledger().reserve(view, record)).toBe('conflict');
    expect(await ledger().reserve(view, record)).toBe('conflict');
  });

  it('waits out a transaction cancelled for throttling, then reserves', async () => {
    documents
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'ThrottlingError', 'None'))
      .resolves({});
    expect(await ledger().reserve(view, record)).toBe('reserved');
    expect(documents.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('drops from the heads, in the same transaction, the copies its read found out of the window', async () => {
    const old = { ...record, contactId: 'demo-bank:A1#c0#sms-1', at: '2026-01-01T02:00:00.000Z' };
    documents.on(GetCommand, { Key: { pk: 'debtor#nid:abc' } }).resolves({
      Item: { pk: 'debtor#nid:abc', version: 3, recent: { [old.contactId]: { ...old, outcome: 'sent' } } },
    });
    documents.on(GetCommand, { Key: { pk: 'address#mob:def' } }).resolves({});
    documents.on(TransactWriteCommand).resolves({});
    const adapter = ledger();
    const fresh = await adapter.read('nid:abc', 'mob:def', NOW);
    expect(fresh.records).toEqual([]);

    expect(await adapter.reserve(fresh, record)).toBe('reserved');

    const [debtorHead, addressHead] = (
      documents.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? []
    ).slice(1);
    expect(debtorHead?.Update).toMatchObject({
      Key: { pk: 'debtor#nid:abc' },
      UpdateExpression:
        'SET version = :next, recent.#new = :record, expiresAt = :expiresAt REMOVE recent.#old0',
      ConditionExpression: 'version = :seen',
      ExpressionAttributeNames: { '#new': record.contactId, '#old0': old.contactId },
      ExpressionAttributeValues: { ':seen': 3, ':next': 4 },
    });
    // Read as version 0: created, on the condition that it still does not exist.
    expect(addressHead?.Update).toMatchObject({
      Key: { pk: 'address#mob:def' },
      ConditionExpression: 'attribute_not_exists(pk)',
      ExpressionAttributeValues: { ':next': 1, ':recent': { [record.contactId]: record } },
    });
  });

  it('refuses a record of another debtor or address than the view’s', async () => {
    await expect(ledger().reserve(view, { ...record, debtorKey: 'nid:other' })).rejects.toThrow(/debtor/);
    await expect(ledger().reserve(view, { ...record, addressKey: undefined })).rejects.toThrow(/address/);
  });
});

describe('DynamoContactLedger.settle', () => {
  it('waits for a reservation in progress on a head, and takes a failed condition as already settled', async () => {
    documents
      .on(UpdateCommand)
      .rejectsOnce(Object.assign(new Error('conflict'), { name: 'TransactionConflictException' }))
      .resolvesOnce({})
      .rejectsOnce(Object.assign(new Error('failed'), { name: 'ConditionalCheckFailedException' }))
      .resolves({});

    await ledger().settle(record, 'sent', NOW);

    const updates = documents.commandCalls(UpdateCommand).map((call) => call.args[0].input.Key);
    expect(updates).toEqual([
      { pk: 'debtor#nid:abc' },
      { pk: 'debtor#nid:abc' },
      { pk: 'address#mob:def' },
      { pk: 'contact#demo-bank:A1#c1#sms-1' },
    ]);
  });
});
