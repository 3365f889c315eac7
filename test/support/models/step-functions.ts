/**
 * Step Functions Standard StartExecution as the API answers for one state machine, by execution name and raw
 * input, behind the SDK (aws-sdk-client-mock): the same name and the same input while running → the running
 * execution, no second one; another input, or the name of a closed execution (for 90 days, longer than any
 * test here runs) → ExecutionAlreadyExists; a name Step Functions refuses → InvalidName; input that is not
 * JSON or beyond 256 KiB → InvalidExecutionInput; a throttled call → ThrottlingException, starting nothing.
 */

import {
  ExecutionAlreadyExists,
  InvalidExecutionInput,
  InvalidName,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';

export interface ModelExecution {
  readonly name: string;
  readonly input: string;
  status: 'RUNNING' | 'SUCCEEDED';
}

/** Besides control characters, what Step Functions refuses in a name. */
const REFUSED_IN_NAMES = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;
const MAX_INPUT_BYTES = 256 * 1024;

export class StepFunctionsModel {
  readonly executions = new Map<string, ModelExecution>();
  private throttled = 0;

  constructor(readonly stateMachineArn: string) {}

  client(): SFNClient {
    const client = new SFNClient({ region: this.stateMachineArn.split(':')[3] ?? 'ap-east-1' });
    mockClient(client)
      .on(StartExecutionCommand)
      .callsFake(async (input) => this.start(input));
    return client;
  }

  /** The next `count` StartExecution calls are refused for the account's rate. */
  throttleNext(count = 1): void {
    this.throttled += count;
  }

  /** Every running execution ends. */
  finishAll(): void {
    for (const execution of this.executions.values()) execution.status = 'SUCCEEDED';
  }

  private start({ stateMachineArn, name = '', input = '{}' }: StartExecutionCommand['input']) {
    if (stateMachineArn !== this.stateMachineArn)
      throw new StateMachineDoesNotExist({ message: 'State Machine Does Not Exist', $metadata: {} });
    if (this.throttled > 0) {
      this.throttled--;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client' });
    }
    if (!isValidName(name)) throw new InvalidName({ message: `Invalid Name: '${name}'`, $metadata: {} });
    if (Buffer.byteLength(input, 'utf8') > MAX_INPUT_BYTES || !isJson(input))
      throw new InvalidExecutionInput({ message: 'Invalid State Machine Execution Input', $metadata: {} });
    const existing = this.executions.get(name);
    if (existing && !(existing.status === 'RUNNING' && existing.input === input))
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${name}'`, $metadata: {} });
    if (!existing) this.executions.set(name, { name, input, status: 'RUNNING' });
    return {
      executionArn: `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
      startDate: new Date(),
    };
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** 1–80 characters, none of them whitespace, < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : / or a control character. */
function isValidName(name: string): boolean {
  const control = [...name].some((char) => {
    const code = char.codePointAt(0) ?? 0;
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
  });
  return name.length >= 1 && name.length <= 80 && !control && !REFUSED_IN_NAMES.test(name);
}
