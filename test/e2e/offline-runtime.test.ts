/** The offline runtime end to end: feed into s3rver → cases without plain PII → a lawful-hours SMS → the staff API. */

import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireFreePort } from '../../bin/offline/prerequisites';
import { LOCAL_BUCKET, LOCAL_TABLES } from '../../bin/offline/runtime';
import { FEED_COLUMNS, toFeedCsv } from '../../bin/offline/sample-feed';
import type { OutboxSms } from '../../lambdas/adapters/local/outbox-sms-sender';
import { startTestRuntime, type TestRuntime, until } from '../support/offline-runtime';

/** Synthetic debtor: a made-up name, the well-known example number, a reserved example domain. */
const DEBTOR = { name: '测试张三', mobile: '13800138000', email: 'e2e.debtor@example.test' };
const ACCOUNT = 'E2E-0001';
const CASE_ID = `demo-bank:${ACCOUNT}`;
const FEED_KEY = 'incoming/demo-bank/e2e-feed.csv';
/** 23:00 in Asia/Shanghai (UTC+8) on 2026-03-10: quiet hours there. */
const CLOCK_START = new Date('2026-03-10T15:00:00Z');

let local: TestRuntime;

/** Every SMS the outbox delivered: one file per send (a send being written is not one yet). */
async function outbox(): Promise<OutboxSms[]> {
  const names = (await readdir(local.runtime.outboxDir).catch(() => [] as string[])).filter((name) =>
    name.endsWith('.json'),
  );
  return Promise.all(
    names.map(
      async (name) => JSON.parse(await readFile(join(local.runtime.outboxDir, name), 'utf8')) as OutboxSms,
    ),
  );
}

function localHour(instant: string, timeZone: string): number {
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(
    new Date(instant),
  );
  return Number(hour);
}

beforeAll(async () => {
  local = await startTestRuntime(CLOCK_START);
});

afterAll(async () => {
  if (!local) return;
  await local.stop();
  // DynamoDB Local is gone: no java process for its port, and the port can be bound again.
  const left = spawnSync('pgrep', ['-f', `DynamoDBLocal.jar -port ${local.dynamoPort} `], {
    encoding: 'utf8',
  });
  expect(left.stdout.trim()).toBe('');
  await expect(
    requireFreePort(local.dynamoPort, 'DynamoDB Local', 'OVERDUE_DYNAMODB_PORT'),
  ).resolves.toBeUndefined();
  await local.removeDataDir();
});

