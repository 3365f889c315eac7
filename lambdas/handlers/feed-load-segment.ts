/** Distributed Map item processor: one segment (a byte range) of a large overdue feed through the shared row loop. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { logger } from '../adapters/aws/observability';
import { awsAdapters } from '../adapters/aws/wiring';
import {
  type LoadFeedSegmentDeps,
  loadFeedSegment,
  type SegmentResult,
} from '../use-cases/load-feed-segment';

const segmentEvent = z.object({
  key: z.string().min(1),
  bankId: z.string().min(2),
  manifestKey: z.string().min(1),
  segment: z.object({
    index: z.number().int().nonnegative(),
    start: z.number().int().nonnegative(),
    end: z.number().int().nonnegative(),
    line: z.number().int().positive(),
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

export const handler = middy(
  makeFeedLoadSegmentHandler(() => ({
    storage: awsAdapters.storage(),
    cases: awsAdapters.cases(),
    vault: awsAdapters.vault(),
    blindIndex: awsAdapters.blindIndex(),
    escalations: awsAdapters.escalations(),
    escalationQueue: awsAdapters.escalationQueue(),
    banks: awsAdapters.banks(),
    clock: awsAdapters.clock(),
  })),
).use(injectLambdaContext(logger));
