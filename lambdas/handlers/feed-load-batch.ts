/** Distributed Map item processor: one batch of a large overdue feed through the shared row loop. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { logger } from '../adapters/aws/observability';
import { awsAdapters } from '../adapters/aws/wiring';
import { type BatchResult, type LoadFeedBatchDeps, loadFeedBatch } from '../use-cases/load-feed-batch';

const batchEvent = z.object({
  Items: z.array(z.object({ row: z.record(z.string(), z.unknown()), index: z.number().int().nonnegative() })),
  BatchInput: z.object({ bankId: z.string().min(2) }),
});

export function makeFeedLoadBatchHandler(deps: () => LoadFeedBatchDeps) {
  return async (event: unknown): Promise<BatchResult> => {
    const { Items, BatchInput } = batchEvent.parse(event);
    const result = await loadFeedBatch(deps(), { bankId: BatchInput.bankId, items: Items });
    logger.info('feed batch loaded', { bankId: BatchInput.bankId, ...result.counts });
    return result;
  };
}

export const handler = middy(
  makeFeedLoadBatchHandler(() => ({
    cases: awsAdapters.cases(),
    vault: awsAdapters.vault(),
    blindIndex: awsAdapters.blindIndex(),
    escalations: awsAdapters.escalations(),
    banks: awsAdapters.banks(),
    clock: awsAdapters.clock(),
  })),
).use(injectLambdaContext(logger));
