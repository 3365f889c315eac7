/** Stopping escalations and handing over large feeds on Step Functions, with the SDK mocked. */

import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SfnEscalationStarter } from '../../../lambdas/adapters/aws/sfn-escalation-starter';
import { SfnFeedLoadStarter } from '../../../lambdas/adapters/aws/sfn-feed-load-starter';

const sfn = mockClient(SFNClient);
beforeEach(() => sfn.reset());

describe('SfnEscalationStarter.stopEscalation', () => {
  it('stops the execution whose ARN follows from the state machine ARN and ignores a missing one', async () => {
    const machine = 'arn:aws:states:ap-east-1:111122223333:stateMachine:overdue-prod-escalation';
    sfn
      .on(StopExecutionCommand)
      .resolvesOnce({ stopDate: new Date() })
      .rejectsOnce(new ExecutionDoesNotExist({ message: 'gone', $metadata: {} }));
    const starter = new SfnEscalationStarter(new SFNClient({}), machine);
    await starter.stopEscalation({ caseId: 'demo-bank:ACC-1', cycle: '2026-02-17', run: 0 });
    await starter.stopEscalation({ caseId: 'demo-bank:ACC-2', cycle: '2026-02-17', run: 0 });
    expect(sfn.commandCalls(StopExecutionCommand)[0]?.args[0].input.executionArn).toBe(
      'arn:aws:states:ap-east-1:111122223333:execution:overdue-prod-escalation:demo-bank_ACC-1_2026-02-17',
    );
  });
});

describe('SfnFeedLoadStarter', () => {
  const machine = 'arn:aws:states:ap-east-1:111122223333:stateMachine:overdue-prod-feed-load';
  const input = {
    key: 'incoming/demo-bank/张三 huge.csv',
    bankId: 'demo-bank',
    manifestKey: 'feed-loads/incoming/demo-bank/张三 huge.csv/0123456789abcdef/manifest.json',
    startedAt: '2026-03-01T02:00:00Z',
  };

  it('names the run after a digest of key and version, never the file name, and retries harmlessly', async () => {
    sfn
      .on(StartExecutionCommand)
      .resolvesOnce({ executionArn: 'arn:x', startDate: new Date() })
      .rejectsOnce(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const starter = new SfnFeedLoadStarter(new SFNClient({}), machine);
    await starter.startFeedLoad({ ...input, version: 'v1' });
    await starter.startFeedLoad({ ...input, version: 'v1' });
    const [first, second] = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(first?.name).toMatch(/^feed-[0-9a-f]{48}$/);
    expect(second?.name).toBe(first?.name);
    expect(JSON.parse(first?.input ?? '{}')).toEqual({ ...input, version: 'v1' });
  });
});
