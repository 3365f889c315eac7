/** Distributed Map item processor: one segment (a byte range) of a large overdue feed through the shared row loop. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import { logger } from '../adapters/aws/logger';
import { buildBankDirectory } from '../adapters/aws/wiring/banks';
import { buildCaseStore } from '../adapters/aws/wiring/dynamodb';
import { buildBlindIndex, buildPiiVault } from '../adapters/aws/wiring/kms';
import { once } from '../adapters/aws/wiring/lazy';
import { buildFeedStorage } from '../adapters/aws/wiring/s3';
import { buildEscalationQueue } from '../adapters/aws/wiring/sqs';
import { systemClock } from '../adapters/system-clock';
import {
  type LoadFeedSegmentDeps,
  loadFeedSegment,
  type SegmentResult,
} from '../use-cases/load-feed-segment';

const segmentEvent = z.object({
  key: z.string().check(z.minLength(1)),
  bankId: z.string().check(z.minLength(2)),
  manifestKey: z.string().check(z.minLength(1)),
  segment: z.object({
    index: z.int().check(z.nonnegative()),
    start: z.int().check(z.nonnegative()),
    end: z.int().check(z.nonnegative()),
    line: z.int().check(z.positive()),
  }),
});

export function makeFeedLoadSegmentHandler(deps: () => LoadFeedSegmentDeps) {
  return async (event: unknown): Promise<SegmentResult> => {
    const input = segmentEvent.parse(event);
    const result = await loadFeedSegment(deps(), input);
    logger.info('feed segment loaded', { bankId: input.bankId, segment: result.index, ...result.counts });
    return result;
  };
}

// SDK clients are not traced here: every row would be an X-Ray subsegment, and the X-Ray SDK a third of
// the cold start (npm run bench:bundles -- --tracer-ablation). The invocation itself is still traced.
export const handler = middy(
  makeFeedLoadSegmentHandler(
    once(() => ({
      storage: buildFeedStorage(),
      cases: buildCaseStore(),
      vault: buildPiiVault(),
      blindIndex: buildBlindIndex(),
      escalationQueue: buildEscalationQueue(),
      banks: buildBankDirectory(),
      clock: systemClock,
    })),
  ),
).use(injectLambdaContext(logger));
