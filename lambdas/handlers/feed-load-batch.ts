/** Distributed Map item processor: one batch of a large overdue feed through the shared row loop. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import { logger } from '../adapters/aws/logger';
import { buildBankDirectory } from '../adapters/aws/wiring/banks';
import { buildCaseStore } from '../adapters/aws/wiring/dynamodb';
import { buildBlindIndex, buildPiiVault } from '../adapters/aws/wiring/kms';
import { once } from '../adapters/aws/wiring/lazy';
import { buildEscalationStarter } from '../adapters/aws/wiring/step-functions';
import { systemClock } from '../adapters/system-clock';
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
  makeFeedLoadBatchHandler(
    once(() => ({
      cases: buildCaseStore(),
      vault: buildPiiVault(),
      blindIndex: buildBlindIndex(),
      escalations: buildEscalationStarter(),
      banks: buildBankDirectory(),
      clock: systemClock,
    })),
  ),
).use(injectLambdaContext(logger));
