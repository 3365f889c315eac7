/**
 * The synthesized escalation state machine run by the offline starter (LocalEscalationStarter) with stub task
 * handlers on a virtual clock: each workflow branch as a named case, without the use cases behind the tasks.
 */

import { synthesizeForLocal } from '../../bin/offline/synthesized';
import {
  type ExecutionRecord,
  LocalEscalationStarter,
  type TaskHandler,
} from '../../lambdas/adapters/local/local-escalation-starter';
import { VirtualClock } from '../../lambdas/adapters/local/virtual-clock';
import { ACT_FUNCTIONS, type ActFunction } from '../../lambdas/domain/act-functions';
import type { NextStepPlan } from '../../lambdas/ports/escalation-tasks';
import type { EscalationInput } from '../../lambdas/ports/workflow';

export const START = new Date('2026-03-02T00:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const ESCALATION: EscalationInput = { caseId: 'demo-bank:ACC-WF-9', cycle: '2026-03-01', run: 0 };

export interface TaskCall {
  readonly state: string;
  readonly event: unknown;
  /** Virtual time of the call. */
  readonly at: string;
}

export interface StubHandlers {
  /** Plans in order; after the last one the escalation ends. */
  readonly plans?: readonly NextStepPlan[];
  readonly planNextStep?: TaskHandler;
  /** Every Act function's handler (its calls are recorded under the state it ran in). */
  readonly act?: TaskHandler;
  readonly openTask?: TaskHandler;
  readonly recordFault?: TaskHandler;
  /** Called with the name of every state the execution enters. */
  readonly onStateEntered?: (state: string) => void;
}

export interface StubRun {
  readonly clock: VirtualClock;
  readonly starter: LocalEscalationStarter;
  readonly calls: TaskCall[];
  callsOf(state: string): TaskCall[];
  /** The calls of every Act function, in order. */
  actCalls(): TaskCall[];
  record(): ExecutionRecord;
  /** Moves the virtual clock as the offline runtime does: stopping at each instant an execution waits for. */
  advance(ms: number): Promise<void>;
  /** Resolves once the execution has stopped running (or fails after `ms` real milliseconds). */
  finished(ms?: number): Promise<ExecutionRecord>;
}

export async function runWithStubs(handlers: StubHandlers): Promise<StubRun> {
  const clock = new VirtualClock(START);
  const calls: TaskCall[] = [];
  const recorded =
    (state: string, handler: TaskHandler): TaskHandler =>
    async (event) => {
      calls.push({ state, event, at: clock.now().toISOString() });
      return handler(event);
    };
  const plans = [...(handlers.plans ?? [])];
  const starter = new LocalEscalationStarter({
    definition: synthesizeForLocal().stateMachineDefinition,
    clock,
    retryIntervalMs: 0,
    planNextStep: recorded(
      'PlanNextStep',
      handlers.planNextStep ?? (async () => plans.shift() ?? { action: 'end', reason: 'ladder complete' }),
    ),
    act: forEachActFunction((state) => recorded(state, handlers.act ?? (async () => ({ outcome: 'sent' })))),
    openTask: recorded(
      'OpenTask',
      handlers.openTask ??
        (async (event) => ({
          itemId: `${(event as { plan: { stepId: string } }).plan.stepId}-item`,
          dueBy: '2099-01-01T00:00:00Z',
        })),
    ),
    recordFault: recorded(
      'RecordFault',
      handlers.recordFault ??
        (async (event) => ({ state: 'parked', error: (event as { error: string }).error })),
    ),
    ...(handlers.onStateEntered
      ? { onStateEntered: (_record, state) => handlers.onStateEntered?.(state) }
      : {}),
  });
  await starter.start(ESCALATION);
  const record = () => starter.executions()[0] as ExecutionRecord;
  const settle = async () => {
    // Quiet twice in a row: nothing running that is not asleep on the clock.
    for (let quiet = 0; quiet < 2; ) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      quiet = starter.busy ? 0 : quiet + 1;
    }
  };
  await settle();
  return {
    clock,
    starter,
    calls,
    callsOf: (state) => calls.filter((call) => call.state === state),
    actCalls: () => calls.filter((call) => (ACT_FUNCTIONS as readonly string[]).includes(call.state)),
    record,
    advance: async (ms) => {
      await clock.runFor(ms, settle);
    },
    finished: async (ms = 10_000) => {
      const deadline = Date.now() + ms;
      while (record().status === 'RUNNING') {
        if (Date.now() > deadline) throw new Error(`still running in ${record().lastState}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return record();
    },
  };
}

/** An error as a handler throws it: a name to match and a message that must not travel. */
export function failure(name: string, message = 'the handler failed'): Error {
  return Object.assign(new Error(message), { name });
}

/** One handler per Act function state, made by `handlerFor`. */
export function forEachActFunction(
  handlerFor: (state: ActFunction) => TaskHandler,
): Record<ActFunction, TaskHandler> {
  return Object.fromEntries(ACT_FUNCTIONS.map((state) => [state, handlerFor(state)])) as Record<
    ActFunction,
    TaskHandler
  >;
}
