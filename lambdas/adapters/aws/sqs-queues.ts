/**
 * The two SQS queues intake writes to: the start buffer (escalations to start or stop, large feeds to hand
 * to their map run), and its own event queue (the hand-over of an unfinished file).
 */

import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type {
  EscalationQueue,
  EscalationRequest,
  FeedContinuation,
  FeedHandOver,
  FeedLoadInput,
  FeedLoadRequest,
  FeedLoadStarter,
} from '../../ports/workflow';
import { backoffWithJitter } from '../backoff';

/** SendMessageBatch takes at most 10 entries. */
const BATCH = 10;
/** Entries a batch call may fail without the call failing (throttling, an internal error) are sent again. */
const ATTEMPTS = 5;

export class SqsEscalationQueue implements EscalationQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly pause: (attempt: number) => Promise<void> = backoffWithJitter(50, 2_000),
  ) {}

  async enqueue(requests: readonly EscalationRequest[]): Promise<void> {
    for (let at = 0; at < requests.length; at += BATCH) {
      let pending = requests.slice(at, at + BATCH).map((request, i) => ({
        Id: String(i),
        MessageBody: JSON.stringify(messageOf(request)),
      }));
      for (let attempt = 1; pending.length > 0; attempt++) {
        const out = await this.sqs.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }),
        );
        const failures = out.Failed ?? [];
        // A sender fault (a malformed entry) fails the same way every time: no point in sending it again.
        if (failures.some((failure) => failure.SenderFault) || (failures.length > 0 && attempt >= ATTEMPTS)) {
          throw new Error(
            `${failures.length} escalation request(s) not accepted by SQS (attempt ${attempt})`,
          );
        }
        const failed = new Set(failures.map((failure) => failure.Id));
        pending = pending.filter((entry) => failed.has(entry.Id));
        if (pending.length > 0) await this.pause(attempt);
      }
    }
  }
}

/**
 * A large feed's map run, asked of the start buffer's consumer (start-escalations), which starts it under a
 * name made of the file version, at the account's StartExecution pace. Intake thus needs no Step Functions
 * client (a sixteenth of its bundle): `npm run bench:bundles`. A request sent twice starts one run.
 */
export class SqsFeedLoadHandOver implements FeedLoadStarter {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async startFeedLoad(input: FeedLoadInput): Promise<void> {
    const { key, bankId, version, manifestKey, startedAt } = input;
    const request: FeedLoadRequest = {
      action: 'load-feed',
      feedLoad: { key, bankId, version, manifestKey, startedAt },
    };
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: sqsSafeJson(request) }),
    );
  }
}

/** The intake function's own event queue: a continuation is a message it will receive again. */
export class SqsFeedContinuation implements FeedContinuation {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async continueLater(file: FeedHandOver): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: sqsSafeJson({ continueFeed: file }),
      }),
    );
  }
}

/**
 * JSON that SQS accepts whatever the strings in it hold. SQS refuses a body with a character outside
 * #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF, and an S3 key may hold any valid UTF-8:
 * JSON.stringify already escapes the control characters and lone surrogates, which leaves U+FFFE and U+FFFF.
 */
function sqsSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\ufffe\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`);
}

/** The request's ids and nothing else (a request object may carry more at runtime than its type says). */
function messageOf(request: EscalationRequest): EscalationRequest {
  const { caseId, cycle } = request;
  if (request.action === 'resume') return { action: 'resume', caseId, cycle, fromRun: request.fromRun };
  return {
    action: request.action,
    caseId,
    cycle,
    ...(request.run !== undefined ? { run: request.run } : {}),
  };
}
