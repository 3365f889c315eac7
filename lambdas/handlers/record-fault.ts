/**
 * Step Functions task `RecordFault`: a task of the escalation failed after all its retries. Parks the case
 * through the RecordFault use case and counts `escalationsParked` (alarmed). Ids and an error name in, no cause.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import { logger } from '../adapters/aws/logger';
import { metrics } from '../adapters/aws/metrics';
import { traced } from '../adapters/aws/tracer';
import { buildCaseStore, buildTrail } from '../adapters/aws/wiring/dynamodb';
import { once } from '../adapters/aws/wiring/lazy';
import { systemClock } from '../adapters/system-clock';
import type { FaultRecorded, RecordFault, RecordFaultInput } from '../ports/escalation-tasks';
import { recordFault } from '../use-cases/record-fault';
import { errorName, escalationIds } from './escalation-task-input';

export const recordFaultInput = z.extend(escalationIds, { error: errorName });

export interface RecordFaultHandlerDeps {
  readonly recordFault: RecordFault;
}

export function makeRecordFaultHandler(deps: () => RecordFaultHandlerDeps) {
  return async (event: unknown): Promise<FaultRecorded> => {
    const input = recordFaultInput.parse(event);
    const recorded = await deps().recordFault(input);
    logger.warn('escalation parked', { caseId: input.caseId, run: input.run, error: input.error });
    metrics.addMetric('escalationsParked', MetricUnit.Count, 1);
    return recorded;
  };
}

export const handler = middy(
  makeRecordFaultHandler(
    once(() => {
      const deps = { cases: buildCaseStore(traced), trail: buildTrail(traced), clock: systemClock };
      return { recordFault: (input: RecordFaultInput) => recordFault(deps, input) };
    }),
  ),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
