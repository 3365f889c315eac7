/** Starts escalations: Step Functions in AWS, the local interpreter offline. */

export interface EscalationInput {
  readonly caseId: string;
  readonly cycle: string;
}

export interface EscalationStarter {
  /** Starts the named execution; starting one that already exists is harmless and returns false. */
  start(name: string, input: EscalationInput): Promise<boolean>;
}
