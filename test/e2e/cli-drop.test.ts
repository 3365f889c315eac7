/** `npm run local -- drop` as a user runs it: a feed's own bytes into the drop bucket, and the report of that upload. */

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_BUCKET, LOCAL_TABLES } from '../../bin/offline/runtime';
import { DynamoCaseStore } from '../../lambdas/adapters/aws/dynamo-case-store';
import { EnvelopePiiVault } from '../../lambdas/adapters/envelope-pii-vault';
import { LocalDataKeyProvider } from '../../lambdas/adapters/local/local-data-key-provider';
import { encodeGb18030 } from '../support/gb18030';
import { runCommand, startTestRuntime, type TestRuntime } from '../support/offline-runtime';

/** Synthetic debtors: made-up names, numbers from the 138 0013 8xxx example block. */
const GBK_DEBTOR = { account: 'CLI-GBK-1', name: '测试李四', mobile: '13800138011' };
const HEADER = 'account_id,as_of,customer_name,mobile,overdue_principal,due_date,days_past_due';
const row = (account: string, name: string, mobile: string) =>
  `${account},2026-03-10,${name},${mobile},880.00,2026-03-01,9`;

let local: TestRuntime;
let files: string;

beforeAll(async () => {
  local = await startTestRuntime(new Date('2026-03-10T02:00:00Z'));
  files = await mkdtemp(join(tmpdir(), 'overdue-drop-'));
});

afterAll(async () => {
  await local?.stop();
  await local?.removeDataDir();
  if (files) await rm(files, { recursive: true, force: true });
});

/** `npm run -s local -- drop <file> …` against the runtime of this test file. */
async function drop(name: string, bytes: Buffer, ...options: string[]) {
  const path = join(files, name);
  await writeFile(path, bytes);
  return runCommand('npm', ['run', '-s', 'local', '--', 'drop', path, ...options], {
    OVERDUE_API_PORT: String(local.apiPort),
  });
}

async function storedBytes(key: string): Promise<Buffer> {
  const object = await local.s3.send(new GetObjectCommand({ Bucket: LOCAL_BUCKET, Key: key }));
  return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
}

async function caseItem(account: string) {
  const out = await local.dynamo.send(
    new GetItemCommand({ TableName: LOCAL_TABLES.cases, Key: { caseId: { S: `demo-bank:${account}` } } }),
  );
  return out.Item;
}

describe('npm run local -- drop', () => {
  it('loads a GBK CSV byte for byte: the stored name decrypts to the Chinese name and the API masks it', async () => {
    const bytes = encodeGb18030(
      `${HEADER}\n${row(GBK_DEBTOR.account, GBK_DEBTOR.name, GBK_DEBTOR.mobile)}\n`,
    );
    // The file is not valid UTF-8: read as text on the way, it would arrive garbled.
    expect(bytes.toString('utf8')).not.toContain(GBK_DEBTOR.name);

    const result = await drop('gbk-feed.csv', bytes);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('dropped s3://overdue-local-drop/incoming/demo-bank/gbk-feed.csv');
    expect(result.stdout).toContain('1 read, 1 created');
    expect(result.stdout).toMatch(/\d+\.\d\d s wall time/);
    expect(await storedBytes('incoming/demo-bank/gbk-feed.csv')).toEqual(bytes);

    const documents = DynamoDBDocumentClient.from(local.dynamo);
    const stored = await new DynamoCaseStore(documents, LOCAL_TABLES.cases).get(
      `demo-bank:${GBK_DEBTOR.account}`,
    );
    if (!stored) throw new Error('the GBK feed created no case');
    const vault = new EnvelopePiiVault(
      new LocalDataKeyProvider(await readFile(join(local.dataDir, 'master.key'))),
    );
    const context = { bankId: 'demo-bank', accountId: GBK_DEBTOR.account };
    expect(await vault.open(context, stored.pii, 'name')).toBe(GBK_DEBTOR.name);

    const { token } = await local.runtime.issueToken({
      user: 'alice',
      group: 'collector',
      bank: 'demo-bank',
    });
    const answer = await fetch(`${local.runtime.apiUrl}/cases/demo-bank:${GBK_DEBTOR.account}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(answer.status).toBe(200);
    const view = (await answer.json()) as { customer: { name: string; mobile?: string } };
    expect(view.customer).toMatchObject({ name: '测***', mobile: '138****8011' });
  });

  it('loads a gzipped CSV under its own .csv.gz name', async () => {
    const bytes = gzipSync(`${HEADER}\n${row('CLI-GZ-1', 'Gzip Debtor', '13800138012')}\n`);

    const result = await drop('daily-feed.csv.gz', bytes);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('incoming/demo-bank/daily-feed.csv.gz');
    expect(result.stdout).toContain('1 read, 1 created');
    expect(result.stdout).toContain('reports/incoming/demo-bank/daily-feed.csv.gz.json');
    expect(await storedBytes('incoming/demo-bank/daily-feed.csv.gz')).toEqual(bytes);
    expect(await caseItem('CLI-GZ-1')).toBeDefined();
  });

  it('loads a JSON Lines feed, and a re-drop of the same bytes says that nothing changed', async () => {
    const record = {
      account_id: 'CLI-JSONL-1',
      as_of: '2026-03-10',
      customer_name: 'Jsonl Debtor',
      mobile: '13800138013',
      overdue_principal: '120.00',
      due_date: '2026-03-01',
      days_past_due: '9',
    };
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`);

    const first = await drop('feed.jsonl', bytes);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('1 read, 1 created');
    expect(first.stdout).not.toContain('nothing changed');
    expect(await caseItem('CLI-JSONL-1')).toBeDefined();
    const report = await storedBytes('reports/incoming/demo-bank/feed.jsonl.json');

    const again = await drop('feed.jsonl', bytes);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing changed: these exact bytes were already loaded under this key');
    // Loaded a second time, the file would have a new report (1 unchanged, 0 created).
    expect(await storedBytes('reports/incoming/demo-bank/feed.jsonl.json')).toEqual(report);
  });

  it('exits 1 and prints the reason when the file is quarantined', async () => {
    const bytes = Buffer.from(`account_id,as_of,mobile\nCLI-Q-1,2026-03-10,13800138014\n`);

    const result = await drop('no-names.csv', bytes);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('QUARANTINED: missing required column(s): customer_name');
    expect(result.stdout).toContain('nothing in the file was applied');
    expect(await caseItem('CLI-Q-1')).toBeUndefined();
  });

  it('exits 2 for a file intake cannot read by its name, saying which names it takes, and uploads nothing', async () => {
    const result = await drop('feed.txt', Buffer.from(`${HEADER}\n`));

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('name it .csv, .csv.gz, .jsonl or .jsonl.gz');
    await expect(
      local.s3.send(new HeadObjectCommand({ Bucket: LOCAL_BUCKET, Key: 'incoming/demo-bank/feed.txt' })),
    ).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('exits 2 for a directory, and for an option or word a command does not take, instead of ignoring it', async () => {
    const env = { OVERDUE_API_PORT: String(local.apiPort) };
    const directory = await runCommand('npm', ['run', '-s', 'local', '--', 'drop', files], env);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toContain('a directory, not a file');
    for (const [command, stray] of [
      ['outbox', '--all'],
      ['executions', 'everything'],
      ['advance', '--weeks'],
    ] as const) {
      const result = await runCommand('npm', ['run', '-s', 'local', '--', command, stray, '1'], env);
      expect(result.code, command).toBe(2);
      expect(result.stderr, command).toContain(`${command} does not take ${stray}`);
    }
  });
});
