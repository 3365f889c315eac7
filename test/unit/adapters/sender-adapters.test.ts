/** What the sender adapters put on the wire, beyond the ports' contracts: tags, settings, encryption, races. */

import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { DynamoWorkItems, WORKLIST_INDEX, worklistOf } from '../../../lambdas/adapters/aws/dynamo-work-items';
import { EventBridgeBankEvents } from '../../../lambdas/adapters/aws/eventbridge-bank-events';
import { letterKey, S3LetterStore } from '../../../lambdas/adapters/aws/s3-letter-store';
import {
  CONTACT_TAG,
  contactIdOfTag,
  contactTagValue,
  SesEmailSender,
} from '../../../lambdas/adapters/aws/ses-email-sender';
import type { LetterDocument, WorkItem } from '../../../lambdas/ports/notifier';
import { EventBridgeModel } from '../../support/models/eventbridge';
import { S3ObjectsModel } from '../../support/models/s3-objects';
import { SesV2Model } from '../../support/models/ses';

const DOMAIN = 'collections.dev.overdue.example';
const settings = { fromAddress: `reminders@${DOMAIN}`, configurationSetName: 'overdue-dev-reminders' };
const email = {
  to: 'li.na@example.cn',
  subject: '逾期提醒',
  text: '李女士：您好。',
  contactId: 'demo-bank:ACC-001#2026-02-17#email-1',
};

describe('SesEmailSender', () => {
  it('sends from the stage address under its configuration set, UTF-8, with the contact id as a tag', async () => {
    const ses = new SesV2Model(DOMAIN, [settings.configurationSetName]);

    await new SesEmailSender(ses.client(), settings).sendEmail(email);

    const [sent] = ses.delivered;
    expect(sent).toMatchObject({
      from: settings.fromAddress,
      configurationSetName: 'overdue-dev-reminders',
      charsets: ['UTF-8', 'UTF-8'],
    });
    expect(contactIdOfTag(sent?.tags[CONTACT_TAG] ?? '')).toBe(email.contactId);
  });

  it('writes a contact id with `:` and `#` as a tag value SES accepts, and reads it back', () => {
    const value = contactTagValue('demo-bank:账户-1#2026-02-17#email-1');
    expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(contactIdOfTag(value)).toBe('demo-bank:账户-1#2026-02-17#email-1');
    expect(() => contactTagValue('x'.repeat(200))).toThrow(/does not fit an SES tag/);
  });

  it('fails, naming the set and not the address, when the configuration set does not exist', async () => {
    const ses = new SesV2Model(DOMAIN, []);
    const failure = await new SesEmailSender(ses.client(), settings).sendEmail(email).catch((e: Error) => e);
    expect(failure).toMatchObject({ name: 'NotFoundException' });
    expect((failure as Error).message).toContain('overdue-dev-reminders');
    expect((failure as Error).message).not.toContain(email.to);
  });

  it('keeps SES’s error name and fault for Retry/Catch, cutting out the address (positive control: SES names it)', async () => {
    const ses = new SesV2Model(DOMAIN, [settings.configurationSetName]);
    ses.refusedRecipients.add(email.to);
    const client = ses.client();
    const raw = await client
      .send(
        new SendEmailCommand({
          FromEmailAddress: settings.fromAddress,
          Destination: { ToAddresses: [email.to] },
          Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
        }),
      )
      .catch((e: Error) => e);
    expect((raw as Error).message).toContain(email.to);

    const failure = await new SesEmailSender(client, settings).sendEmail(email).catch((e: Error) => e);
    expect(failure).toMatchObject({ name: 'MessageRejected', $fault: 'client' });
    expect((failure as Error).message).toContain(email.contactId);
    expect(JSON.stringify({ ...(failure as object), message: (failure as Error).message })).not.toContain(
      email.to,
    );
    expect((failure as Error).cause).toBeUndefined();
  });
});

const letter: LetterDocument = {
  bankId: 'demo-bank',
  caseId: 'demo-bank:ACC-001',
  contactId: 'demo-bank:ACC-001#2026-02-17#letter-1',
  language: 'zh-CN',
  template: 'cn-letter-formal',
  templateVersion: 2,
  body: new TextEncoder().encode('<p>张伟先生</p>'),
  contentType: 'text/html; charset=utf-8',
};
const BUCKET = 'overdue-dev-drop-111122223333-ap-east-1';
const KEY_ARN = 'arn:aws:kms:ap-east-1:111122223333:key/data';

