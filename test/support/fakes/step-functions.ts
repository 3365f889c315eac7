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
 * - with `throttle`, a token bucket (AWS: burst 1,300, refill 300/s) on the clock: beyond it
 *   WorkflowThrottledError, and nothing started.
 */
export class InMemoryStepFunctions implements EscalationStarter, EscalationStopper {
  readonly executions = new Map<string, Execution>();
  /** Every accepted StartExecution call, repeats included. */
  readonly calls: Array<{ name: string; input: EscalationInput }> = [];
  /** StartExecution calls refused for the rate. */
  throttled = 0;
  /** Names StopExecution was called for, in order. */
  readonly stopped: string[] = [];
  private tokens = 0;
  private lastRefill = 0;

  constructor(
    private readonly clock: Clock = { now: () => new Date(0) },
    private readonly throttle?: { readonly burst: number; readonly perSecond: number },
  ) {
    this.tokens = throttle?.burst ?? 0;
    this.lastRefill = clock.now().getTime();
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
    if (this.throttle) {
      this.tokens = Math.min(
        this.throttle.burst,
        this.tokens + ((now - this.lastRefill) * this.throttle.perSecond) / 1000,
      );
      this.lastRefill = now;
      if (this.tokens < 1) {
        this.throttled++;
        throw new WorkflowThrottledError('StartExecution refused: ThrottlingException');
      }
      this.tokens -= 1;
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
