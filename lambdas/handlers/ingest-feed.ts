/**
 * S3 ObjectCreated on `incoming/` (overdue feeds) and `payments/` (payments feeds) → load the file.
 * Redelivered events are harmless: both loads are idempotent.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import { logger } from '../adapters/aws/logger';
import { metrics } from '../adapters/aws/metrics';
import { buildBankDirectory } from '../adapters/aws/wiring/banks';
import { buildCaseStore, buildPaymentLedger } from '../adapters/aws/wiring/dynamodb';
import { buildBlindIndex, buildPiiVault } from '../adapters/aws/wiring/kms';
import { once } from '../adapters/aws/wiring/lazy';
import { buildFeedStorage } from '../adapters/aws/wiring/s3';
import { buildEscalationStarter, buildLargeFeedLoader } from '../adapters/aws/wiring/step-functions';
import { systemClock } from '../adapters/system-clock';
import { type FeedReport, type IngestFeedDeps, ingestFeed } from '../use-cases/ingest-feed';
import { type PaymentsReport, type PostPaymentsDeps, postPayments } from '../use-cases/post-payments';

export type FeedHandlerDeps = IngestFeedDeps & PostPaymentsDeps;

export function makeIngestFeedHandler(deps: () => FeedHandlerDeps) {
  return async (event: S3Event): Promise<Array<FeedReport | PaymentsReport>> => {
    const reports: Array<FeedReport | PaymentsReport> = [];
    for (const record of event.Records) {
      // S3 event keys are URL-encoded with '+' for spaces.
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
      // The version identifies this upload: a redelivered event carries the same one, a re-upload a new one.
      const version = record.s3.object.versionId ?? record.s3.object.eTag;
      if (key.startsWith('payments/')) {
        const posted = await postPayments(deps(), { key, ...(version ? { version } : {}) });
        logger.info('payments posted', { ...posted });
        for (const outcome of ['read', 'applied', 'duplicate', 'paidInFull', 'rejected'] as const) {
          metrics.addMetric(`paymentRows_${outcome}`, MetricUnit.Count, posted[outcome]);
        }
        reports.push(posted);
        continue;
      }
      if (!key.startsWith('incoming/')) continue;
      const size = record.s3.object.size;
      const report = await ingestFeed(deps(), {
        key,
        ...(version ? { version } : {}),
        ...(size ? { size } : {}),
      });
      logger.info('feed loaded', { ...report });
      for (const outcome of ['read', 'created', 'updated', 'cured', 'stale', 'rejected'] as const) {
        metrics.addMetric(`feedRows_${outcome}`, MetricUnit.Count, report[outcome]);
      }
      if (report.quarantined) metrics.addMetric('feedQuarantined', MetricUnit.Count, 1);
      if (report.read > 0) {
        // Per file, so one bad file alarms even on a day of many good ones.
        metrics.addMetric('feedRejectPercent', MetricUnit.Percent, (100 * report.rejected) / report.read);
      }
      reports.push(report);
    }
    return reports;
  };
}

export const handler = middy(
  makeIngestFeedHandler(
    once(() => {
      const largeFeeds = buildLargeFeedLoader();
      return {
        storage: buildFeedStorage(),
        cases: buildCaseStore(),
        vault: buildPiiVault(),
        blindIndex: buildBlindIndex(),
        escalations: buildEscalationStarter(),
        ...(largeFeeds ? { largeFeeds } : {}),
        ledger: buildPaymentLedger(),
        banks: buildBankDirectory(),
        clock: systemClock,
      };
    }),
  ),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
