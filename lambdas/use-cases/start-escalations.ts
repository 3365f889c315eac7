/**
 * Starts the escalations intake asked for, at the pace Step Functions allows, each exactly once.
 * Input: start requests from the buffer (at least once, in any order). Output: what happened to each.
 * 1. Wait for the pace (a share of the configured starts per second) before each StartExecution.
 * 2. Start the execution under its deterministic name; a throttled start waits (backoff with jitter) and
 *    tries again a few times, then is handed back to the buffer to come again later — never dropped.
 * 3. Record on the case that its cycle's escalation is running: the first record is the one real start,
 *    so `started` counts escalations, not deliveries.
 */

import type { CaseStore } from '../ports/case-store';
import type { Pacing } from '../ports/pacing';
import { type EscalationRequest, type EscalationStarter, StartThrottledError } from '../ports/workflow';

export interface StartEscalationsDeps {
  readonly escalations: EscalationStarter;
  readonly cases: Pick<CaseStore, 'markEscalationStarted'>;
  readonly pacing: Pacing;
}

export interface StartReport {
  /** Escalations this run started (first recorded start of the case's cycle). */
  started: number;
  /** Requests for an escalation already running and recorded (a redelivery, or a request repeated by intake). */
  alreadyRunning: number;
  /** Requests whose execution name is taken by a closed execution: nothing to start until the name frees. */
  nameTaken: number;
  /** Throttled StartExecution calls absorbed by waiting. */
  throttles: number;
  /** Requests to deliver again later: still throttled after the retries here, or failed (see `errors`). */
  retryLater: EscalationRequest[];
  /** Names of the errors that sent a request back (ids and error names only, never data). */
  errors: string[];
}

/** Throttled attempts waited out within one run before a request goes back to the buffer. */
const ATTEMPTS = 4;
/**
 * Starts in flight: each takes ~25 ms and the pace allows a few hundred a second, so one at a time would
 * leave the rate unused (npm run bench:cloud). The pacing, not this, sets the rate.
 */
const IN_FLIGHT = 10;

export async function startEscalations(
  deps: StartEscalationsDeps,
  requests: readonly EscalationRequest[],
): Promise<StartReport> {
  const report: StartReport = {
    started: 0,
    alreadyRunning: 0,
    nameTaken: 0,
    throttles: 0,
    retryLater: [],
    errors: [],
  };
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++] as EscalationRequest;
      try {
        const outcome = await startOne(deps, request, report);
        if (outcome === undefined) report.retryLater.push(request);
        else if (outcome === 'name-taken') report.nameTaken++;
        else if (await deps.cases.markEscalationStarted(request.caseId, request.cycle)) report.started++;
        else report.alreadyRunning++;
      } catch (error) {
        // One failing request does not hold up the others; it comes again (and ends in the DLQ if it keeps failing).
        report.retryLater.push(request);
        report.errors.push((error as Error)?.name ?? 'Error');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, requests.length) }, worker));
  return report;
}

async function startOne(deps: StartEscalationsDeps, request: EscalationRequest, report: StartReport) {
  for (let attempt = 1; ; attempt++) {
    await deps.pacing.next();
    try {
      return await deps.escalations.start({ caseId: request.caseId, cycle: request.cycle });
    } catch (error) {
      if (!(error instanceof StartThrottledError)) throw error;
      report.throttles++;
      if (attempt >= ATTEMPTS) return undefined;
      await deps.pacing.afterThrottle(attempt);
    }
  }
}
