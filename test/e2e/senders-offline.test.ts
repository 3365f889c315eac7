/**
 * The senders as the offline runtime wires them, seen the way a developer sees them: `npm run local -- mail`,
 * the letters in s3rver, the bank-event outbox. And a privacy scan: a known address and a known letter text
 * go through every sender, a refused send included, and appear in no log line, no error message, no S3 key
 * and no S3 metadata (with positive controls: the scan finds them where they belong).
 */

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_BUCKET } from '../../bin/offline/runtime';
import { runCommand, startTestRuntime, type TestRuntime } from '../support/offline-runtime';

const ADDRESS = 'privacy.probe.7731@example.cn';
const LETTER_TEXT = '致王秘密先生：您尾号9917的信用卡欠款 ¥48,210.33，请于十日内还款。';
const SUBJECT = '【示例银行】逾期提醒';
const EMAIL_TEXT = `王秘密先生：您的信用卡已逾期 40 天。${ADDRESS}`;
const CONTACT = 'demo-bank:PRIV-1#2026-03-10#email-1';

let local: TestRuntime;
const logLines: string[] = [];
const errors: string[] = [];
const restore: Array<() => void> = [];

beforeAll(async () => {
  // Everything this process writes to its console while the senders run is a log line here.
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logLines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => {
      stream.write = write as typeof stream.write;
    });
  }
  local = await startTestRuntime(new Date('2026-03-10T02:00:00Z'), (line) => logLines.push(line));
  const { senders } = local.runtime;

  await senders.email.sendEmail({ to: ADDRESS, subject: SUBJECT, text: EMAIL_TEXT, contactId: CONTACT });
  // A send the sink refuses (no subject), so that an error from the send path is scanned too. (That SES's own
  // refusals name the address and the adapter cuts it out is proven against the SESv2 model, unit tests.)
  await senders.email
    .sendEmail({ to: ADDRESS, subject: '', text: EMAIL_TEXT, contactId: `${CONTACT}-bad` })
    .catch((error: Error) =>
      errors.push(`${error.name} ${error.message} ${error.stack} ${JSON.stringify(error)}`),
    );
  for (let attempt = 0; attempt < 2; attempt++) {
    await senders.letters.store({
      bankId: 'demo-bank',
      caseId: 'demo-bank:PRIV-1',
      contactId: 'demo-bank:PRIV-1#2026-03-10#letter-1',
      language: 'zh-CN',
      template: 'cn-letter-formal',
      templateVersion: 1,
      body: new TextEncoder().encode(`<!doctype html><p>${LETTER_TEXT}</p><p>${ADDRESS}</p>`),
      contentType: 'text/html; charset=utf-8',
    });
  }
  await senders.workItems.open({
    itemId: 'demo-bank:PRIV-1#2026-03-10#legal-review',
    bankId: 'demo-bank',
    caseId: 'demo-bank:PRIV-1',
    kind: 'review',
    subject: 'legal-referral',
    taskToken: 'task-token-secret-42',
    dueBy: '2026-03-17T02:00:00.000Z',
    createdAt: '2026-03-10T02:00:00.000Z',
  });
  await senders.bankEvents.publish({
    bankId: 'demo-bank',
    caseId: 'demo-bank:PRIV-1',
    type: 'freeze-request',
    eventId: 'demo-bank:PRIV-1#2026-03-10#freeze',
  });
});

afterAll(async () => {
  for (const undo of restore) undo();
  await local?.stop();
  await local?.removeDataDir();
});

const mailCli = (...args: string[]) =>
  runCommand('npm', ['run', '-s', 'local', '--', 'mail', ...args], {
    OVERDUE_API_PORT: String(local.apiPort),
  });

async function lettersInS3() {
  const listed = await local.s3.send(new ListObjectsV2Command({ Bucket: LOCAL_BUCKET, Prefix: 'letters/' }));
  return Promise.all(
    (listed.Contents ?? []).map(async ({ Key }) => {
      const head = await local.s3.send(new HeadObjectCommand({ Bucket: LOCAL_BUCKET, Key }));
      return { key: Key ?? '', metadata: head.Metadata ?? {}, contentType: head.ContentType };
    }),
  );
}

describe('the senders offline', () => {
  it('lists the sink’s mail with the address masked, the virtual time and the contact id', async () => {
    const { code, stdout } = await mailCli();
    expect(code).toBe(0);
    expect(stdout).toContain('p***@example.cn');
    expect(stdout).toContain('2026-03-10T02:00:00.000Z');
    expect(stdout).toContain(CONTACT);
    expect(stdout).toContain(SUBJECT);
    expect(stdout).not.toContain(ADDRESS);
  });

  it('prints one message in full with --show, and refuses a number it does not hold', async () => {
    const shown = await mailCli('--show', '1');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Contact id: ${CONTACT}`);
    expect(shown.stdout).toContain('王秘密先生：您的信用卡已逾期 40 天。');
    expect(shown.stdout).toContain('To:         p***@example.cn');

    const missing = await mailCli('--show', '9');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('there is no message 9');
  });

  it('keeps a letter stored twice as one object under letters/demo-bank/, and the bank event in the outbox', async () => {
    const letters = await lettersInS3();
    expect(letters).toHaveLength(1);
    expect(letters[0]?.key).toMatch(/^letters\/demo-bank\/[0-9a-f]{32}\.html$/);
    expect(letters[0]?.contentType).toBe('text/html; charset=utf-8');
    const outbox = join(local.dataDir, 'outbox', 'bank-events');
    const [file] = await readdir(outbox);
    expect(JSON.parse(await readFile(join(outbox, file ?? ''), 'utf8'))).toMatchObject({
      type: 'freeze-request',
      caseId: 'demo-bank:PRIV-1',
    });
  });
});

describe('privacy of the senders', () => {
  const secrets = [ADDRESS, LETTER_TEXT, '王秘密', 'task-token-secret-42'];

  it('finds the refused send’s error and the stored letter to scan (positive controls)', async () => {
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`${CONTACT}-bad`);
    expect((await lettersInS3())[0]?.metadata['case-id']).toBe('demo-bank:PRIV-1');
    // The scan sees what it must: the address is in the sink, where it belongs.
    const store = await (await fetch(`${local.runtime.sesUrl}/store`)).text();
    expect(store).toContain(ADDRESS);
    // And it reads the runtime's own log.
    expect(logLines.join('')).toContain('offline runtime up');
  });

  it('puts no address, letter text, name or task token in a log line, an error, an S3 key or S3 metadata', async () => {
    const letters = await lettersInS3();
    const places = {
      logs: logLines.join(''),
      errors: errors.join('\n'),
      keys: letters.map((letter) => letter.key).join('\n'),
      metadata: JSON.stringify(letters.map((letter) => letter.metadata)),
    };
    for (const [place, text] of Object.entries(places)) {
      for (const secret of secrets)
        expect({ place, found: text.includes(secret) }).toEqual({ place, found: false });
    }
  });
});
