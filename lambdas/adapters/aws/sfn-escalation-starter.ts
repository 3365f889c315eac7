/** Escalations on Step Functions Standard workflows: StartExecution's own idempotency, StopExecution on closure. */

import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  type EscalationInput,
  type EscalationStarter,
  type EscalationStopper,
  type StartOutcome,
  WorkflowThrottledError,
} from '../../ports/workflow';
import { executionName } from '../execution-name';

/** Refusals that pass with time: the account's StartExecution bucket, open executions at the quota, KMS. */
const RETRY_LATER: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ExecutionLimitExceeded',
  'KmsThrottlingException',
]);

export class SfnEscalationStarter implements EscalationStarter, EscalationStopper {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(input: EscalationInput): Promise<StartOutcome> {
    const name = executionName(input);
    try {
      // Same name and same input while the execution runs: Standard workflows answer with that execution.
      // The input is exactly these three ids, so a repeated request is always "the same input".
      await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify({ caseId: input.caseId, cycle: input.cycle, run: input.run }),
        }),
      );
      return 'running';
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return 'name-taken';
      if (RETRY_LATER.has((error as Error).name)) {
        throw new WorkflowThrottledError(`StartExecution refused: ${(error as Error).name}`);
      }
      throw error;
    }
  }

  async stopEscalation(escalation: EscalationInput): Promise<void> {
    const name = executionName(escalation);
    // Execution ARNs follow from the state machine's: …:stateMachine:<machine> → …:execution:<machine>:<name>.
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    try {
      await this.sfn.send(new StopExecutionCommand({ executionArn, cause: 'case closed' }));
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return;
      if (RETRY_LATER.has((error as Error).name)) {
        throw new WorkflowThrottledError(`StopExecution refused: ${(error as Error).name}`);
      }
      throw error;
    }
  }
}
