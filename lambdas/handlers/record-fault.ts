/**
 * Step Functions task `RecordFault`: a task of the escalation failed after all its retries. Parks the case
 * through the RecordFault use case and counts `escalationsParked` (alarmed). Ids and an error name in, no cause.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { logger } from '../adapters/aws/logger';
import { metrics } from '../adapters/aws/metrics';
import type { FaultRecorded, RecordFault } from '../ports/escalation-tasks';
import { errorName, escalationIds } from './escalation-task-input';

export const recordFaultInput = escalationIds.extend({ error: errorName });

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

/**
 * INTERIM, until the RecordFault use case (lambdas/use-cases/record-fault.ts: the case's escalationState
 * `parked` with its reason, a trail entry) is wired here: the fault is logged and counted, so the parked alarm
 * fires, but the case does not show it yet. Its grants (cases UpdateItem, trail PutItem) come with it.
 */
const logAndCountOnly: RecordFault = async (input) => ({ state: 'parked', error: input.error });

export const handler = middy(makeRecordFaultHandler(() => ({ recordFault: logAndCountOnly })))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
