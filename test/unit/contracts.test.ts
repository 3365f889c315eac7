/**
 * Every port's contract, held against the in-memory fakes the unit tests use, and against the AWS adapters
 * over an aws-sdk-client-mock model of the service where no local part speaks the API (Step Functions, SQS).
 * The same contracts run against the real local parts in test/integration/contracts.test.ts.
 */

import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SfnEscalationStarter } from '../../lambdas/adapters/aws/sfn-escalation-starter';
import { SqsEscalationQueue } from '../../lambdas/adapters/aws/sqs-queues';
import { executionName } from '../../lambdas/adapters/execution-name';
import type { EscalationRequest } from '../../lambdas/ports/workflow';
import { caseStoreContract } from '../contracts/case-store.contract';
import { escalationQueueContract } from '../contracts/escalation-queue.contract';
import { escalationStarterContract, startThrottlingContract } from '../contracts/escalation-starter.contract';
import { feedStorageContract } from '../contracts/feed-storage.contract';
import { paymentLedgerContract } from '../contracts/payment-ledger.contract';
import { trailContract } from '../contracts/trail.contract';
import {
  FakeClock,
  InMemoryCaseStore,
  InMemoryEscalationQueue,
  InMemoryFeedStorage,
  InMemoryPaymentLedger,
  InMemoryStepFunctions,
  InMemoryTrail,
} from '../support/fakes';

const DAY_MS = 86_400_000;

const store = new InMemoryCaseStore();
caseStoreContract('in-memory fake', () => store);

const trail = new InMemoryTrail();
trailContract('in-memory fake', () => trail);

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
 * Step Functions Standard as its API answers, behind the SDK: the adapter's mapping of its answers
 * (ExecutionAlreadyExists, ThrottlingException, ExecutionDoesNotExist) is what this exercises.
 */
function stepFunctionsModel(bucket?: { burst: number; perSecond: number }) {
  const clock = new FakeClock();
  const client = new SFNClient({ region: 'ap-east-1' });
  const model = new InMemoryStepFunctions(clock, bucket);
  const machine = 'arn:aws:states:ap-east-1:111122223333:stateMachine:overdue-dev-escalation';
  mockClient(client)
    .on(StartExecutionCommand)
    .callsFake(async ({ name, input }) => {
      let outcome: string;
      try {
        outcome = await model.start(JSON.parse(input));
        if (outcome === 'running' && executionName(JSON.parse(input)) !== name)
          throw new Error('the adapter named it otherwise');
      } catch {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client' });
      }
      if (outcome === 'name-taken') {
        throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${name}'`, $metadata: {} });
      }
      return {
        executionArn: `${machine.replace(':stateMachine:', ':execution:')}:${name}`,
        startDate: clock.now(),
      };
    })
    .on(StopExecutionCommand)
    .callsFake(async ({ executionArn }) => {
      const name = String(executionArn).split(':').at(-1) ?? '';
      const execution = model.executions.get(name);
      if (!execution) throw new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });
      await model.stopEscalation(execution.input);
      return { stopDate: clock.now() };
    });
  return {
    starter: new SfnEscalationStarter(client, machine),
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
