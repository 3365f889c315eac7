/** Escalations on Step Functions Standard workflows: StartExecution's own idempotency, StopExecution on closure. */

import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type {
  EscalationInput,
  EscalationStarter,
  EscalationStopper,
  StartOutcome,
} from '../../ports/workflow';
import { executionName } from '../execution-name';
import { refusalOf } from './sfn-refusals';

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
      throw refusalOf('StartExecution', error);
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
      throw refusalOf('StopExecution', error);
    }
  }
}