describe('S3LetterStore', () => {
  it('puts under SSE-KMS with the bucket’s key and bucket key, If-None-Match, and ids and the hash as metadata', async () => {
    const s3 = new S3ObjectsModel(BUCKET);

    const stored = await new S3LetterStore(s3.client(), { bucket: BUCKET, kmsKeyId: KEY_ARN }).store(letter);

    const object = s3.objects.get(stored.key);
    expect(object).toMatchObject({
      contentType: 'text/html; charset=utf-8',
      serverSideEncryption: 'aws:kms',
      kmsKeyId: KEY_ARN,
    });
    expect(object?.metadata).toEqual({
      sha256: createHash('sha256').update(letter.body).digest('hex'),
      'case-id': 'demo-bank:ACC-001',
      template: 'cn-letter-formal',
      'template-version': '2',
      language: 'zh-CN',
    });
  });

  it('answers with the winner’s hash when another write lands between its HEAD and its put (412)', async () => {
    const s3 = new S3ObjectsModel(BUCKET);
    const key = letterKey(letter);
    const winner = Buffer.from('<p>rendered by the other attempt</p>');
    s3.putDirectly(key, winner);
    s3.hideFromNextHead();

    const stored = await new S3LetterStore(s3.client(), { bucket: BUCKET }).store(letter);

    expect(s3.puts).toEqual([key]);
    // No metadata on the winner: the store hashed its bytes.
    expect(stored).toEqual({ key, sha256: createHash('sha256').update(winner).digest('hex') });
    expect(s3.objects.get(key)?.body).toEqual(winner);
  });

  it('does not write when the HEAD finds the letter (s3rver ignores If-None-Match on PUT)', async () => {
    const s3 = new S3ObjectsModel(BUCKET);
    const store = new S3LetterStore(s3.client(), { bucket: BUCKET });

    await store.store(letter);
    await store.store(letter);

    expect(s3.puts).toHaveLength(1);
  });

  it('names letters by a hash of the contact id: no account, no date, no step in the key', () => {
    const key = letterKey(letter);
    expect(key).toBe(
      `letters/demo-bank/${createHash('sha256').update(letter.contactId).digest('hex').slice(0, 32)}.html`,
    );
    expect(letterKey({ ...letter, contentType: 'application/pdf' }).endsWith('.pdf')).toBe(true);
  });
});

describe('EventBridgeBankEvents', () => {
  it('puts a freeze request on the bus with the source and detail type a bank’s rule matches, ids only', async () => {
    const bus = new EventBridgeModel('overdue-dev-bank-events');
    const event = {
      bankId: 'demo-bank',
      caseId: 'demo-bank:ACC-001',
      type: 'freeze-request',
      eventId: 'e-1',
    } as const;

    await new EventBridgeBankEvents(bus.client(), bus.busName).publish(event);

    expect(bus.events).toEqual([
      {
        id: expect.any(String),
        bus: 'overdue-dev-bank-events',
        source: 'overdue.escalation',
        detailType: 'Freeze requested',
        detail: { eventId: 'e-1', type: 'freeze-request', bankId: 'demo-bank', caseId: 'demo-bank:ACC-001' },
      },
    ]);
  });

  it('throws when the bus does not take the entry, though the call succeeded', async () => {
    const bus = new EventBridgeModel('overdue-dev-bank-events');
    const events = new EventBridgeBankEvents(bus.client(), 'overdue-prod-bank-events');
    await expect(
      events.publish({ bankId: 'b1', caseId: 'b1:A', type: 'freeze-request', eventId: 'e-2' }),
    ).rejects.toMatchObject({
      name: 'BankEventRefusedError',
      message: expect.stringContaining('NotFoundException'),
    });
  });
});

describe('DynamoWorkItems', () => {
  const item: WorkItem = {
    itemId: 'demo-bank:ACC-1#2026-02-17#legal-review',
    bankId: 'demo-bank',
    caseId: 'demo-bank:ACC-1',
    kind: 'review',
    subject: 'legal-referral',
    taskToken: 'secret-token',
    dueBy: '2026-03-20T01:00:00.000Z',
    createdAt: '2026-03-13T01:00:00.000Z',
  };

  it('creates on condition of a new id, with the worklist key the index partitions on', async () => {
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const mock = mockClient(documents);
    mock.on(PutCommand).resolves({});

    await new DynamoWorkItems(documents, 'overdue-dev-work-items').open(item);

    const [put] = mock.commandCalls(PutCommand);
    expect(put?.args[0].input).toEqual({
      TableName: 'overdue-dev-work-items',
      Item: { ...item, worklist: 'demo-bank#review' },
      ConditionExpression: 'attribute_not_exists(itemId)',
    });
    expect(worklistOf(item)).toBe('demo-bank#review');
    expect(WORKLIST_INDEX).toBe('by-worklist');
  });

  it('treats a failed condition as the item already open, and rethrows anything else', async () => {
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const mock = mockClient(documents);
    mock
      .on(PutCommand)
      .rejectsOnce(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      )
      .rejectsOnce(
        Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ThrottlingException' }),
      );
    mock.on(GetCommand).resolves({});
    const items = new DynamoWorkItems(documents, 'overdue-dev-work-items');

    await expect(items.open(item)).resolves.toBeUndefined();
    await expect(items.open(item)).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
