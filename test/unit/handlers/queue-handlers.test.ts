/** The two SQS-fed handlers: which messages they act on, and what they hand back to SQS. */

import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { filesOfMessage, makeIngestFeedHandler } from '../../../lambdas/handlers/ingest-feed';
import { makeStartEscalationsHandler } from '../../../lambdas/handlers/start-escalations';
import { createFakeWorld, csvOf, feedRow, InMemoryStepFunctions, unpaced } from '../../support/fakes';

const sqs = (...bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, i) => ({ messageId: `m-${i}`, body })) }) as SQSEvent;
const notification = (key: string, extra: object = {}) =>
  JSON.stringify({
    Records: [{ eventName: 'ObjectCreated:Put', s3: { object: { key, size: 10, eTag: '"e"', ...extra } } }],
  });

describe('feed events', () => {
  it('reads S3 notifications (keys decoded, version id preferred), hand-overs, and ignores the rest', () => {
    expect(filesOfMessage(notification('incoming/demo-bank/a+b%2Bc.csv', { versionId: 'v9' }))).toEqual([
      { key: 'incoming/demo-bank/a b+c.csv', version: 'v9', versionId: 'v9', size: 10 },
    ]);
    expect(
      filesOfMessage(
        JSON.stringify({ continueFeed: { key: 'payments/demo-bank/p.csv', version: '"e"', size: 5 } }),
      ),
    ).toEqual([{ key: 'payments/demo-bank/p.csv', version: '"e"', size: 5 }]);
    expect(filesOfMessage(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' }))).toEqual([]);
    expect(filesOfMessage(notification('reports/incoming/demo-bank/a.csv.json'))).toEqual([]);
    expect(() => filesOfMessage('{"Records":[{"nope":1}]}')).toThrow();
  });

  it('reports back only the message that failed, so SQS delivers it again', async () => {
    const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
    world.storage.drop('incoming/demo-bank/good.csv', csvOf([feedRow()]));
    const handler = makeIngestFeedHandler(() => world);

    const answer = await handler(
      sqs(
        notification('incoming/demo-bank/good.csv'),
        'not json',
        notification('incoming/demo-bank/gone.csv'),
      ),
    );

    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }]);
    expect(world.cases.cases.size).toBe(1);
  });
});

describe('escalation start requests', () => {
  it('hands malformed and still-throttled requests back to SQS, and starts the others', async () => {
    const world = createFakeWorld();
    await world.cases.upsertFromFeed({
      ...(await import('../../contracts/case-store.contract')).aCase({ accountId: 'ACC-1' }),
    });
    const sfn = new InMemoryStepFunctions(world.clock, { burst: 1, perSecond: 0.0001 });
    const handler = makeStartEscalationsHandler(() => ({
      escalations: sfn,
      cases: world.cases,
      pacing: unpaced,
    }));
    const request = (i: number) =>
      JSON.stringify({
        caseId: `demo-bank:ACC-${i}`,
        cycle: '2026-11-10',
      });

    const answer = await handler(sqs(request(1), '{"name":"x"}', request(2)));

    expect(answer.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m-1', 'm-2']);
    expect([...sfn.executions.keys()]).toEqual(['demo-bank_ACC-1_2026-11-10']);
  });
});
