/** Step Functions Standard workflows in memory, as StartExecution and StopExecution really answer. */

import { executionName } from '../../../lambdas/adapters/execution-name';
import type { Clock } from '../../../lambdas/ports/clock';
import {
  type EscalationInput,
  type EscalationStarter,
  type EscalationStopper,
  type StartOutcome,
  WorkflowThrottledError,
} from '../../../lambdas/ports/workflow';
import { type BucketRate, TokenBucket } from '../token-bucket';

const NAME_REUSE_MS = 90 * 86_400_000;

export interface Execution {
  readonly name: string;
  readonly input: EscalationInput;
  status: 'RUNNING' | 'SUCCEEDED' | 'ABORTED';
  readonly startedAt: number;
  stoppedAt?: number;
}

/**
 * - same name and same input while running → `running`, no second execution (Standard workflows'
 *   idempotent start);
 * - a closed execution's name, or another input → `name-taken` (ExecutionAlreadyExists), until 90 days
 *   after the execution closed;
 * - with `throttle`, a token bucket (AWS: burst 1,300, refill 300/s) on the clock for StartExecution, and
 *   another of the same rate for StopExecution: beyond it WorkflowThrottledError, and nothing started or
 *   stopped.
 */
export class InMemoryStepFunctions implements EscalationStarter, EscalationStopper {
  readonly executions = new Map<string, Execution>();
  /** Every accepted StartExecution call, repeats included. */
  readonly calls: Array<{ name: string; input: EscalationInput }> = [];
  /** StartExecution calls refused for the rate. */
  throttled = 0;
  /** Names StopExecution was called for, in order. */
  readonly stopped: string[] = [];
  private readonly startBucket?: TokenBucket;
  private readonly stopBucket?: TokenBucket;

  constructor(
    private readonly clock: Clock = { now: () => new Date(0) },
    throttle?: BucketRate,
  ) {
    const now = () => clock.now().getTime();
    if (throttle) {
      this.startBucket = new TokenBucket(throttle, now);
      this.stopBucket = new TokenBucket(throttle, now);
    }
  }

  /** The executions ever started, by name, with their input (the first start of each). */
  get started(): Map<string, EscalationInput> {
    return new Map([...this.executions.values()].map((execution) => [execution.name, execution.input]));
  }

  running(): string[] {
    return [...this.executions.values()].filter((e) => e.status === 'RUNNING').map((e) => e.name);
  }

  async start(input: EscalationInput): Promise<StartOutcome> {
    const name = executionName(input);
    const now = this.clock.now().getTime();
    if (this.startBucket && !this.startBucket.take()) {
      this.throttled++;
      throw new WorkflowThrottledError('StartExecution refused: ThrottlingException');
    }
    this.calls.push({ name, input: { ...input } });
    const existing = this.executions.get(name);
    if (existing) {
      const sameInput =
        existing.input.caseId === input.caseId &&
        existing.input.cycle === input.cycle &&
        existing.input.run === input.run;
      if (existing.status === 'RUNNING') return sameInput ? 'running' : 'name-taken';
      if (now < (existing.stoppedAt ?? now) + NAME_REUSE_MS) return 'name-taken';
    }
    this.executions.set(name, {
      name,
      input: { caseId: input.caseId, cycle: input.cycle, run: input.run },
      status: 'RUNNING',
      startedAt: now,
    });
    return 'running';
  }

  async stopEscalation(escalation: EscalationInput): Promise<void> {
    const name = executionName(escalation);
    if (this.stopBucket && !this.stopBucket.take()) {
      throw new WorkflowThrottledError('StopExecution refused: ThrottlingException');
    }
    this.stopped.push(name);
    const execution = this.executions.get(name);
    if (execution?.status === 'RUNNING') {
      execution.status = 'ABORTED';
      execution.stoppedAt = this.clock.now().getTime();
    }
  }

  /** Ends a running execution as if its ladder finished. */
  succeed(name: string): void {
    const execution = this.executions.get(name);
    if (execution?.status === 'RUNNING') {
      execution.status = 'SUCCEEDED';
      execution.stoppedAt = this.clock.now().getTime();
    }
  }
}
