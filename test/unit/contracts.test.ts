/**
 * Every port's contract, held against the in-memory fakes the unit tests use, and against the AWS adapters
 * over an aws-sdk-client-mock model of the service where no local part speaks the API (Step Functions, SQS,
 * SNS, KMS, EventBridge) or where the local part leaves out what AWS does (SESv2 refusals, S3 conditional
 * writes), and against the offline parts that need no server (the SMS and bank-event outboxes, the local keys).
 * The same contracts run against the real local parts in test/integration/contracts.test.ts.
 */

import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { InternalErrorException, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll } from 'vitest';
import { EventBridgeBankEvents } from '../../lambdas/adapters/aws/eventbridge-bank-events';
import { KmsDataKeyProvider } from '../../lambdas/adapters/aws/kms-data-key-provider';
import { KmsIndexKeySource } from '../../lambdas/adapters/aws/kms-index-key-source';
import { S3LetterStore } from '../../lambdas/adapters/aws/s3-letter-store';
import { SesEmailSender } from '../../lambdas/adapters/aws/ses-email-sender';
import { SfnEscalationStarter } from '../../lambdas/adapters/aws/sfn-escalation-starter';
import { SfnFeedLoadStarter } from '../../lambdas/adapters/aws/sfn-feed-load-starter';
import { SnsSmsSender } from '../../lambdas/adapters/aws/sns-sms-sender';
import { SqsEscalationQueue, SqsFeedContinuation } from '../../lambdas/adapters/aws/sqs-queues';
import { EnvelopePiiVault } from '../../lambdas/adapters/envelope-pii-vault';
import { LocalDataKeyProvider } from '../../lambdas/adapters/local/local-data-key-provider';
import { LocalIndexKeySource } from '../../lambdas/adapters/local/local-index-key-source';
import { type OutboxBankEvent, OutboxBankEvents } from '../../lambdas/adapters/local/outbox-bank-events';
import { type OutboxSms, OutboxSmsSender } from '../../lambdas/adapters/local/outbox-sms-sender';
import { filesOfMessage } from '../../lambdas/handlers/ingest-feed';
import type { EscalationRequest, FeedLoadInput } from '../../lambdas/ports/workflow';
import { bankEventsContract } from '../contracts/bank-events.contract';
import { caseStoreContract } from '../contracts/case-store.contract';
import { contactLedgerContract } from '../contracts/contact-ledger.contract';
import { dataKeyProviderContract } from '../contracts/data-key-provider.contract';
import { emailSenderContract } from '../contracts/email-sender.contract';
import { escalationQueueContract } from '../contracts/escalation-queue.contract';
import { escalationStarterContract, startThrottlingContract } from '../contracts/escalation-starter.contract';
import { feedContinuationContract } from '../contracts/feed-continuation.contract';
import { feedLoadStarterContract } from '../contracts/feed-load-starter.contract';
import { feedStorageContract } from '../contracts/feed-storage.contract';
import { indexKeySourceContract } from '../contracts/index-key-source.contract';
import { letterStoreContract } from '../contracts/letter-store.contract';
import { paymentLedgerContract } from '../contracts/payment-ledger.contract';
import { piiVaultContract } from '../contracts/pii-vault.contract';
import { smsSenderContract } from '../contracts/sms-sender.contract';
import { trailContract } from '../contracts/trail.contract';
import { workItemsContract } from '../contracts/work-items.contract';
import {
  FakeClock,
  InMemoryCaseStore,
  InMemoryContactLedger,
  InMemoryEscalationQueue,
  InMemoryFeedStorage,
  InMemoryLetterStore,
  InMemoryPaymentLedger,
  InMemoryStepFunctions,
  InMemoryTrail,
  InMemoryWorkItems,
  RecordingBankEvents,
  RecordingEmailSender,
  RecordingSmsSender,
} from '../support/fakes';
import { EventBridgeModel } from '../support/models/eventbridge';
import { KmsModel } from '../support/models/kms';
import { S3ObjectsModel } from '../support/models/s3-objects';
import { SesV2Model } from '../support/models/ses';
import { SnsSmsModel } from '../support/models/sns';
import { SqsQueueModel } from '../support/models/sqs';
import { StepFunctionsModel } from '../support/models/step-functions';

const DAY_MS = 86_400_000;

const store = new InMemoryCaseStore();
caseStoreContract('in-memory fake', () => store);

const trail = new InMemoryTrail();
trailContract('in-memory fake', () => trail);

