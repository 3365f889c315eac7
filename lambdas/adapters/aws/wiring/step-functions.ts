/** The workflow starters, over one Step Functions client per container (the pattern: see lazy.ts). */

import { SFNClient } from '@aws-sdk/client-sfn';
import type { Pacing } from '../../../ports/pacing';
import type { EscalationStarter, EscalationStopper, FeedLoadStarter } from '../../../ports/workflow';
import { TokenBucketPacing } from '../../token-bucket-pacing';
import { SfnEscalationStarter } from '../sfn-escalation-starter';
import { SfnFeedLoadStarter } from '../sfn-feed-load-starter';
import { asBuilt, type Instrument, onceWith, requiredEnv } from './lazy';

const sfnClient = onceWith((instrument: Instrument) => instrument(new SFNClient({})));

export function buildEscalationStarter(
  instrument: Instrument = asBuilt,
): EscalationStarter & EscalationStopper {
  return new SfnEscalationStarter(sfnClient(instrument), requiredEnv('STATE_MACHINE_ARN'));
}

/** The Distributed Map hand-over of large feeds; undefined where the function is not given the map. */
export function buildLargeFeedLoader(
  instrument: Instrument = asBuilt,
): { thresholdBytes: number; loader: FeedLoadStarter } | undefined {
  const arn = process.env.FEED_LOAD_STATE_MACHINE_ARN;
  if (!arn) return undefined;
  return {
    thresholdBytes: Number(requiredEnv('LARGE_FEED_BYTES')),
    loader: new SfnFeedLoadStarter(sfnClient(instrument), arn),
  };
}

/** This consumer's share of the account's StartExecution rate (stage config: rate / event-source concurrency). */
export function buildStartPacing(): Pacing {
  return new TokenBucketPacing(Number(requiredEnv('STARTS_PER_SECOND')));
}
