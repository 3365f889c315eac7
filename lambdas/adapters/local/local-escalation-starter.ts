/** Offline escalations: the synthesized state machine definition run in-process by aws-local-stepfunctions. */

import { ExecutionAbortedError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type {
  EscalationInput,
  EscalationStarter,
  EscalationStopper,
  StartOutcome,
} from '../../ports/workflow';
import { executionName } from '../execution-name';
import type { VirtualClock } from './virtual-clock';

/** A task handler as the Lambda handler factories build it: event in, result out. */
export type TaskHandler = (event: unknown) => Promise<unknown>;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface ExecutionRecord {
  readonly name: string;
  readonly input: EscalationInput;
  status: ExecutionStatus;
  /** Virtual time at which the execution was started and stopped. */
  readonly startedAt: string;
  stoppedAt?: string;
  /** While the execution waits for its next step: the virtual instant it waits for. */
  waitingUntil?: string;
  /** The step it waits to carry out. */
  waitingFor?: string;
  output?: unknown;
  /** Error name and message only: handler errors carry ids, never personal data. */
  error?: { name: string; message: string };
}

export interface LocalEscalationOptions {
  /** The ASL definition from the CDK synthesis (fake ARNs). */
  readonly definition: Record<string, unknown>;
  readonly clock: VirtualClock;
  /** The real plan-next-step handler (from makePlanNextStepHandler). */
  readonly planNextStep: TaskHandler;
  /** The real send-reminder handler (from makeSendReminderHandler). */
  readonly sendReminder: TaskHandler;
  /** Called when an execution fails; must not log personal data. */
  readonly onFailure?: (record: ExecutionRecord) => void;
}

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
/** Step Functions frees an execution's name 90 days after the execution closed. */
const NAME_REUSE_MS = 90 * 86_400_000;

export class LocalEscalationStarter implements EscalationStarter, EscalationStopper {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();
  private readonly machine: StateMachine;
  private readonly states: Record<string, { Resource?: string }>;

  constructor(private readonly options: LocalEscalationOptions) {
    // The interpreter arms a setTimeout for TimeoutSeconds, which overflows above ~24.8 days: drop it offline.
    const { TimeoutSeconds: _timeout, ...definition } = options.definition;
    this.states = (definition.States ?? {}) as Record<string, { Resource?: string }>;
    for (const state of ['PlanNextStep', 'WaitForNextStep', 'Act']) {
      if (!this.states[state]) throw new Error(`the state machine definition has no state ${state}`);
    }
    this.machine = new StateMachine(definition as unknown as StateMachineDefinition, {
      validationOptions: { checkArn: false },
    });
  }

  /** As Step Functions Standard answers StartExecution (see StartOutcome), names freed 90 virtual days after closing. */
  async start(input: EscalationInput): Promise<StartOutcome> {
    const name = executionName(input);
    const existing = this.records.get(name);
    if (existing) {
      const sameInput =
        existing.input.caseId === input.caseId &&
        existing.input.cycle === input.cycle &&
        existing.input.run === input.run;
      if (existing.status === 'RUNNING') return sameInput ? 'running' : 'name-taken';
      const freedAt = new Date(existing.stoppedAt ?? existing.startedAt).getTime() + NAME_REUSE_MS;
      if (this.options.clock.now().getTime() < freedAt) return 'name-taken';
    }
    const record: ExecutionRecord = {
      name,
      input: { caseId: input.caseId, cycle: input.cycle, run: input.run },
      status: 'RUNNING',
      startedAt: this.options.clock.now().toISOString(),
    };
    this.records.set(name, record);
    const execution = this.machine.run(
      { caseId: input.caseId, cycle: input.cycle, run: input.run },
      {
        overrides: {
          taskResourceLocalHandlers: {
            PlanNextStep: this.lambdaTask('PlanNextStep', this.options.planNextStep),
            Act: this.lambdaTask('Act', (event) => this.act(record, event)),
          },
          // The real Wait runs on Date.now/setTimeout; offline it takes no time and Act waits on the
          // virtual clock instead (see act below).
          waitTimeOverrides: { WaitForNextStep: 0 },
        },
      },
    );
    const done = execution.result.then(
      (output) => {
        record.status = 'SUCCEEDED';
        record.output = output;
      },
      (error: unknown) => {
        if (error instanceof ExecutionAbortedError) {
          record.status = 'ABORTED';
          return;
        }
        record.status = 'FAILED';
        const failure = (error as { cause?: unknown })?.cause ?? error;
        record.error = {
          name: (failure as Error)?.name ?? 'Error',
          message: String((failure as Error)?.message ?? failure).slice(0, 500),
        };
        this.options.onFailure?.(record);
      },
    );
    const settled = done.finally(() => {
      record.stoppedAt = this.options.clock.now().toISOString();
      delete record.waitingUntil;
      delete record.waitingFor;
      this.running.delete(name);
    });
    this.running.set(name, { abort: execution.abort, done: settled });
    return 'running';
  }

  async stopEscalation(escalation: EscalationInput): Promise<void> {
    const name = executionName(escalation);
    const execution = this.running.get(name);
    if (!execution) return;
    execution.abort();
    await execution.done;
  }

  /** Every execution started so far, by name. */
  executions(): ExecutionRecord[] {
    return [...this.records.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((record) => ({ ...record }));
  }

  /** True while some running execution is doing work rather than sleeping on the virtual clock. */
  get busy(): boolean {
    return this.running.size > this.options.clock.sleeping;
  }

  /** Aborts every running execution and waits until each has settled. */
  async stop(): Promise<void> {
    const running = [...this.running.values()];
    for (const execution of running) execution.abort();
    await Promise.all(running.map((execution) => execution.done));
  }

  /**
   * The `Act` task offline. In AWS the `WaitForNextStep` state sleeps until `plan.at`; here that Wait is
   * overridden to take no time and this handler models it on the virtual clock: it sleeps until the clock
   * reaches `plan.at`, then calls the real send-reminder handler, which reads the same clock.
   */
  private async act(record: ExecutionRecord, event: unknown): Promise<unknown> {
    const plan = (event as { plan?: { at?: unknown; stepId?: unknown } })?.plan;
    if (typeof plan?.at === 'string') {
      record.waitingUntil = plan.at;
      record.waitingFor = typeof plan.stepId === 'string' ? plan.stepId : undefined;
      try {
        await this.options.clock.sleepUntil(new Date(plan.at));
      } finally {
        delete record.waitingUntil;
        delete record.waitingFor;
      }
    }
    return this.options.sendReminder(event);
  }

  /**
   * Adapts a handler to the task's resource: a direct Lambda ARN passes the payload through;
   * the `lambda:invoke` integration wraps it as `{ Payload }` both ways, as Lambda.Invoke does.
   */
  private lambdaTask(state: string, handler: TaskHandler) {
    const integration = this.states[state]?.Resource?.startsWith(LAMBDA_INVOKE) ?? false;
    // biome-ignore lint/suspicious/noExplicitAny: the interpreter types task results as JSON values.
    return async (input: unknown): Promise<any> => {
      if (!integration) return handler(input);
      const payload = await handler((input as { Payload?: unknown })?.Payload);
      return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
    };
  }
}
