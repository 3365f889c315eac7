/**
 * Offline escalations: the synthesized state machine definition run in-process by aws-local-stepfunctions, its
 * waits (the next step's moment, a work item's deadline) on the virtual clock.
 */

import { randomUUID } from 'node:crypto';
import { ExecutionAbortedError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { ACT_FUNCTIONS, type ActFunction } from '../../domain/act-functions';
import type { WorkItemOutcome } from '../../ports/escalation-tasks';
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
  /** The last state entered: `Finished`, `Paused` or `Parked` once it has succeeded. */
  lastState?: string;
  /** While the execution waits for its next step (or a work item's deadline): the virtual instant. */
  waitingUntil?: string;
  /** The step it waits to carry out. */
  waitingFor?: string;
  /** The work item it waits for, when the step waits for a person. */
  workItem?: string;
  output?: unknown;
  /** Error name and message only: handler errors carry ids, never personal data. */
  error?: { name: string; message: string };
}

export interface LocalEscalationOptions {
  /** The ASL definition from the CDK synthesis (fake ARNs). */
  readonly definition: Record<string, unknown>;
  readonly clock: VirtualClock;
  /** The PlanNextStep handler (makePlanNextStepHandler). */
  readonly planNextStep: TaskHandler;
  /** The Act functions' handlers, by their state names (bin/offline/act-functions.ts). */
  readonly act: Readonly<Record<ActFunction, TaskHandler>>;
  /** The OpenTask handler (makeOpenTaskHandler): opens the work item; the wait is modelled here. */
  readonly openTask: TaskHandler;
  /** The RecordFault handler (makeRecordFaultHandler). */
  readonly recordFault: TaskHandler;
  /** Real milliseconds between retries of a failed task (the definition's 5 s, 10 s… would stall the clock). */
  readonly retryIntervalMs?: number;
  /**
   * Task handlers that run at once (default 16), as a Lambda function's concurrency bounds its invocations:
   * a book of tens of thousands of cases whose steps fall due together waits its turn instead of crowding
   * DynamoDB Local and the event loop all at once.
   */
  readonly taskConcurrency?: number;
  /** Called when an execution fails; must not log personal data. */
  readonly onFailure?: (record: ExecutionRecord) => void;
  /** Called for every state an execution enters (state transitions, as Step Functions bills them). */
  readonly onStateEntered?: (record: ExecutionRecord, state: string) => void;
}

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
/** Step Functions frees an execution's name 90 days after the execution closed. */
const NAME_REUSE_MS = 90 * 86_400_000;
/**
 * The longest task timeout the interpreter can arm: it races every task against setTimeout(TimeoutSeconds), and
 * Node fires a delay above 2^31-1 ms (~24.8 days) at once. Without one it applies 60 s, which would end a wait
 * on the virtual clock as soon as the clock stood still for a minute.
 */
export const LOCAL_TASK_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
/**
 * The Task states this runner gives handlers to besides the Act functions' (each a state of its function's name):
 * the definition must have them, and no other Task. Its Wait states are found by their type.
 */
const STATES = {
  plan: 'PlanNextStep',
  openTask: 'OpenTask',
  recordFault: 'RecordFault',
} as const;
/** The only instant a Wait of the escalation waits for; the virtual wait reads it. */
const WAIT_TIMESTAMP_PATH = '$.plan.at';

/** What a virtual work-item deadline throws: the name Step Functions gives a task timeout, caught the same way. */
class VirtualTaskTimeout extends Error {
  override readonly name = 'States.Timeout';
}

type StateDefinition = Record<string, unknown> & {
  Type?: string;
  Resource?: string;
  Next?: string;
  TimestampPath?: string;
};

/** The names of the definition's states of a type. */
function statesOfType(definition: Record<string, unknown>, type: string): string[] {
  return Object.entries(definition.States as Record<string, StateDefinition>)
    .filter(([, state]) => state.Type === type)
    .map(([name]) => name);
}

