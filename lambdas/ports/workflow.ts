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
