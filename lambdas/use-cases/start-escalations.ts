/**
 * Starts the escalations intake asked for, and stops those of closed cases, at the pace Step Functions
 * allows, each start exactly once; and starts the map runs of the large feeds intake handed over, at the same
 * pace (the account has one StartExecution bucket, whichever machine a start is for).
 * Input: requests from the buffer (at least once, in any order). Output: what happened to each.
 * 1. Wait for the pace (a share of the configured calls per second) before each StartExecution or
 *    StopExecution.
 * 2. Start the execution under its deterministic name, or stop it; a throttled call waits (backoff with
 *    jitter) and tries again a few times, then is handed back to the buffer to come again later.
 * 3. Record on the case that its cycle's escalation is running: the first record is the one real start,
 *    so `started` counts escalations, not deliveries.
 * A resume first takes the case's next run (the same one again when the request comes twice), then starts
 * it like any start: a fresh execution name, the ladder where the case stood. A stop without a run stops
 * the case's current run.
 */

import type { CaseStore } from '../ports/case-store';
import type { Pacing } from '../ports/pacing';
import {
  type EscalationStarter,
  type EscalationStopper,
  type FeedLoadStarter,
  type StartRequest,
  WorkflowThrottledError,
} from '../ports/workflow';

export interface StartEscalationsDeps {
  readonly escalations: EscalationStarter & EscalationStopper;
  /** Large feeds' map runs (AWS only: offline, files load inline and nothing asks for one). */
  readonly feedLoads?: FeedLoadStarter;
  readonly cases: Pick<CaseStore, 'markEscalationStarted' | 'beginRun' | 'get'>;
  readonly pacing: Pacing;
}

export interface StartReport<Request extends StartRequest = StartRequest> {
  /** Escalations this run started (first recorded start of the case's cycle). */
  started: number;
  /** Requests for an escalation already running and recorded (a redelivery, or a request repeated by intake). */
  alreadyRunning: number;
  /**
   * Requests whose execution name is taken by a closed execution whose start was recorded: nothing to start
   * until the name frees.
   */
  nameTaken: number;
  /** Escalations stopped (their cases closed); a stop of an unknown or finished execution counts too. */
  stopped: number;
  /** Resumes whose run was taken by a later one, or whose case left the cycle: nothing to start. */
  superseded: number;
  /** Large feeds' map runs started, or found already started (a repeated hand-over starts nothing more). */
  feedLoadsStarted: number;
  /** Throttled StartExecution calls absorbed by waiting. */
  throttles: number;
  /** Requests to deliver again later: still throttled after the retries here, or failed (see `errors`). */
  retryLater: Request[];
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

export async function startEscalations<Request extends StartRequest>(
  deps: StartEscalationsDeps,
  requests: readonly Request[],
): Promise<StartReport<Request>> {
  const report: StartReport<Request> = {
    started: 0,
    alreadyRunning: 0,
    nameTaken: 0,
    stopped: 0,
    superseded: 0,
    feedLoadsStarted: 0,
    throttles: 0,
    retryLater: [],
    errors: [],
  };
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++] as Request;
      try {
        if (request.action === 'load-feed') {
          const feedLoads = deps.feedLoads;
          if (!feedLoads) throw new Error('no feed-load state machine is configured');
          if (await paced(deps, report, () => feedLoads.startFeedLoad(request.feedLoad)))
            report.feedLoadsStarted++;
          else report.retryLater.push(request);
          continue;
        }
        if (request.action === 'stop') {
          const run = request.run ?? (await deps.cases.get(request.caseId))?.escalationRun ?? 0;
          const stop = { caseId: request.caseId, cycle: request.cycle, run };
          if (await paced(deps, report, () => deps.escalations.stopEscalation(stop))) report.stopped++;
          else report.retryLater.push(request);
          continue;
        }
        const run =
          request.action === 'resume'
            ? await deps.cases.beginRun(request.caseId, request.cycle, request.fromRun)
            : (request.run ?? 0);
        if (run === undefined) {
          report.superseded++;
          continue;
        }
        const escalation = { caseId: request.caseId, cycle: request.cycle, run };
        const outcome = (await paced(deps, report, () => deps.escalations.start(escalation)))?.value;
        if (outcome === undefined) report.retryLater.push(request);
        else if (outcome === 'name-taken') {
          // The name is this escalation's own (case, cycle and run make it). Not yet recorded as started, it
          // is this request's own start: an earlier delivery started it and failed before recording, and the
          // execution has closed since (paused at once, stopped). Recorded, the case counts it as started and
          // intake stops asking again. Already recorded, a closed run holds the name (a case reopened in the
          // cycle): nothing runs for it until its next cycle.
          if (await deps.cases.markEscalationStarted(request.caseId, request.cycle, run)) report.started++;
          else report.nameTaken++;
        } else if (await deps.cases.markEscalationStarted(request.caseId, request.cycle, run))
          report.started++;
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

/** One Step Functions call at the pace, throttles waited out a few times; undefined when still throttled. */
async function paced<T>(
  deps: StartEscalationsDeps,
  report: Pick<StartReport, 'throttles'>,
  call: () => Promise<T>,
) {
  for (let attempt = 1; ; attempt++) {
    await deps.pacing.next();
    try {
      return { value: await call() };
    } catch (error) {
      if (!(error instanceof WorkflowThrottledError)) throw error;
      report.throttles++;
      if (attempt >= ATTEMPTS) return undefined;
      await deps.pacing.afterThrottle(attempt);
    }
  }
}