const contactLedger = new InMemoryContactLedger();
contactLedgerContract('in-memory fake', () => ({
  ledger: contactLedger,
  storedItems: async () => contactLedger.storedItems(),
}));

const ledgerCases = new InMemoryCaseStore();
const ledgerTrail = new InMemoryTrail();
const ledger = new InMemoryPaymentLedger(ledgerCases, ledgerTrail);
paymentLedgerContract('in-memory fake', () => ({ ledger, cases: ledgerCases, trail: ledgerTrail }));

const storage = new InMemoryFeedStorage();
feedStorageContract('in-memory fake', () => storage);

escalationStarterContract('in-memory fake', () => {
  const clock = new FakeClock();
  return { starter: new InMemoryStepFunctions(clock), passDays: (days) => void clock.advance(days * DAY_MS) };
});
startThrottlingContract('in-memory fake', (bucket) => {
  const clock = new FakeClock();
  return {
    starter: new InMemoryStepFunctions(clock, bucket),
    passDays: (days) => void clock.advance(days * DAY_MS),
    passSeconds: (seconds) => void clock.advance(seconds * 1000),
  };
});

/**
 * Step Functions Standard as its API answers, behind the SDK, by raw execution name and input (the model is
 * not the in-memory fake): the adapter's naming and its mapping of the answers (ExecutionAlreadyExists,
 * ThrottlingException, ExecutionDoesNotExist) are what this exercises.
 */
function stepFunctionsModel(bucket?: { burst: number; perSecond: number }) {
  const clock = new FakeClock();
  const model = new StepFunctionsModel(
    'arn:aws:states:ap-east-1:111122223333:stateMachine:overdue-dev-escalation',
    { now: () => clock.now().getTime(), ...(bucket ? { bucket } : {}) },
  );
  return {
    starter: new SfnEscalationStarter(model.client(), model.stateMachineArn),
    passDays: (days: number) => void clock.advance(days * DAY_MS),
    passSeconds: (seconds: number) => void clock.advance(seconds * 1000),
  };
}
escalationStarterContract('SfnEscalationStarter over a model of the Step Functions API', () =>
  stepFunctionsModel(),
);
startThrottlingContract('SfnEscalationStarter over a model of the Step Functions API', (bucket) =>
  stepFunctionsModel(bucket),
);

escalationQueueContract('in-memory fake', () => {
  const queue = new InMemoryEscalationQueue();
  return { queue, received: () => queue.sent };
});

escalationQueueContract('SqsEscalationQueue over a model of the SQS API', () => {
  const client = new SQSClient({ region: 'ap-east-1' });
  const received: EscalationRequest[] = [];
  let failOnce = false;
  mockClient(client)
    .on(SendMessageBatchCommand)
    .callsFake(async ({ Entries = [] }) => {
      if (Entries.length > 10)
        throw Object.assign(new Error('TooManyEntriesInBatchRequest'), {
          name: 'TooManyEntriesInBatchRequest',
        });
      const failing = failOnce
        ? new Set(Entries.filter((_: unknown, i: number) => i % 2 === 0).map((e: { Id: string }) => e.Id))
        : new Set();
      failOnce = false;
      for (const entry of Entries) if (!failing.has(entry.Id)) received.push(JSON.parse(entry.MessageBody));
      return {
        Successful: Entries.filter((e: { Id: string }) => !failing.has(e.Id)).map((e: { Id: string }) => ({
          Id: e.Id,
          MessageId: e.Id,
          MD5OfMessageBody: '',
        })),
        Failed: [...failing].map((Id) => ({ Id, Code: 'InternalError', SenderFault: false })),
      };
    });
  return {
    queue: new SqsEscalationQueue(
      client,
      'https://sqs.ap-east-1.amazonaws.com/111122223333/escalation-starts',
    ),
    received: () => received,
    failSomeEntriesOnce: () => {
      failOnce = true;
    },
  };
});

smsSenderContract('in-memory fake', () => {
  const sender = new RecordingSmsSender();
  return {
    sender,
    delivered: async () => sender.sent.map(({ to, body }) => ({ to, body })),
    failSends: () => void sender.failWith(new Error('SMS provider unavailable')),
    recover: () => void sender.failWith(undefined),
  };
});

