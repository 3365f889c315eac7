/**
 * Step Functions Standard StartExecution and StopExecution as the API answers for one state machine, by
 * execution name and raw input, behind the SDK (aws-sdk-client-mock), independent of the in-memory fake:
 * the same name and the same input while running → the running execution, no second one; another input, or
 * the name of a closed execution until 90 days after it closed → ExecutionAlreadyExists; a name Step
 * Functions refuses → InvalidName; input that is not JSON or beyond 256 KiB → InvalidExecutionInput; a stop
 * of an execution never started → ExecutionDoesNotExist, of a closed one → nothing changes; a call refused
 * for the rate (`throttleNext`, or beyond a token bucket: one for starts, one for stops) → ThrottlingException,
 * starting or stopping nothing.
 */

import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidExecutionInput,
  InvalidName,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { type BucketRate, TokenBucket } from '../token-bucket';

export interface ModelExecution {
  readonly name: string;
  readonly input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'ABORTED';
  closedAt?: number;
}

const NAME_REUSE_MS = 90 * 86_400_000;

/** Besides control characters, what Step Functions refuses in a name. */
const REFUSED_IN_NAMES = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;
const MAX_INPUT_BYTES = 256 * 1024;

export class StepFunctionsModel {
  readonly executions = new Map<string, ModelExecution>();
  private throttled = 0;
  private readonly now: () => number;
  private readonly startBucket?: TokenBucket;
  private readonly stopBucket?: TokenBucket;

  constructor(
    readonly stateMachineArn: string,
    options: { readonly now?: () => number; readonly bucket?: BucketRate } = {},
  ) {
    this.now = options.now ?? (() => Date.now());
    if (options.bucket) {
      this.startBucket = new TokenBucket(options.bucket, this.now);
      this.stopBucket = new TokenBucket(options.bucket, this.now);
    }
  }

  client(): SFNClient {
    const client = new SFNClient({ region: this.stateMachineArn.split(':')[3] ?? 'ap-east-1' });
    mockClient(client)
      .on(StartExecutionCommand)
      .callsFake(async (input) => this.start(input))
      .on(StopExecutionCommand)
      .callsFake(async (input) => this.stop(input));
    return client;
  }

  /** The next `count` StartExecution calls are refused for the account's rate. */
  throttleNext(count = 1): void {
    this.throttled += count;
  }

  /** Every running execution ends. */
  finishAll(): void {
    for (const execution of this.executions.values()) {
      if (execution.status !== 'RUNNING') continue;
      execution.status = 'SUCCEEDED';
      execution.closedAt = this.now();
    }
  }

  private start({ stateMachineArn, name = '', input = '{}' }: StartExecutionCommand['input']) {
    if (stateMachineArn !== this.stateMachineArn)
      throw new StateMachineDoesNotExist({ message: 'State Machine Does Not Exist', $metadata: {} });
    if (this.throttled > 0 || (this.startBucket && !this.startBucket.take())) {
      this.throttled = Math.max(0, this.throttled - 1);
      throw rateExceeded();
    }
    if (!isValidName(name)) throw new InvalidName({ message: `Invalid Name: '${name}'`, $metadata: {} });
    if (Buffer.byteLength(input, 'utf8') > MAX_INPUT_BYTES || !isJson(input))
      throw new InvalidExecutionInput({ message: 'Invalid State Machine Execution Input', $metadata: {} });
    let existing = this.executions.get(name);
    if (existing?.closedAt !== undefined && this.now() >= existing.closedAt + NAME_REUSE_MS) {
      this.executions.delete(name);
      existing = undefined;
    }
    if (existing && !(existing.status === 'RUNNING' && existing.input === input))
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${name}'`, $metadata: {} });
    if (!existing) this.executions.set(name, { name, input, status: 'RUNNING' });
    return {
      executionArn: `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
      startDate: new Date(),
    };
  }

  private stop({ executionArn = '' }: StopExecutionCommand['input']) {
    if (this.stopBucket && !this.stopBucket.take()) throw rateExceeded();
    const prefix = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:`;
    const execution = executionArn.startsWith(prefix)
      ? this.executions.get(executionArn.slice(prefix.length))
      : undefined;
    if (!execution) throw new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });
    if (execution.status === 'RUNNING') {
      execution.status = 'ABORTED';
      execution.closedAt = this.now();
    }
    return { stopDate: new Date(this.now()) };
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

function rateExceeded(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client' });
}

/** 1–80 characters, none of them whitespace, < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : / or a control character. */
function isValidName(name: string): boolean {
  const control = [...name].some((char) => {
    const code = char.codePointAt(0) ?? 0;
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
  });
  return name.length >= 1 && name.length <= 80 && !control && !REFUSED_IN_NAMES.test(name);
}
