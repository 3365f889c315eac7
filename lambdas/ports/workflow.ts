/** Starts escalations: Step Functions in AWS, the local interpreter offline. */

export interface EscalationInput {
  readonly caseId: string;
  readonly cycle: string;
}

export interface EscalationStarter {
  /** Starts the named execution; starting one that already exists is harmless and returns false. */
  start(name: string, input: EscalationInput): Promise<boolean>;
}

/** Stops an account's escalation when its case closes (paid, cured) rather than at its next wake-up. */
export interface EscalationStopper {
  /** Stops the named execution; an unknown or finished one is left as it is. */
  stopEscalation(name: string): Promise<void>;
}

/** What a Distributed Map run of one large feed file starts with: ids and the file, no personal data. */
export interface FeedLoadInput {
  readonly key: string;
  readonly bankId: string;
  readonly version?: string;
  /** When intake handed the file over (ISO), for the report's duration. */
  readonly startedAt: string;
}

/** Hands a large overdue feed to a Step Functions Distributed Map run (AWS only; offline loads inline). */
export interface FeedLoadStarter {
  startFeedLoad(input: FeedLoadInput): Promise<void>;
}
