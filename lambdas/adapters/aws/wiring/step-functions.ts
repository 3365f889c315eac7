/** The workflow starters and stoppers, over one Step Functions client per container (the pattern: see lazy.ts). */

import { SFNClient } from '@aws-sdk/client-sfn';
import type { Pacing } from '../../../ports/pacing';
import type { EscalationStarter, EscalationStopper, FeedLoadStarter } from '../../../ports/workflow';
import { TokenBucketPacing } from '../../token-bucket-pacing';
import { SfnEscalationStarter } from '../sfn-escalation-starter';
import { SfnFeedLoadStarter } from '../sfn-feed-load-starter';
import { asBuilt, type Instrument, onceWith, requiredEnv } from './lazy';

// One attempt: a throttled call is waited out by the caller's pacing (start-escalations), and the SDK's own
// retries would call again outside that pace. A call that hangs gives up after 5 s instead of holding a
// worker (and its batch) until the function's timeout: the request comes again, and starts are idempotent.
const sfnClient = onceWith((instrument: Instrument) =>
  instrument(
    new SFNClient({ maxAttempts: 1, requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 } }),
  ),
);

export function buildEscalationStarter(
  instrument: Instrument = asBuilt,
): EscalationStarter & EscalationStopper {
  return new SfnEscalationStarter(sfnClient(instrument), requiredEnv('STATE_MACHINE_ARN'));
}

/**
 * Large feeds' Distributed Map runs, which intake asks for through the start buffer (see feed-load.ts). Its
 * machine is read on the first such request: were it missing, only those requests would fail, not every
 * escalation start of the consumer.
 */
export function buildFeedLoadStarter(instrument: Instrument = asBuilt): FeedLoadStarter {
  let starter: FeedLoadStarter | undefined;
  return {
    startFeedLoad: (input) => {
      starter ??= new SfnFeedLoadStarter(sfnClient(instrument), requiredEnv('FEED_LOAD_STATE_MACHINE_ARN'));
      return starter.startFeedLoad(input);
    },
  };
}

/** This consumer's share of the account's Step Functions rate (stage config: rate / event-source concurrency). */
export function buildStartPacing(): Pacing {
  return new TokenBucketPacing(Number(requiredEnv('STARTS_PER_SECOND')));
}
