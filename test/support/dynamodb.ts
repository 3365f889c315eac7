/** Starts a real DynamoDB Local for a test file and creates the tables as the CDK synthesis declares them. */

import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, type RunningDynamoDb, startDynamoDbLocal } from '../../bin/offline/dynamodb-local';
import { freePort } from '../../bin/offline/prerequisites';
import { synthesizeForLocal } from '../../bin/offline/synthesized';

export interface DynamoTestBed {
  readonly dynamo: RunningDynamoDb;
  readonly documents: DynamoDBDocumentClient;
  readonly casesTable: string;
  readonly trailTable: string;
  readonly contactLedgerTable: string;
  readonly workItemsTable: string;
}

/** One DynamoDB Local per test file; table names carry a uuid so data of one run never meets another's. */
export async function startDynamoTestBed(): Promise<DynamoTestBed> {
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  const { tables } = synthesizeForLocal();
  const suffix = randomUUID().slice(0, 8);
  const casesTable = `cases-${suffix}`;
  const trailTable = `trail-${suffix}`;
  const contactLedgerTable = `contact-ledger-${suffix}`;
  await ensureTable(dynamo.client, casesTable, tables.cases);
  const workItemsTable = `work-items-${suffix}`;
  await ensureTable(dynamo.client, trailTable, tables.trail);
  await ensureTable(dynamo.client, contactLedgerTable, tables.contactLedger);
  await ensureTable(dynamo.client, workItemsTable, tables.workItems);
  const documents = DynamoDBDocumentClient.from(dynamo.client, {
    marshallOptions: { removeUndefinedValues: true },
  });

  return { dynamo, documents, casesTable, trailTable, contactLedgerTable, workItemsTable };
}
