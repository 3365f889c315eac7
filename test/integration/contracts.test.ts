/**
 * Every port's contract against the real local part: DynamoDB Local (tables as the CDK app declares them),
 * s3rver through the S3 API, the SES sink (aws-ses-v2-local) through the SESv2 API, and the synthesized
 * escalation state machine under the local interpreter.
 * The same contracts hold the in-memory fakes in test/unit/contracts.test.ts.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import S3rver from 's3rver';
import { afterAll, beforeAll } from 'vitest';
import { closeServer } from '../../bin/offline/http';
import { LOCAL_EMAIL, sinkClient, startSesSink } from '../../bin/offline/mail-sink';
import { freePort } from '../../bin/offline/prerequisites';
import { synthesizeForLocal } from '../../bin/offline/synthesized';
import { DynamoCaseStore } from '../../lambdas/adapters/aws/dynamo-case-store';
import { DynamoContactLedger } from '../../lambdas/adapters/aws/dynamo-contact-ledger';
import { DynamoPaymentLedger } from '../../lambdas/adapters/aws/dynamo-payment-ledger';
import { DynamoTrail } from '../../lambdas/adapters/aws/dynamo-trail';
import { DynamoWorkItems } from '../../lambdas/adapters/aws/dynamo-work-items';
import { S3FeedStorage } from '../../lambdas/adapters/aws/s3-feed-storage';
import { S3LetterStore } from '../../lambdas/adapters/aws/s3-letter-store';
import { SesEmailSender } from '../../lambdas/adapters/aws/ses-email-sender';
import { LocalEscalationStarter } from '../../lambdas/adapters/local/local-escalation-starter';
import { VirtualClock } from '../../lambdas/adapters/local/virtual-clock';
import { caseStoreContract } from '../contracts/case-store.contract';
import { contactLedgerContract } from '../contracts/contact-ledger.contract';
import { emailSenderContract } from '../contracts/email-sender.contract';
import { escalationStarterContract } from '../contracts/escalation-starter.contract';
import { feedStorageContract } from '../contracts/feed-storage.contract';
import { letterStoreContract } from '../contracts/letter-store.contract';
import { paymentLedgerContract } from '../contracts/payment-ledger.contract';
import { trailContract } from '../contracts/trail.contract';
import { workItemsContract } from '../contracts/work-items.contract';
import { type DynamoTestBed, startDynamoTestBed } from '../support/dynamodb';
import { forEachActFunction } from '../support/stub-escalation';

const DAY_MS = 86_400_000;
let bed: DynamoTestBed;
let s3rver: S3rver;
let s3: S3Client;
let s3Dir: string;
let sesPort: number;
let sesSink: Server | undefined;
const starters: LocalEscalationStarter[] = [];

beforeAll(async () => {
  bed = await startDynamoTestBed();
  s3Dir = mkdtempSync(join(tmpdir(), 'overdue-s3-'));
  const port = await freePort();
  s3rver = new S3rver({
    address: '127.0.0.1',
    port,
    silent: true,
    directory: s3Dir,
    configureBuckets: [{ name: 'drop' }],
  });
  await s3rver.run();
  s3 = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  sesPort = await freePort();
  sesSink = await startSesSink({ host: '127.0.0.1', port: sesPort });
});

afterAll(async () => {
  for (const starter of starters) await starter.stop();
  if (sesSink) await closeServer(sesSink);
  s3?.destroy();
  await s3rver?.close();
  if (s3Dir) rmSync(s3Dir, { recursive: true, force: true });
  await bed?.dynamo.stop();
});

caseStoreContract(
  'DynamoCaseStore on DynamoDB Local',
  () => new DynamoCaseStore(bed.documents, bed.casesTable),
);
trailContract('DynamoTrail on DynamoDB Local', () => new DynamoTrail(bed.documents, bed.trailTable));
paymentLedgerContract('DynamoPaymentLedger on DynamoDB Local', () => ({
  ledger: new DynamoPaymentLedger(bed.documents, bed.casesTable, bed.trailTable),
  cases: new DynamoCaseStore(bed.documents, bed.casesTable),
  trail: new DynamoTrail(bed.documents, bed.trailTable),
}));
contactLedgerContract('DynamoContactLedger on DynamoDB Local', () => ({
  ledger: new DynamoContactLedger(bed.documents, bed.contactLedgerTable),
  // A test reads the whole table (its own keys carry a tag); the adapter never scans.
  storedItems: async () => {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateScan({ client: bed.documents }, { TableName: bed.contactLedgerTable }))
      items.push(...(page.Items ?? []));
    return items;
  },
}));
feedStorageContract('S3FeedStorage on s3rver', () => new S3FeedStorage(s3, 'drop'));

escalationStarterContract('LocalEscalationStarter (the synthesized state machine, local interpreter)', () => {
  const clock = new VirtualClock(new Date('2026-11-20T00:00:00Z'));
  const starter = new LocalEscalationStarter({
    definition: synthesizeForLocal().stateMachineDefinition,
    clock,
    // An escalation that sleeps on the virtual clock until far away: it stays running until stopped.
    planNextStep: async () => ({
      action: 'sms',
      stepId: 'sms-1',
      template: 't',
      at: '2099-01-01T00:00:00.000Z',
    }),
    act: forEachActFunction(() => async () => ({ outcome: 'skipped', reason: 'not in this test' })),
    openTask: async () => ({ itemId: 'not-in-this-test', dueBy: '2099-01-01T00:00:00.000Z' }),
    recordFault: async () => ({ state: 'parked', error: 'not in this test' }),
  });
  starters.push(starter);
  return { starter, passDays: (days) => void clock.advance(days * DAY_MS) };
});

workItemsContract(
  'DynamoWorkItems on DynamoDB Local',
  () => new DynamoWorkItems(bed.documents, bed.workItemsTable),
);

let letterBuckets = 0;
letterStoreContract('S3LetterStore on s3rver (which ignores If-None-Match on PUT)', async () => {
  const bucket = `letters-${++letterBuckets}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    store: new S3LetterStore(s3, { bucket }),
    read: async (key) => {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return await out.Body?.transformToByteArray();
      } catch (error) {
        if ((error as Error).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    keys: async () =>
      ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map(
        (object) => object.Key ?? '',
      ),
  };
});

emailSenderContract('SesEmailSender on the SES sink (aws-ses-v2-local)', async () => {
  const sesUrl = `http://127.0.0.1:${sesPort}`;
  await fetch(`${sesUrl}/clear-store`, { method: 'POST' });
  return {
    sender: new SesEmailSender(sinkClient(sesUrl), LOCAL_EMAIL),
    delivered: async () => {
      // While the sink is down nothing can reach it; what it holds is read once it is back (the contract
      // reads it again after recovering, where a send that got through while "down" would show).
      if (!sesSink) return [];
      const { emails } = (await (await fetch(`${sesUrl}/store`)).json()) as {
        emails: Array<{ destination: { to: string[] }; subject: string; body: { text?: string } }>;
      };
      return emails.map((email) => ({
        to: email.destination.to.join(','),
        subject: email.subject,
        text: email.body.text ?? '',
      }));
    },
    // The sink is down: the SDK's connection error is what the adapter meets.
    failSends: async () => {
      if (sesSink) await closeServer(sesSink);
      sesSink = undefined;
    },
    recover: async () => {
      sesSink = await startSesSink({ host: '127.0.0.1', port: sesPort });
    },
  };
});
