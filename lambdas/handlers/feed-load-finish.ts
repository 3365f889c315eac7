/** The Distributed Map run's last step: add up the segments, write the feed's report and rejects. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import { logger } from '../adapters/aws/logger';
import { once } from '../adapters/aws/wiring/lazy';
import { buildFeedStorage } from '../adapters/aws/wiring/s3';
import { systemClock } from '../adapters/system-clock';
import type { Clock } from '../ports/clock';
import type { FeedStorage } from '../ports/feed-storage';
import { finishFeedLoad } from '../use-cases/finish-feed-load';
import type { FeedReport } from '../use-cases/ingest-feed';

const finishEvent = z.object({
  key: z.string().check(z.minLength(1)),
  bankId: z.string().check(z.minLength(2)),
  version: z.string(),
  startedAt: z.string().check(z.minLength(1)),
  manifestKey: z.string().check(z.minLength(1)),
  resultManifestKey: z.string().check(z.minLength(1)),
});

export function makeFeedLoadFinishHandler(deps: () => { storage: FeedStorage; clock: Clock }) {
  return async (event: unknown): Promise<FeedReport> => {
    const report = await finishFeedLoad(deps(), finishEvent.parse(event));
    logger.info('feed loaded by distributed map', { ...report });
    return report;
  };
}

// SDK clients are not traced here: every row would be an X-Ray subsegment, and the X-Ray SDK a third of
// the cold start (npm run bench:bundles -- --tracer-ablation). The invocation itself is still traced.
export const handler = middy(
  makeFeedLoadFinishHandler(once(() => ({ storage: buildFeedStorage(), clock: systemClock }))),
).use(injectLambdaContext(logger));
