/**
 * The hand-over of a large feed to its Distributed Map run. Intake does not start the run itself: it queues
 * the request in the start buffer (sqs.ts), whose consumer starts every execution at the account's pace, so
 * intake's bundle carries no Step Functions client (the pattern: see lazy.ts).
 */

import type { FeedLoadStarter } from '../../../ports/workflow';
import { buildFeedLoadHandOver } from './sqs';

/** Undefined where the function is not given a threshold (offline, every file loads inline). */
export function buildLargeFeedLoader(): { thresholdBytes: number; loader: FeedLoadStarter } | undefined {
  const threshold = process.env.LARGE_FEED_BYTES;
  if (!threshold) return undefined;
  return { thresholdBytes: Number(threshold), loader: buildFeedLoadHandOver() };
}