/**
 * The definition as this runner executes it, the rest untouched:
 * - no machine-level TimeoutSeconds (it would overflow setTimeout);
 * - every Wait state (WaitForMessage, WaitForWorkItem …, each until `$.plan.at`) becomes a task (handled by a
 *   sleep on the virtual clock) whose input passes through; a wait longer than the longest real timeout the
 *   interpreter can arm starts again (Catch States.Timeout → itself) instead of ending the escalation, so no
 *   real time limit applies;
 * - `OpenTask` gets the longest fixed timeout instead of `$.plan.taskTimeoutSeconds` (seconds of virtual time,
 *   and above ~24.8 days an overflow): its handler times out on the virtual clock instead;
 * - the Lambda tasks get the longest timeout too: a task waiting for its turn among many (see
 *   `taskConcurrency`) would otherwise time out in real time, which is not the system's time offline, and
 *   park its case. Their handlers end by themselves.
 */
export function localDefinition(definition: Record<string, unknown>): StateMachineDefinition {
  const { TimeoutSeconds: _machineTimeout, ...rest } = definition;
  const states = { ...(rest.States as Record<string, StateDefinition>) };
  const handled = [...Object.values(STATES), ...ACT_FUNCTIONS] as string[];
  for (const name of handled) {
    if (states[name]?.Type !== 'Task') throw new Error(`the state machine definition has no task ${name}`);
  }
  for (const name of statesOfType(definition, 'Task')) {
    if (!handled.includes(name)) throw new Error(`the local runner has no handler for the task ${name}`);
  }
  for (const name of statesOfType(definition, 'Wait')) {
    const wait = states[name] as StateDefinition;
    if (wait.TimestampPath !== WAIT_TIMESTAMP_PATH || typeof wait.Next !== 'string') {
      throw new Error(
        `${name} does not wait until ${WAIT_TIMESTAMP_PATH}: the local runner cannot replace it`,
      );
    }
    states[name] = {
      Type: 'Task',
      Comment: 'Offline: sleeps on the virtual clock until $.plan.at',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:LocalVirtualWait',
      TimeoutSeconds: LOCAL_TASK_TIMEOUT_SECONDS,
      ResultPath: null,
      Catch: [{ ErrorEquals: ['States.Timeout'], Next: name, ResultPath: null }],
      Next: wait.Next,
    };
  }
  for (const name of [STATES.plan, STATES.recordFault, ...ACT_FUNCTIONS]) {
    states[name] = { ...(states[name] as StateDefinition), TimeoutSeconds: LOCAL_TASK_TIMEOUT_SECONDS };
  }
  const { TimeoutSecondsPath: _byPlan, ...openTask } = states[STATES.openTask] as StateDefinition;
  states[STATES.openTask] = { ...openTask, TimeoutSeconds: LOCAL_TASK_TIMEOUT_SECONDS };
  return { ...rest, States: states } as unknown as StateMachineDefinition;
}

interface WaitingItem {
  readonly complete: (outcome: WorkItemOutcome) => void;
}

export class LocalEscalationStarter implements EscalationStarter, EscalationStopper {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly running = new Map<
    string,
    { abort: () => void; done: Promise<void>; waits: AbortController }
  >();
  private readonly workItems = new Map<string, WaitingItem>();
  /** Task handlers running now (a stopped execution's included: its Lambda runs to its end). */
  private tasksInFlight = 0;
  /** Task handlers running now, at most `taskConcurrency`; the others wait in `taskQueue`, first come first served. */
  private tasksRunning = 0;
  private tasksFinished = 0;
  private readonly taskQueue: Array<() => void> = [];
  private readonly machine: StateMachine;
  private readonly states: Record<string, StateDefinition>;
  /** The Wait states of the definition, each run as a sleep on the virtual clock. */
  private readonly waitStates: readonly string[];
  /** The Task states of the definition (their retries wait `retryIntervalMs`). */
  private readonly taskStates: readonly string[];
  /** The Lambda tasks run by their handler as they are (OpenTask's wait is modelled apart). */
  private readonly lambdaHandlers: Readonly<Record<string, TaskHandler>>;

