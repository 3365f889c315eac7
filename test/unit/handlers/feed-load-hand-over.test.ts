/**
 * A large feed's hand-over through the start buffer: intake queues the run's ids (SqsFeedLoadHandOver over a
 * model of SQS), the start buffer's consumer (the start-escalations handler) starts it on a model of Step
 * Functions at the account's pace: one run per file version, however often it is asked; a throttled start
 * waits, then goes back to SQS; nothing is lost.
 */

import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { SfnFeedLoadStarter } from '../../../lambdas/adapters/aws/sfn-feed-load-starter';
import { SqsFeedLoadHandOver } from '../../../lambdas/adapters/aws/sqs-queues';
import { makeStartEscalationsHandler } from '../../../lambdas/handlers/start-escalations';
import type { FeedLoadInput } from '../../../lambdas/ports/workflow';
import { startEscalations } from '../../../lambdas/use-cases/start-escalations';
import { createFakeWorld, InMemoryStepFunctions, unpaced } from '../../support/fakes';
import { SqsQueueModel } from '../../support/models/sqs';
import { StepFunctionsModel } from '../../support/models/step-functions';

// U+FFFF is a character SQS refuses in a body; S3 takes it in a key.
const KEY = 'incoming/demo-bank/张三 huge\uffff.csv';
const load: FeedLoadInput = {
  key: KEY,
  bankId: 'demo-bank',
  version: '"9b2cf535f27731c974343645a3985328-12"',
  manifestKey: `feed-loads/${KEY}/0123456789abcdef/manifest.json`,
  startedAt: '2026-03-01T02:00:00.000Z',
};

function parts() {
  const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
  const queue = new SqsQueueModel('https://sqs.ap-east-1.amazonaws.com/111122223333/escalation-starts');
  const feedLoads = new StepFunctionsModel(
    'arn:aws:states:ap-east-1:111122223333:stateMachine:overdue-dev-feed-load',
  );
  const handOver = new SqsFeedLoadHandOver(queue.client(), queue.queueUrl);
  const consumer = makeStartEscalationsHandler(() => ({
    escalations: new InMemoryStepFunctions(world.clock),
    cases: world.cases,
    pacing: unpaced,
    feedLoads: new SfnFeedLoadStarter(feedLoads.client(), feedLoads.stateMachineArn),
  }));
  /** Delivers every queued message once, as one batch; returns the ids SQS is told to deliver again. */
  const drain = async (bodies: string[] = queue.bodies.splice(0)) => {
    const event = { Records: bodies.map((body, i) => ({ messageId: `m-${i}`, body })) } as SQSEvent;
    return (await consumer(event)).batchItemFailures.map((failure) => failure.itemIdentifier);
  };
  const runs = () => [...feedLoads.executions.values()].map((run) => JSON.parse(run.input) as FeedLoadInput);
  return { queue, feedLoads, handOver, drain, runs };
}

describe('a large feed handed to its map run through the start buffer', () => {
  it('queues the ids only and starts one run per file version, however often it is asked', async () => {
    const { queue, handOver, drain, runs } = parts();

    // A repeat after a crash, and a later invocation's repeat with its own start time.
    await handOver.startFeedLoad({ ...load, rows: ['张三,13800000000'] } as FeedLoadInput);
    await handOver.startFeedLoad(load);
    await handOver.startFeedLoad({ ...load, startedAt: '2026-03-01T02:15:00.000Z' });

    expect(queue.bodies).toHaveLength(3);
    expect(queue.bodies.join('\n')).not.toContain('13800000000');
    expect(await drain()).toEqual([]);
    expect(runs()).toEqual([load]);
  });

  it('waits out a throttled start, hands it back to SQS when still throttled, and starts it next time', async () => {
    const { feedLoads, handOver, queue, drain, runs } = parts();
    await handOver.startFeedLoad(load);
    const [body] = queue.bodies;
    feedLoads.throttleNext(4);

    expect(await drain()).toEqual(['m-0']);
    expect(runs()).toEqual([]);

    expect(await drain([body as string])).toEqual([]);
    expect(runs()).toEqual([load]);
  });

  it('hands a malformed request back to SQS (to end in the DLQ) and starts nothing', async () => {
    const { drain, runs } = parts();
    const { manifestKey: _, ...withoutManifest } = load;

    const failed = await drain([
      JSON.stringify({ action: 'load-feed', feedLoad: withoutManifest }),
      JSON.stringify({ action: 'load-feed', feedLoad: { ...load, key: '' } }),
      JSON.stringify({ action: 'load-feed' }),
    ]);

    expect(failed).toEqual(['m-0', 'm-1', 'm-2']);
    expect(runs()).toEqual([]);
  });

  it('sends a request back when the consumer has no feed-load machine, naming no part of the file', async () => {
    const world = createFakeWorld();
    const request = { action: 'load-feed' as const, feedLoad: load };

    const report = await startEscalations(
      { escalations: new InMemoryStepFunctions(world.clock), cases: world.cases, pacing: unpaced },
      [request],
    );

    expect(report.retryLater).toEqual([request]);
    expect(report.feedLoadsStarted).toBe(0);
    expect(report.errors).toEqual(['Error']);
  });
});
