/** Escalation workflows (Step Functions in AWS, the local interpreter offline) and the buffer that starts them. */

/** What an escalation execution starts with (its execution input): ids only. */
export interface EscalationInput {
  readonly caseId: string;
  readonly cycle: string;
  /**
   * 0 for the cycle's first run; a resumed, restarted or re-overdue escalation of the same cycle takes the
   * next one, so that its execution name is new (docs/escalation-engine.md, Execution names).
   */
  readonly run: number;
}

/**
 * What a start request found, as Step Functions Standard workflows answer StartExecution:
 * - `running`: an execution of this name with this very input is running — just started, or started
 *   before (a repeated request gets the original execution, not an error);
 * - `name-taken`: the name belongs to a closed execution, or to one started with another input
 *   (`ExecutionAlreadyExists`); a name is free again only 90 days after its execution closed.
 */
export type StartOutcome = 'running' | 'name-taken';

/**
 * StartExecution or StopExecution refused for the account's rate (token buckets: StartExecution burst 1,300,
 * refill 300/s in large regions; StopExecution smaller).
 */
export class WorkflowThrottledError extends Error {
  override readonly name = 'WorkflowThrottledError';
}

/** The execution's name follows from the case, cycle and run (the adapter applies Step Functions' naming rules). */
export interface EscalationStarter {
  /** Starts the case's escalation for the cycle; throws WorkflowThrottledError when throttled. */
  start(escalation: EscalationInput): Promise<StartOutcome>;
}

/** Stops an account's escalation when its case closes (paid, cured) rather than at its next wake-up. */
export interface EscalationStopper {
  /** Stops the case's escalation for the cycle; an unknown or finished one is left as it is. */
  stopEscalation(escalation: EscalationInput): Promise<void>;
}

/**
 * One escalation to start or to stop (its case closed), or to resume after a pause or a park (the consumer
 * takes the next run on the case, then starts it): ids only.
 */
export type EscalationRequest =
  | {
      readonly action: 'start';
      readonly caseId: string;
      readonly cycle: string;
      /** Absent in requests for a cycle's first run (and in every request written before runs existed): run 0. */
      readonly run?: number;
    }
  | {
      readonly action: 'stop';
      readonly caseId: string;
      readonly cycle: string;
      /** The run to stop; when the sender does not know it (a payment), the case's current run. */
      readonly run?: number;
    }
  | {
      readonly action: 'resume';
      readonly caseId: string;
      readonly cycle: string;
      /** The run that paused or parked; the resumed one is `fromRun + 1`. */
      readonly fromRun: number;
    };

/** The escalation a start or stop request names (run 0 when it names none). */
export function escalationOf(request: {
  readonly caseId: string;
  readonly cycle: string;
  readonly run?: number;
}): EscalationInput {
  return { caseId: request.caseId, cycle: request.cycle, run: request.run ?? 0 };
}

/**
 * The buffer between intake and Step Functions (an SQS queue in AWS): intake hands requests over at its own
 * pace, a consumer starts and stops executions at the rate Step Functions allows (StartExecution and
 * StopExecution are both token buckets). At least once: a request may arrive twice, which the start's own
 * idempotency, and a stop of a stopped execution, absorb.
 */
export interface EscalationQueue {
  enqueue(requests: readonly EscalationRequest[]): Promise<void>;
}

/** What a Distributed Map run of one large feed file starts with: ids and object keys, no personal data. */
export interface FeedLoadInput {
  readonly key: string;
  readonly bankId: string;
  /** The version (S3 version id or ETag) the run loads; '' when the bucket gave none. */
  readonly version: string;
  /** The segment manifest the check pass wrote (`feed-loads/…/manifest.json`): the map's items. */
  readonly manifestKey: string;
  /** When loading this version began (ISO), for the report. */
  readonly startedAt: string;
}

/**
 * Starts a large feed's Distributed Map run (AWS only; offline files load inline): one run per file version,
 * however often it is asked. Throws WorkflowThrottledError when Step Functions refuses for its rate.
 * Intake does not call Step Functions itself: it asks the start buffer (a FeedLoadRequest), whose consumer
 * starts every execution of the account at the pace the account's StartExecution bucket allows.
 */
export interface FeedLoadStarter {
  startFeedLoad(input: FeedLoadInput): Promise<void>;
}

/** A large feed's run to start, queued in the start buffer beside the escalation requests. */
export interface FeedLoadRequest {
  readonly action: 'load-feed';
  readonly feedLoad: FeedLoadInput;
}

/** Everything the start buffer carries. */
export type StartRequest = EscalationRequest | FeedLoadRequest;

/** A file intake could not finish in one invocation, handed to the next one (an SQS message in AWS). */
export interface FeedHandOver {
  readonly key: string;
  readonly version: string;
  readonly versionId?: string;
  readonly size?: number;
}

export interface FeedContinuation {
  /** Asks for another intake run of this file version, which resumes from its checkpoint. */
  continueLater(file: FeedHandOver): Promise<void>;
}