  constructor(private readonly options: LocalEscalationOptions) {
    const definition = localDefinition(options.definition);
    this.states = definition.States as unknown as Record<string, StateDefinition>;
    this.waitStates = statesOfType(options.definition, 'Wait');
    this.taskStates = statesOfType(options.definition, 'Task');
    this.lambdaHandlers = {
      [STATES.plan]: options.planNextStep,
      ...options.act,
      [STATES.recordFault]: options.recordFault,
    };
    this.machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
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
    const escalation = { caseId: input.caseId, cycle: input.cycle, run: input.run };
    const record: ExecutionRecord = {
      name,
      input: escalation,
      status: 'RUNNING',
      startedAt: this.options.clock.now().toISOString(),
    };
    this.records.set(name, record);
    // Aborted when the execution stops: its sleeps leave the clock, its work item stops waiting.
    const waits = new AbortController();
    const retryMs = this.options.retryIntervalMs ?? 500;
    const execution = this.machine.run(escalation, {
      overrides: {
        taskResourceLocalHandlers: {
          ...Object.fromEntries(
            Object.entries(this.lambdaHandlers).map(([state, handler]) => [
              state,
              this.lambdaTask(state, handler, waits.signal),
            ]),
          ),
          ...Object.fromEntries(
            this.waitStates.map((state) => [
              state,
              (input: unknown) => this.waitForStep(record, input, waits.signal),
            ]),
          ),
          [STATES.openTask]: (state) => this.waitForWorkItem(record, state, waits.signal),
        },
        retryIntervalOverrides: Object.fromEntries(this.taskStates.map((state) => [state, retryMs])),
      },
      // `$$.Task.Token` in OpenTask's payload. Offline a work item is completed by its id, not its token.
      context: { Task: { Token: `local-${randomUUID()}` } },
    });
    void (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === 'StateEntered') {
          record.lastState = event.state.name;
          this.options.onStateEntered?.(record, event.state.name);
        }
      }
    })().catch(() => {});
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
      waits.abort(new ExecutionAbortedError());
      record.stoppedAt = this.options.clock.now().toISOString();
      delete record.waitingUntil;
      delete record.waitingFor;
      delete record.workItem;
      this.running.delete(name);
    });
    this.running.set(name, { abort: execution.abort, done: settled, waits });
    return 'running';
  }

  async stopEscalation(escalation: EscalationInput): Promise<void> {
    const name = executionName(escalation);
    const execution = this.running.get(name);
    if (!execution) return;
    execution.waits.abort(new ExecutionAbortedError());
    execution.abort();
    await execution.done;
  }

  /**
   * What the staff API does in AWS with SendTaskSuccess: completes the work item an execution waits for, whose
   * outcome goes to ActOnWorkItem. False when no execution waits for that item (unknown, timed out, or stopped).
   */
  completeWorkItem(itemId: string, outcome: Extract<WorkItemOutcome, { outcome: 'done' }>): boolean {
    const waiting = this.workItems.get(itemId);
    if (!waiting) return false;
    waiting.complete(outcome);
    return true;
  }

  /** Every execution started so far, by name. */
  executions(): ExecutionRecord[] {
    return [...this.records.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((record) => ({ ...record }));
  }

  /** True while some running execution is doing work rather than waiting on the virtual clock. */
  /** Task handlers finished so far: progress, for a caller waiting on `busy`. */
  get tasksDone(): number {
    return this.tasksFinished;
  }

  get busy(): boolean {
    return this.tasksInFlight > 0 || this.running.size > this.options.clock.sleeping;
  }

  /** Aborts every running execution and waits until each has settled. */
  async stop(): Promise<void> {
    const running = [...this.running.values()];
    for (const execution of running) {
      execution.waits.abort(new ExecutionAbortedError());
      execution.abort();
    }
    await Promise.all(running.map((execution) => execution.done));
  }

  /** A Wait state offline: sleeps on the virtual clock until `$.plan.at`, so the next state runs at that instant. */
  private async waitForStep(record: ExecutionRecord, state: unknown, signal: AbortSignal): Promise<never> {
    const plan = (state as { plan?: { at?: unknown; stepId?: unknown } })?.plan;
    if (typeof plan?.at !== 'string') throw new Error('the plan has no instant to wait for');
    record.waitingUntil = plan.at;
    record.waitingFor = typeof plan.stepId === 'string' ? plan.stepId : undefined;
    try {
      await this.options.clock.sleepUntil(new Date(plan.at), signal);
    } finally {
      delete record.waitingUntil;
      delete record.waitingFor;
    }
    // Discarded (ResultPath null): the state's input goes on unchanged.
    return {} as never;
  }

  /**
   * `OpenTask` offline: calls the OpenTask handler with the payload (token included), then waits for
   * completeWorkItem or, on the virtual clock, `plan.taskTimeoutSeconds` — then fails with States.Timeout,
   * which the definition catches into TaskTimedOut as in AWS.
   */
  private async waitForWorkItem(
    record: ExecutionRecord,
    state: unknown,
    signal: AbortSignal,
  ): Promise<never> {
    const payload = (state as { Payload?: unknown })?.Payload;
    const plan = (payload as { plan?: { stepId?: unknown; taskTimeoutSeconds?: unknown } })?.plan;
    const timeoutSeconds = Number(plan?.taskTimeoutSeconds);
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) {
      throw new Error('the plan has no whole taskTimeoutSeconds');
    }
    const deadline = new Date(this.options.clock.now().getTime() + timeoutSeconds * 1000);
    const opened = (await this.options.openTask(payload)) as { itemId?: unknown };
    if (typeof opened?.itemId !== 'string') throw new Error('OpenTask returned no itemId');
    const itemId = opened.itemId;
    const waitForDeadline = new AbortController();
    const stopWaiting = () => waitForDeadline.abort(signal.reason);
    signal.addEventListener('abort', stopWaiting, { once: true });
    const completed = new Promise<WorkItemOutcome>((resolve) => {
      this.workItems.set(itemId, {
        complete: (outcome) => {
          this.workItems.delete(itemId);
          resolve(outcome);
        },
      });
    });
    const timedOut = this.options.clock.sleepUntil(deadline, waitForDeadline.signal).then(() => {
      throw new VirtualTaskTimeout(`work item ${itemId} was not completed by ${deadline.toISOString()}`);
    });
    record.waitingUntil = deadline.toISOString();
    record.waitingFor = typeof plan?.stepId === 'string' ? plan.stepId : undefined;
    record.workItem = itemId;
    try {
      // The outcome itself is the task's result (SendTaskSuccess output), as with a real task token.
      return (await Promise.race([completed, timedOut])) as never;
    } finally {
      this.workItems.delete(itemId);
      signal.removeEventListener('abort', stopWaiting);
      // A completion that won leaves the deadline's sleeper on the clock unless it is taken off.
      waitForDeadline.abort();
      timedOut.catch(() => {});
      delete record.waitingUntil;
      delete record.waitingFor;
      delete record.workItem;
    }
  }

  /**
   * Adapts a handler to the task's resource: a direct Lambda ARN passes the payload through;
   * the `lambda:invoke` integration wraps it as `{ Payload }` both ways, as Lambda.Invoke does.
   */
  private lambdaTask(state: string, handler: TaskHandler, stopped: AbortSignal) {
    const integration = this.states[state]?.Resource?.startsWith(LAMBDA_INVOKE) ?? false;
    // biome-ignore lint/suspicious/noExplicitAny: the interpreter types task results as JSON values.
    return async (input: unknown): Promise<any> => {
      // Counted until the handler settles, even when its execution is stopped meanwhile: as in AWS, stopping
      // an execution does not stop a Lambda already running, and its sends happen at the time it runs.
      this.tasksInFlight++;
      await this.taskSlot();
      // A task still waiting for its slot when its execution stopped was never invoked, as in AWS: it never runs.
      if (stopped.aborted) {
        this.releaseTaskSlot();
        this.tasksInFlight--;
        throw new ExecutionAbortedError();
      }
      try {
        if (!integration) return await handler(input);
        const payload = await handler((input as { Payload?: unknown })?.Payload);
        return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
      } finally {
        this.releaseTaskSlot();
        this.tasksInFlight--;
        this.tasksFinished++;
      }
    };
  }

  private async taskSlot(): Promise<void> {
    if (this.tasksRunning < (this.options.taskConcurrency ?? 16)) {
      this.tasksRunning++;
      return;
    }
    // The slot is handed over by the task that frees it: the count stays as it is.
    await new Promise<void>((resolve) => this.taskQueue.push(resolve));
  }

  private releaseTaskSlot(): void {
    const next = this.taskQueue.shift();
    if (next) next();
    else this.tasksRunning--;
  }
}