describe('offline runtime', () => {
  it('loads a dropped feed, keeps PII out of the tables, texts only in lawful hours, serves the case', async () => {
    const { runtime, dynamo, s3 } = local;
    const csv = toFeedCsv([
      {
        account_id: ACCOUNT,
        as_of: '2026-03-10',
        customer_name: DEBTOR.name,
        mobile: DEBTOR.mobile,
        email: DEBTOR.email,
        card_last4: '4321',
        currency: 'CNY',
        overdue_principal: '1200.00',
        overdue_interest: '35.50',
        due_date: '2026-03-09',
        days_past_due: '1',
        timezone: 'Asia/Shanghai',
        language: 'zh-CN',
      },
    ]);
    expect(csv.split('\n')[0]).toBe(FEED_COLUMNS.join(','));
    await s3.send(
      new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: FEED_KEY, Body: csv, ContentType: 'text/csv' }),
    );

    await until('the case', async () => {
      const out = await dynamo.send(
        new GetItemCommand({ TableName: LOCAL_TABLES.cases, Key: { caseId: { S: CASE_ID } } }),
      );
      return out.Item;
    });

    // The escalation is asleep on the virtual clock, waiting for the lawful window.
    const execution = await until('the escalation to wait', async () =>
      runtime.executions().find((record) => record.input.caseId === CASE_ID && record.waitingUntil),
    );
    expect(localHour(execution.waitingUntil ?? '', 'Asia/Shanghai')).toBe(8);

    const raw = JSON.stringify([
      (await dynamo.send(new ScanCommand({ TableName: LOCAL_TABLES.cases }))).Items,
      (await dynamo.send(new ScanCommand({ TableName: LOCAL_TABLES.trail }))).Items,
    ]);
    expect(raw).toContain(ACCOUNT);
    for (const value of [DEBTOR.name, DEBTOR.mobile, `+86${DEBTOR.mobile}`, DEBTOR.email, 'e2e.debtor']) {
      expect(raw).not.toContain(value);
    }

    // 23:00 in Shanghai: nothing may be sent.
    expect(await outbox()).toEqual([]);

    // To 08:30 the next morning.
    await runtime.advanceClock(9.5 * 3_600_000);
    const [sms] = await until('an SMS in the outbox', async () => {
      const messages = await outbox();
      return messages.length > 0 ? messages : undefined;
    });
    expect(sms).toBeDefined();
    const hour = localHour(sms?.sentAt ?? '', 'Asia/Shanghai');
    expect(hour).toBeGreaterThanOrEqual(8);
    expect(hour).toBeLessThan(22);
    expect(sms?.to).toBe(`+86${DEBTOR.mobile}`);
    expect(sms?.body).toContain('测***');
    expect(sms?.body).not.toContain(DEBTOR.name);

    // The staff API, through the local token issuer.
    const url = `${runtime.apiUrl}/cases/${encodeURIComponent(CASE_ID)}`;
    const own = await runtime.issueToken({ user: 'alice', group: 'collector', bank: 'demo-bank' });
    const ok = await fetch(url, { headers: { authorization: `Bearer ${own.token}` } });
    expect(ok.status).toBe(200);
    const view = (await ok.json()) as { caseId: string; customer: { name: string; mobile?: string } };
    expect(view.caseId).toBe(CASE_ID);
    expect(view.customer.mobile).toBe('138****8000');
    expect(view.customer.name).toBe('测***');
    expect(JSON.stringify(view)).not.toContain(DEBTOR.mobile);

    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
    const other = await runtime.issueToken({ user: 'bob', group: 'collector', bank: 'us-demo' });
    expect((await fetch(url, { headers: { authorization: `Bearer ${other.token}` } })).status).toBe(403);

    // The feed report, written by the ingest handler into the drop bucket.
    const report = await s3.send(
      new GetObjectCommand({ Bucket: LOCAL_BUCKET, Key: `reports/${FEED_KEY}.json` }),
    );
    const body = JSON.parse((await report.Body?.transformToString()) ?? '{}') as { created?: number };
    expect(body.created).toBe(1);

    // A payments feed paying the account in full closes the case and stops its escalation.
    const paid = await runtime.dropFeed(
      'demo-bank',
      'payments.csv',
      `payment_id,account_id,amount,paid_at\nPAY-E2E-1,${ACCOUNT},999999.00,2026-03-02T10:00:00+08:00\n`,
      'payments',
    );
    expect(paid.report).toMatchObject({ applied: 1, paidInFull: 1 });
    const closed = (await (
      await fetch(url, { headers: { authorization: `Bearer ${own.token}` } })
    ).json()) as {
      status: string;
    };
    expect(closed.status).toBe('closed');
    expect(runtime.executions().find((record) => record.input.caseId === CASE_ID)?.status).toBe('ABORTED');

    // One SMS, sent once: the outbox delivers every send as SNS does, so one file means one send, kept to
    // one by the claim in the trail (one contact.attempted for the step), not by the outbox.
    expect(await outbox()).toHaveLength(1);
    const claims = (await dynamo.send(new ScanCommand({ TableName: LOCAL_TABLES.trail }))).Items?.filter(
      (item) => item.kind?.S === 'contact.attempted' && item.caseId?.S === CASE_ID,
    );
    expect(claims).toHaveLength(1);
  });
});