smsSenderContract('SnsSmsSender over a model of SNS direct publish', () => {
  const client = new SNSClient({ region: 'ap-east-1' });
  const sns = new SnsSmsModel(client);
  return {
    sender: new SnsSmsSender(client, 'OVERDUE'),
    delivered: async () => sns.delivered.map(({ to, body }) => ({ to, body })),
    failSends: () => sns.failWith(new InternalErrorException({ message: 'Internal Error', $metadata: {} })),
    recover: () => sns.failWith(undefined),
  };
});

const outboxDirs: string[] = [];
afterAll(() => {
  for (const dir of outboxDirs) rmSync(dir, { recursive: true, force: true });
});
smsSenderContract('OutboxSmsSender (the offline outbox, a temporary folder)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'overdue-outbox-'));
  outboxDirs.push(dataDir);
  const sender = new OutboxSmsSender(dataDir, new FakeClock());
  return {
    sender,
    delivered: async () => {
      let names: string[];
      try {
        names = readdirSync(sender.directory);
      } catch {
        return [];
      }
      // Every file counts: a half-written or stray one would show here as a delivery that cannot be read.
      return names.map((name) => {
        const { to, body } = JSON.parse(readFileSync(join(sender.directory, name), 'utf8')) as OutboxSms;
        return { to, body };
      });
    },
    // The outbox cannot be written: a file stands where its folder belongs. (A read-only folder would not
    // do: tests may run as root, whom permissions do not stop.)
    failSends: () => {
      mkdirSync(dirname(sender.directory), { recursive: true });
      writeFileSync(sender.directory, '');
    },
    recover: () => unlinkSync(sender.directory),
  };
});

dataKeyProviderContract('LocalDataKeyProvider (the offline master key)', () => ({
  provider: new LocalDataKeyProvider(randomBytes(32)),
  otherMasterKey: new LocalDataKeyProvider(randomBytes(32)),
}));

dataKeyProviderContract('KmsDataKeyProvider over a model of KMS', () => {
  const kms = new KmsModel();
  const client = kms.client();
  return {
    provider: new KmsDataKeyProvider(client, kms.createKey('ENCRYPT_DECRYPT')),
    otherMasterKey: new KmsDataKeyProvider(client, kms.createKey('ENCRYPT_DECRYPT')),
  };
});

piiVaultContract('EnvelopePiiVault over LocalDataKeyProvider', () => {
  const masterKey = randomBytes(32);
  return { container: () => new EnvelopePiiVault(new LocalDataKeyProvider(masterKey)) };
});

piiVaultContract('EnvelopePiiVault over KmsDataKeyProvider and a model of KMS', () => {
  const kms = new KmsModel();
  const piiKey = kms.createKey('ENCRYPT_DECRYPT');
  return { container: () => new EnvelopePiiVault(new KmsDataKeyProvider(kms.client(), piiKey)) };
});

indexKeySourceContract('LocalIndexKeySource (the offline secret)', () => {
  const secret = randomBytes(32);
  return {
    source: new LocalIndexKeySource(secret),
    sameKeyElsewhere: new LocalIndexKeySource(Buffer.from(secret)),
    otherMasterKey: new LocalIndexKeySource(randomBytes(32)),
  };
});

indexKeySourceContract('KmsIndexKeySource over a model of KMS GenerateMac', () => {
  const kms = new KmsModel();
  const indexKey = kms.createKey('GENERATE_VERIFY_MAC');
  return {
    source: new KmsIndexKeySource(kms.client(), indexKey),
    sameKeyElsewhere: new KmsIndexKeySource(kms.client(), indexKey),
    otherMasterKey: new KmsIndexKeySource(kms.client(), kms.createKey('GENERATE_VERIFY_MAC')),
  };
});

feedContinuationContract('SqsFeedContinuation over a model of SQS, read back by the intake handler', () => {
  const queue = new SqsQueueModel('https://sqs.ap-east-1.amazonaws.com/111122223333/feed-events');
  return {
    continuation: new SqsFeedContinuation(queue.client(), queue.queueUrl),
    nextRuns: () => queue.bodies.flatMap((body) => filesOfMessage(body)),
  };
});

feedLoadStarterContract('SfnFeedLoadStarter over a model of the Step Functions API', () => {
  const sfn = new StepFunctionsModel(
    'arn:aws:states:ap-east-1:111122223333:stateMachine:overdue-dev-feed-load',
  );
  return {
    starter: new SfnFeedLoadStarter(sfn.client(), sfn.stateMachineArn),
    executions: () =>
      [...sfn.executions.values()].map(({ name, input }) => ({
        name,
        input: JSON.parse(input) as FeedLoadInput,
      })),
    finishRuns: () => sfn.finishAll(),
    throttleNextStart: () => sfn.throttleNext(),
  };
});

