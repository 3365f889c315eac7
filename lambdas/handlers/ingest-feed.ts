/**
 * SQS (the drop bucket's feed events) → load each file: S3 event notifications for `incoming/` (overdue
 * feeds) and `payments/` (payments feeds), and this function's own hand-overs of a file it could not finish
 * in one invocation. A message that fails comes back (and lands in the DLQ after a few tries); redelivered
 * events are harmless: both loads are idempotent and resume from their checkpoint.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { logger } from '../adapters/aws/logger';
import { metrics } from '../adapters/aws/metrics';
import { buildBankDirectory } from '../adapters/aws/wiring/banks';
import { buildCaseStore, buildPaymentLedger } from '../adapters/aws/wiring/dynamodb';
import { buildLargeFeedLoader } from '../adapters/aws/wiring/feed-load';
import { buildBlindIndex, buildPiiVault } from '../adapters/aws/wiring/kms';
import { once } from '../adapters/aws/wiring/lazy';
import { buildFeedStorage } from '../adapters/aws/wiring/s3';
import { buildEscalationQueue, buildFeedContinuation } from '../adapters/aws/wiring/sqs';
import { systemClock } from '../adapters/system-clock';
import { systemStopwatch } from '../adapters/system-stopwatch';
import type { FeedFileInput } from '../feeds/feed-file';
import type { TimeBudget } from '../ports/stopwatch';
import { type FeedReport, type IngestFeedDeps, ingestFeed } from '../use-cases/ingest-feed';
import { type PaymentsReport, type PostPaymentsDeps, postPayments } from '../use-cases/post-payments';

export type FeedHandlerDeps = IngestFeedDeps & PostPaymentsDeps;

/** One file to load, as a message names it. */
export type FeedFile = Omit<FeedFileInput, 'budget'>;

const s3Notification = z.object({
  Records: z.array(
    z.object({
      eventName: z.string(),
      s3: z.object({
        object: z.object({
          key: z.string().check(z.minLength(1)),
          size: z.optional(z.int().check(z.nonnegative())),
          eTag: z.optional(z.string()),
          versionId: z.optional(z.string()),
        }),
      }),
    }),
  ),
});
const continuation = z.object({
  continueFeed: z.object({
    key: z.string().check(z.minLength(1)),
    version: z.string(),
    versionId: z.optional(z.string()),
    size: z.optional(z.int().check(z.nonnegative())),
  }),
});

/** The files a message asks to load: none for S3's test event or an object outside the two feed prefixes. */
export function filesOfMessage(body: string): FeedFile[] {
  const parsed: unknown = JSON.parse(body);
  const handOver = continuation.safeParse(parsed);
  if (handOver.success) {
    const { key, version, versionId, size } = handOver.data.continueFeed;
    return [
      {
        key,
        ...(version ? { version } : {}),
        ...(versionId ? { versionId } : {}),
        ...(size !== undefined ? { size } : {}),
      },
    ];
  }
  if ((parsed as { Event?: unknown })?.Event === 's3:TestEvent') return [];
  return s3Notification.parse(parsed).Records.flatMap((record) => {
    if (!record.eventName.startsWith('ObjectCreated:')) return [];
    const { object } = record.s3;
    // S3 event keys are URL-encoded with '+' for spaces.
    const key = decodeURIComponent(object.key.replace(/\+/g, ' '));
    if (!key.startsWith('incoming/') && !key.startsWith('payments/')) return [];
    // The version identifies this upload: a redelivered event carries the same one, a re-upload a new one.
    const version = object.versionId ?? object.eTag;
    return [
      {
        key,
        ...(version ? { version } : {}),
        ...(object.versionId ? { versionId: object.versionId } : {}),
        ...(object.size !== undefined ? { size: object.size } : {}),
      },
    ];
  });
}

/** Loads one file and records its metrics; the report of a file still in progress says `continues`. */
export async function loadFeedFile(
  deps: FeedHandlerDeps,
  file: FeedFile,
  budget?: TimeBudget,
): Promise<FeedReport | PaymentsReport> {
  const input = { ...file, ...(budget ? { budget } : {}) };
  if (file.key.startsWith('payments/')) {
    const posted = await postPayments(deps, input);
    logger.info('payments posted', { ...posted });
    if (!posted.continues) {
      for (const outcome of ['read', 'applied', 'duplicate', 'paidInFull', 'rejected'] as const) {
        metrics.addMetric(`paymentRows_${outcome}`, MetricUnit.Count, posted[outcome]);
      }
    }
    return posted;
  }
  const report = await ingestFeed(deps, input);
  logger.info(
    report.continues
      ? 'feed continues in the next invocation'
      : report.handedOver
        ? 'feed handed over to its map run'
        : 'feed loaded',
    { ...report },
  );
  if (report.continues || report.handedOver) return report;
  for (const outcome of ['read', 'created', 'updated', 'cured', 'stale', 'rejected'] as const) {
    metrics.addMetric(`feedRows_${outcome}`, MetricUnit.Count, report[outcome]);
  }
  if (report.quarantined) metrics.addMetric('feedQuarantined', MetricUnit.Count, 1);
  if (report.read > 0) {
    // Per file, so one bad file alarms even on a day of many good ones.
    metrics.addMetric('feedRejectPercent', MetricUnit.Percent, (100 * report.rejected) / report.read);
  }
  return report;
}

/** Every file of every message; a message whose load fails is reported back to SQS to come again. */
export async function handleFeedMessages(
  deps: () => FeedHandlerDeps,
  event: SQSEvent,
  budget?: TimeBudget,
): Promise<{ failures: string[]; reports: Array<FeedReport | PaymentsReport> }> {
  const failures: string[] = [];
  const reports: Array<FeedReport | PaymentsReport> = [];
  for (const message of event.Records) {
    try {
      for (const file of filesOfMessage(message.body)) reports.push(await loadFeedFile(deps(), file, budget));
    } catch (error) {
      // The error's class only: messages of unexpected errors may quote feed content.
      logger.error('feed message failed', { messageId: message.messageId, error: (error as Error)?.name });
      failures.push(message.messageId);
    }
  }
  return { failures, reports };
}

export function makeIngestFeedHandler(deps: () => FeedHandlerDeps) {
  return async (
    event: SQSEvent,
    context?: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<SQSBatchResponse> => {
    const budget = context ? { remainingMs: () => context.getRemainingTimeInMillis() } : undefined;
    const { failures } = await handleFeedMessages(deps, event, budget);
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

// SDK clients are not traced here: every row would be an X-Ray subsegment, and the X-Ray SDK a third of
// the cold start (npm run bench:bundles -- --tracer-ablation). The invocation itself is still traced.
export const handler = middy(
  makeIngestFeedHandler(
    once(() => {
      const largeFeeds = buildLargeFeedLoader();
      return {
        storage: buildFeedStorage(),
        cases: buildCaseStore(),
        vault: buildPiiVault(),
        blindIndex: buildBlindIndex(),
        escalationQueue: buildEscalationQueue(),
        continuation: buildFeedContinuation(),
        ...(largeFeeds ? { largeFeeds } : {}),
        ledger: buildPaymentLedger(),
        banks: buildBankDirectory(),
        clock: systemClock,
        stopwatch: systemStopwatch,
      };
    }),
  ),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
