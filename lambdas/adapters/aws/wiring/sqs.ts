/** The queues intake writes to, over one SQS client per container (the pattern: see lazy.ts). */

import { SQSClient } from '@aws-sdk/client-sqs';
import type { EscalationQueue, FeedContinuation, FeedLoadStarter } from '../../../ports/workflow';
import { SqsEscalationQueue, SqsFeedContinuation, SqsFeedLoadHandOver } from '../sqs-queues';
import { asBuilt, type Instrument, onceWith, requiredEnv } from './lazy';

const sqsClient = onceWith((instrument: Instrument) => instrument(new SQSClient({})));

/** Escalation start requests, for the start-escalations consumer. */
export function buildEscalationQueue(instrument: Instrument = asBuilt): EscalationQueue {
  return new SqsEscalationQueue(sqsClient(instrument), requiredEnv('ESCALATION_STARTS_QUEUE_URL'));
}

/** A large feed's map run, asked of the start buffer's consumer (see feed-load.ts). */
export function buildFeedLoadHandOver(instrument: Instrument = asBuilt): FeedLoadStarter {
  return new SqsFeedLoadHandOver(sqsClient(instrument), requiredEnv('ESCALATION_STARTS_QUEUE_URL'));
}

/** The intake function's own event queue: where it hands a file it could not finish in time. */
export function buildFeedContinuation(instrument: Instrument = asBuilt): FeedContinuation {
  return new SqsFeedContinuation(sqsClient(instrument), requiredEnv('FEED_EVENTS_QUEUE_URL'));
}
