/** Ingest through the real use case onto DynamoDB Local: no personal data in any stored item, in plain text. */

import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '../../lambdas/adapters/aws/dynamo-case-store';
import { bankDirectoryFromConfig } from '../../lambdas/adapters/bank-directory-from-config';
import { EnvelopePiiVault } from '../../lambdas/adapters/envelope-pii-vault';
import { HmacBlindIndex } from '../../lambdas/adapters/hmac-blind-index';
import { LocalDataKeyProvider } from '../../lambdas/adapters/local/local-data-key-provider';
import { LocalIndexKeySource } from '../../lambdas/adapters/local/local-index-key-source';
import { ingestFeed } from '../../lambdas/use-cases/ingest-feed';
import { type DynamoTestBed, startDynamoTestBed } from '../support/dynamodb';
import { InMemoryEscalationQueue, InMemoryFeedStorage } from '../support/fakes';

const SEEDED = {
  name: '欧阳测试',
  mobile: '13912345678',
  email: 'seeded.debtor@example.test',
};

let bed: DynamoTestBed;

beforeAll(async () => {
  bed = await startDynamoTestBed();
});

afterAll(async () => {
  await bed?.dynamo.stop();
});

describe('feed intake on DynamoDB Local', () => {
  it('stores cases whose raw items contain no name, phone or email in plain text', async () => {
    const csv = [
      'account_id,as_of,customer_name,mobile,email,currency,overdue_principal,days_past_due,card_last4',
      `ACC-PRIV-1,2026-11-20,${SEEDED.name},${SEEDED.mobile},${SEEDED.email},CNY,1500.00,12,4321`,
    ].join('\n');
    const storage = new InMemoryFeedStorage().drop('incoming/demo-bank/privacy.csv', csv);
    const vault = new EnvelopePiiVault(new LocalDataKeyProvider(Buffer.alloc(32, 7)));
    const blindIndex = new HmacBlindIndex(new LocalIndexKeySource(Buffer.alloc(32, 3)));
    const queue = new InMemoryEscalationQueue();
    const report = await ingestFeed(
      {
        storage,
        cases: new DynamoCaseStore(bed.documents, bed.casesTable),
        vault,
        blindIndex,
        escalationQueue: queue,
        stopwatch: { readMs: () => performance.now() },
        banks: bankDirectoryFromConfig(
          JSON.stringify([
            {
              bankId: 'demo-bank',
              displayName: 'Demo Bank',
              policyPack: 'cn',
              defaults: { currency: 'CNY', timeZone: 'Asia/Shanghai', language: 'zh-CN' },
            },
          ]),
        ),
        clock: { now: () => new Date('2026-11-20T02:00:00Z') },
      },
      { key: 'incoming/demo-bank/privacy.csv' },
    );

    expect(report.created).toBe(1);
    expect(queue.sent).toEqual([
      { action: 'start', caseId: 'demo-bank:ACC-PRIV-1', cycle: '2026-11-08', run: 0 },
    ]);
    const raw = JSON.stringify(
      (await bed.dynamo.client.send(new ScanCommand({ TableName: bed.casesTable }))).Items,
    );
    expect(raw).toContain('ACC-PRIV-1');
    for (const value of [SEEDED.name, SEEDED.mobile, `+86${SEEDED.mobile}`, SEEDED.email, 'seeded.debtor']) {
      expect(raw).not.toContain(value);
    }
    expect(raw).toContain('139****5678');
    // Staff can find it by phone through the GSI, without decrypting anything.
    const store = new DynamoCaseStore(bed.documents, bed.casesTable);
    const index = await blindIndex.compute('demo-bank', 'mobile', `+86${SEEDED.mobile}`);
    expect((await store.findByLookup('mobile', index)).map((c) => c.caseId)).toEqual([
      'demo-bank:ACC-PRIV-1',
    ]);
    expect(
      await store.findByLookup('mobile', await blindIndex.compute('demo-bank', 'mobile', '+8613900000000')),
    ).toEqual([]);
    const reportText = [...storage.writes].map((key) => storage.files.get(key)).join('\n');
    for (const value of [SEEDED.name, SEEDED.mobile, SEEDED.email]) expect(reportText).not.toContain(value);
  });
});
