/**
 * SQS (the start buffer: escalations to start, stop or resume, large feeds to load) → StartExecution or
 * StopExecution at the configured pace. Requests still throttled after a few waits, or failing, are reported
 * back to SQS and come again later; never dropped, never doubled.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { logger } from '../adapters/aws/logger';
import { metrics } from '../adapters/aws/metrics';
import { traced } from '../adapters/aws/tracer';
import { buildCaseStore } from '../adapters/aws/wiring/dynamodb';
import { once } from '../adapters/aws/wiring/lazy';
import {
  buildEscalationStarter,
  buildFeedLoadStarter,
  buildStartPacing,
} from '../adapters/aws/wiring/step-functions';
import type { StartRequest } from '../ports/workflow';
import { type StartEscalationsDeps, startEscalations } from '../use-cases/start-escalations';

const ids = {
  caseId: z.string().check(z.minLength(3), z.maxLength(200)),
  cycle: z.string().check(z.minLength(1), z.maxLength(40)),
};
const run = z.int().check(z.minimum(0), z.maximum(10_000));
const startRequest = z.union([
  // Requests written before stops and runs went through the buffer carry neither: they start run 0.
  z.object({ action: z._default(z.literal('start'), 'start'), ...ids, run: z._default(run, 0) }),
  z.object({ action: z.literal('stop'), ...ids, run: z.optional(run) }),
  z.object({ action: z.literal('resume'), ...ids, fromRun: run }),
  // A large feed intake hands to its map run (S3 keys are at most 1,024 bytes).
  z.object({
    action: z.literal('load-feed'),
    feedLoad: z.object({
      key: z.string().check(z.minLength(1), z.maxLength(1024)),
      bankId: z.string().check(z.minLength(1), z.maxLength(64)),
      version: z.string().check(z.maxLength(1024)),
      manifestKey: z.string().check(z.minLength(1), z.maxLength(1024)),
      startedAt: z.string().check(z.minLength(1), z.maxLength(40)),
    }),
  }),
]);

export function makeStartEscalationsHandler(deps: () => StartEscalationsDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: string[] = [];
    const requests: StartRequest[] = [];
    const messageOf = new Map<StartRequest, string>();
    for (const message of event.Records) {
      const parsed = startRequest.safeParse(safeJson(message.body));
      if (!parsed.success) {
        // Malformed: no retry makes it better; it goes to the DLQ after its receives, visible and alarmed.
        logger.error('malformed start request', { messageId: message.messageId });
        failures.push(message.messageId);
        continue;
      }
      requests.push(parsed.data);
      messageOf.set(parsed.data, message.messageId);
    }
    const report = await startEscalations(deps(), requests);
    for (const request of report.retryLater) failures.push(messageOf.get(request) as string);
    const { started, alreadyRunning, nameTaken, stopped, feedLoadsStarted, throttles, errors } = report;
    logger.info('escalation starts', {
      started,
      feedLoadsStarted,
      alreadyRunning,
      nameTaken,
      stopped,
      throttles,
      retryLater: report.retryLater.length,
      errors,
    });
    metrics.addMetric('escalationsStarted', MetricUnit.Count, started);
    metrics.addMetric('escalationStartThrottles', MetricUnit.Count, throttles);
    metrics.addMetric('feedLoadsStarted', MetricUnit.Count, feedLoadsStarted);
    // A start refused because the name is taken (a case reopened in the cycle of a closed execution): no
    // escalation runs for it until its next cycle. Counted so that it shows, and can be alarmed on.
    metrics.addMetric('escalationNameTaken', MetricUnit.Count, nameTaken);
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const handler = middy(
  makeStartEscalationsHandler(
    once(() => ({
      escalations: buildEscalationStarter(traced),
      feedLoads: buildFeedLoadStarter(traced),
      cases: buildCaseStore(traced),
      pacing: buildStartPacing(),
    })),
  ),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
