/** The senders' lazy wiring: each builder reads its settings from the environment it names, when first called. */

import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { HeadObjectCommand, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { deployedBuildOptions, projectRoot, sdkPackagesIn } from '../../support/function-bundles';

const ENV = {
  EMAIL_FROM_ADDRESS: 'reminders@collections.dev.overdue.example',
  EMAIL_CONFIGURATION_SET: 'overdue-dev-reminders',
  DROP_BUCKET_NAME: 'overdue-dev-drop-111122223333-ap-east-1',
  DROP_BUCKET_KEY_ARN: 'arn:aws:kms:ap-east-1:111122223333:key/data',
  WORK_ITEMS_TABLE_NAME: 'overdue-dev-work-items',
  BANK_EVENTS_BUS_NAME: 'overdue-dev-bank-events',
};

afterEach(() => {
  for (const name of Object.keys(ENV)) delete process.env[name];
});

describe('sender wiring', () => {
  it('imports without its environment and names the variable it misses when built', async () => {
    const { buildEmailSender } = await import('../../../lambdas/adapters/aws/wiring/ses');
    const { buildLetterStore } = await import('../../../lambdas/adapters/aws/wiring/letters');
    const { buildWorkItems } = await import('../../../lambdas/adapters/aws/wiring/work-items');
    const { buildBankEvents } = await import('../../../lambdas/adapters/aws/wiring/bank-events');

    expect(() => buildEmailSender()).toThrow('EMAIL_FROM_ADDRESS');
    expect(() => buildLetterStore()).toThrow('DROP_BUCKET_NAME');
    expect(() => buildWorkItems()).toThrow('WORK_ITEMS_TABLE_NAME');
    expect(() => buildBankEvents()).toThrow('BANK_EVENTS_BUS_NAME');
  });

  it('sends to the configuration set, bucket and key, table and bus the environment names', async () => {
    Object.assign(process.env, ENV);
    process.env.AWS_REGION = process.env.AWS_REGION ?? 'ap-east-1';
    const ses = mockClient(SESv2Client).on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const s3 = mockClient(S3Client);
    s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: {} }));
    s3.on(PutObjectCommand).resolves({});
    const documents = mockClient(DynamoDBDocumentClient).on(PutCommand).resolves({});
    const events = mockClient(EventBridgeClient)
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
    const { buildEmailSender } = await import('../../../lambdas/adapters/aws/wiring/ses');
    const { buildLetterStore } = await import('../../../lambdas/adapters/aws/wiring/letters');
    const { buildWorkItems } = await import('../../../lambdas/adapters/aws/wiring/work-items');
    const { buildBankEvents } = await import('../../../lambdas/adapters/aws/wiring/bank-events');

    await buildEmailSender().sendEmail({ to: 'a@example.cn', subject: 's', text: 't', contactId: 'c#1' });
    await buildLetterStore().store({
      bankId: 'demo-bank',
      caseId: 'demo-bank:A',
      contactId: 'c#1',
      language: 'en',
      template: 't',
      templateVersion: 1,
      body: new Uint8Array([1]),
      contentType: 'text/html',
    });
    await buildWorkItems().open({
      itemId: 'i',
      bankId: 'demo-bank',
      caseId: 'demo-bank:A',
      kind: 'call',
      subject: 'collection-call',
      dueBy: '2026-01-02T00:00:00.000Z',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    await buildBankEvents().publish({
      bankId: 'demo-bank',
      caseId: 'demo-bank:A',
      type: 'freeze-request',
      eventId: 'e',
    });

    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input).toMatchObject({
      FromEmailAddress: ENV.EMAIL_FROM_ADDRESS,
      ConfigurationSetName: ENV.EMAIL_CONFIGURATION_SET,
    });
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      Bucket: ENV.DROP_BUCKET_NAME,
      SSEKMSKeyId: ENV.DROP_BUCKET_KEY_ARN,
    });
    expect(documents.commandCalls(PutCommand)[0]?.args[0].input.TableName).toBe(ENV.WORK_ITEMS_TABLE_NAME);
    expect(events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.EventBusName).toBe(
      ENV.BANK_EVENTS_BUS_NAME,
    );
  });

  it('bundles each sender with its own SDK client and no other (letters without lib-storage)', async () => {
    const expected: Record<string, string[]> = {
      ses: ['@aws-sdk/client-sesv2'],
      letters: ['@aws-sdk/client-s3'],
      'work-items': ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'],
      'bank-events': ['@aws-sdk/client-eventbridge'],
    };
    for (const [module, packages] of Object.entries(expected)) {
      const result = await build({
        ...deployedBuildOptions({ sourceMap: false, sourcesContent: false }),
        minify: false,
        entryPoints: [`${projectRoot}/lambdas/adapters/aws/wiring/${module}.ts`],
        outfile: 'index.mjs',
        write: false,
        metafile: true,
      });
      expect({ module, packages: sdkPackagesIn(result.metafile) }).toEqual({ module, packages });
    }
  });
});
