/**
 * What a guard's read and a reservation cost on DynamoDB Local, by the number of recent records of a debtor:
 * requests by command, and the capacity DynamoDB reports (ReturnConsumedCapacity). A read is two GetItems
 * and no Query whatever the history; its RCUs grow with the heads' size, 4 KB a unit.
 */

import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../bin/offline/dynamodb-local';
import { DynamoContactLedger } from '../../lambdas/adapters/aws/dynamo-contact-ledger';
import type { ContactRecord } from '../../lambdas/domain/contact-record';
import { type DynamoTestBed, startDynamoTestBed } from '../support/dynamodb';

interface Spent {
  commands: string[];
  readUnits: number;
  writeUnits: number;
}

let bed: DynamoTestBed;
let client: DynamoDBClient;
let spent: Spent = { commands: [], readUnits: 0, writeUnits: 0 };

beforeAll(async () => {
  bed = await startDynamoTestBed();
  client = new DynamoDBClient({
    endpoint: bed.dynamo.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  // Every command asks for its consumed capacity, and is counted with it.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      spent.commands.push(String(context.commandName));
      const output = result.output as { ConsumedCapacity?: unknown };
      const capacities = [output.ConsumedCapacity ?? []].flat() as Array<{
        ReadCapacityUnits?: number;
        WriteCapacityUnits?: number;
        CapacityUnits?: number;
      }>;
      for (const capacity of capacities) {
        spent.readUnits +=
          capacity.ReadCapacityUnits ??
          (context.commandName === 'GetItemCommand' ? (capacity.CapacityUnits ?? 0) : 0);
        spent.writeUnits +=
          capacity.WriteCapacityUnits ??
          (context.commandName === 'TransactWriteItemsCommand' ? (capacity.CapacityUnits ?? 0) : 0);
      }
      return result;
    },
    { step: 'initialize', name: 'countConsumedCapacity' },
  );
});

afterAll(async () => {
  client?.destroy();
  await bed?.dynamo.stop();
});

function measure<T>(call: () => Promise<T>): Promise<{ result: T; spent: Spent }> {
  spent = { commands: [], readUnits: 0, writeUnits: 0 };
  return call().then((result) => ({ result, spent }));
}

const NOW = new Date('2026-03-10T02:00:00.000Z');

describe('the contact ledger’s cost per read and per reservation (DynamoDB Local)', () => {
  it.each([0, 10, 100])(
    'reads a debtor with %i recent records in two GetItems and no Query',
    async (recent) => {
      const documents = DynamoDBDocumentClient.from(client, {
        marshallOptions: { removeUndefinedValues: true },
      });
      const ledger = new DynamoContactLedger(documents, bed.contactLedgerTable);
      const tag = randomUUID().slice(0, 8);
      const debtorKey = `nid:${tag}${'a'.repeat(56)}`;
      const addressKey = `mob:${tag}${'b'.repeat(56)}`;
      const contact = (i: number): ContactRecord => ({
        contactId: `demo-bank:ACC${tag}#2026-02-01#step-${i}`,
        debtorKey,
        caseId: `demo-bank:ACC${tag}`,
        channel: 'call',
        addressKey,
        // Spread over the last 40 days.
        at: new Date(NOW.getTime() - (i * 40 * 86_400_000) / Math.max(recent, 1)).toISOString(),
        outcome: 'reserved',
        automated: false,
        purpose: 'call',
        stepId: `step-${i}`,
      });
      for (let i = 0; i < recent; i++) {
        const view = await ledger.read(debtorKey, addressKey, NOW);
        expect(await ledger.reserve(view, contact(i))).toBe('reserved');
      }

      const read = await measure(() => ledger.read(debtorKey, addressKey, NOW));
      const reserve = await measure(() => ledger.reserve(read.result, contact(recent)));

      expect(read.result.records).toHaveLength(recent);
      expect(read.spent.commands).toEqual(['GetItemCommand', 'GetItemCommand']);
      expect(reserve.result).toBe('reserved');
      expect(reserve.spent.commands).toEqual(['TransactWriteItemsCommand']);
      const headBytes = JSON.stringify(read.result.records).length;
      console.info(
        `contact ledger, ${recent} recent records: read = 2 GetItem, 0 Query, ${read.spent.readUnits} RCU; ` +
          `reserve = 1 TransactWriteItems (3 items), ${reserve.spent.writeUnits} WCU; ~${headBytes} B of records per head`,
      );
      // Consistent reads of two heads: at least one unit each, one more per 4 KB of head.
      expect(read.spent.readUnits).toBeGreaterThanOrEqual(recent === 0 ? 0 : 2);
    },
  );
});