emailSenderContract('in-memory fake', () => {
  const sender = new RecordingEmailSender();
  return {
    sender,
    delivered: async () => sender.sent.map(({ to, subject, text }) => ({ to, subject, text })),
    failSends: () => void sender.failWith(new Error('email provider unavailable')),
    recover: () => void sender.failWith(undefined),
  };
});

emailSenderContract('SesEmailSender over a model of SESv2 SendEmail', () => {
  const ses = new SesV2Model('collections.dev.overdue.example', ['overdue-dev-reminders']);
  return {
    sender: new SesEmailSender(ses.client(), {
      fromAddress: 'reminders@collections.dev.overdue.example',
      configurationSetName: 'overdue-dev-reminders',
    }),
    delivered: async () =>
      ses.delivered.map(({ to, subject, text }) => ({ to: to.join(','), subject, text })),
    // The model refuses the recipient by name, as SES does: what the adapter throws must not repeat it.
    failSends: () => void ses.refusedRecipients.add('zhang.wei.1987@example.cn'),
    recover: () => void ses.refusedRecipients.clear(),
  };
});

emailSenderContract('SesEmailSender over a model of SESv2 SendEmail, throttled', () => {
  const ses = new SesV2Model('collections.dev.overdue.example', ['overdue-dev-reminders']);
  return {
    sender: new SesEmailSender(ses.client(), {
      fromAddress: 'reminders@collections.dev.overdue.example',
      configurationSetName: 'overdue-dev-reminders',
    }),
    delivered: async () =>
      ses.delivered.map(({ to, subject, text }) => ({ to: to.join(','), subject, text })),
    failSends: () =>
      ses.failWith(
        new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: {} }),
      ),
    recover: () => ses.failWith(undefined),
  };
});

letterStoreContract('in-memory fake', () => {
  const store = new InMemoryLetterStore();
  return {
    store,
    read: async (key) => store.objects.get(key)?.body,
    keys: async () => [...store.objects.keys()],
  };
});

letterStoreContract('S3LetterStore over a model of S3 conditional writes', () => {
  const s3 = new S3ObjectsModel('overdue-dev-drop-111122223333-ap-east-1');
  return {
    store: new S3LetterStore(s3.client(), {
      bucket: s3.bucket,
      kmsKeyId: 'arn:aws:kms:ap-east-1:111122223333:key/data',
    }),
    read: async (key) => s3.objects.get(key)?.body,
    keys: async () => [...s3.objects.keys()],
  };
});

workItemsContract('in-memory fake', () => new InMemoryWorkItems());

bankEventsContract('in-memory fake', () => {
  const events = new RecordingBankEvents();
  return {
    events,
    received: async () => events.published,
    failPublishes: () => void events.failWith(new Error('event bus unavailable')),
    recover: () => void events.failWith(undefined),
  };
});

bankEventsContract('EventBridgeBankEvents over a model of PutEvents (per-entry refusals)', () => {
  const bus = new EventBridgeModel('overdue-dev-bank-events');
  return {
    events: new EventBridgeBankEvents(bus.client(), bus.busName),
    received: async () =>
      bus.events.map(({ detail }) => ({
        bankId: String(detail.bankId),
        caseId: String(detail.caseId),
        type: detail.type as 'freeze-request',
        eventId: String(detail.eventId),
      })),
    failPublishes: () => bus.failEntriesWith('ThrottlingException'),
    recover: () => bus.failEntriesWith(undefined),
  };
});

bankEventsContract('OutboxBankEvents (the offline outbox, a temporary folder)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'overdue-bank-events-'));
  outboxDirs.push(dataDir);
  const events = new OutboxBankEvents(dataDir, new FakeClock());
  return {
    events,
    received: async () => {
      let names: string[];
      try {
        names = readdirSync(events.directory);
      } catch {
        return [];
      }
      return names
        .map((name) => JSON.parse(readFileSync(join(events.directory, name), 'utf8')) as OutboxBankEvent)
        .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt))
        .map(({ bankId, caseId, type, eventId }) => ({ bankId, caseId, type, eventId }));
    },
    failPublishes: () => {
      mkdirSync(dirname(events.directory), { recursive: true });
      writeFileSync(events.directory, '');
    },
    recover: () => unlinkSync(events.directory),
  };
});
