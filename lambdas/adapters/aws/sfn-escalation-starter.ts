/** Starts escalations on Step Functions; an existing execution of the same name counts as started before. */

import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { EscalationInput, EscalationStarter, EscalationStopper } from '../../ports/workflow';

export class SfnEscalationStarter implements EscalationStarter, EscalationStopper {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(name: string, input: EscalationInput): Promise<boolean> {
    try {
      await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return false;
      throw error;
    }
  }

  async stopEscalation(name: string): Promise<void> {
    // Execution ARNs follow from the state machine's: …:stateMachine:<machine> → …:execution:<machine>:<name>.
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    try {
      await this.sfn.send(new StopExecutionCommand({ executionArn, cause: 'case closed' }));
    } catch (error) {
      if (!(error instanceof ExecutionDoesNotExist)) throw error;
    }
  }
}
