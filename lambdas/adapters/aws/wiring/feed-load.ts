/**
 * The hand-over of a large feed to its Distributed Map run. Intake needs Step Functions for nothing else,
 * and most invocations never meet a large file: the client (a tenth of intake's cold start) is loaded by
 * the first hand-over, not at import (the pattern: see lazy.ts).
 */

import type { FeedLoadStarter } from '../../../ports/workflow';
import { asBuilt, type Instrument, requiredEnv } from './lazy';

/** Undefined where the function is not given the map. */
export function buildLargeFeedLoader(
  instrument: Instrument = asBuilt,
): { thresholdBytes: number; loader: FeedLoadStarter } | undefined {
  const arn = process.env.FEED_LOAD_STATE_MACHINE_ARN;
  if (!arn) return undefined;
  let starter: Promise<FeedLoadStarter> | undefined;
  return {
    thresholdBytes: Number(requiredEnv('LARGE_FEED_BYTES')),
    loader: {
      startFeedLoad: async (input) => {
        starter ??= import('./step-functions').then((module) => module.buildFeedLoadStarter(instrument, arn));
        return (await starter).startFeedLoad(input);
      },
    },
  };
}
