/**
 * The contracts of the escalation state machine's tasks (lib/constructs/escalation-state-machine.ts): what
 * each Lambda task is given and must return. Ids, step names and outcomes only: execution payloads and
 * history never carry personal data.
 */

import type { WorkItemOutcome } from './notifier';
import type { EscalationInput } from './workflow';

export type { WorkItemOutcome } from './notifier';

/** Ladder actions (docs/escalation-engine.md, Ladder as data). */
export type StepAction =
  | 'sms'
  | 'email'
  | 'letter'
  | 'call-task'
  | 'credit-report-notice'
  | 'freeze-request'
  | 'review';

/** Actions that open a work item and wait for a person (OpenTask) before ActOnWorkItem runs. */
export const WORK_ITEM_ACTIONS = ['call-task', 'review'] as const;
export type WorkItemAction = (typeof WORK_ITEM_ACTIONS)[number];

interface PlannedStepFields {
  readonly stepId: string;
  readonly template: string;
  readonly templateVersion: number;
  /** The lawful instant to act (ISO 8601 with zone); the step's wait (WaitForMessage …) lasts until then. */
  readonly at: string;
}

/** A step whose action needs no person before it is carried out. */
export interface PlannedContactStep extends PlannedStepFields {
  readonly action: Exclude<StepAction, WorkItemAction>;
}

/** A step that waits for a work item: its outcome, or `timed-out` after `taskTimeoutSeconds`. */
export interface PlannedWorkItemStep extends PlannedStepFields {
  readonly action: WorkItemAction;
  /** A whole number of seconds ≥ 1 (Step Functions' TimeoutSecondsPath); without it the plan is invalid. */
  readonly taskTimeoutSeconds: number;
}

export type PlannedStep = PlannedContactStep | PlannedWorkItemStep;

/**
 * PlanNextStep: input {@link EscalationInput}, output this. `end` finishes the execution (Finished),
 * `pause` ends this run (Paused; lifting the cease state starts run n+1). A step whose `at` is not a
 * timestamp, or a work-item step without `taskTimeoutSeconds`, is a fault: the case is parked.
 */
export type NextStepPlan =
  | { readonly action: 'end'; readonly reason: string }
  | { readonly action: 'pause'; readonly reason: string }
  | PlannedStep;

/** The task of a step without a work item (ActMessage, ActLetter and ActBank are passed none; they read this). */
export interface NoWorkItem {
  readonly outcome: 'none';
}

/**
 * The Act functions' input (lambdas/domain/act-functions.ts). `task` is the work item's outcome for
 * `call-task`/`review` (ActOnWorkItem), `{ outcome: 'none' }` otherwise.
 */
export interface ActInput extends EscalationInput {
  readonly plan: PlannedStep;
  readonly task: WorkItemOutcome | NoWorkItem;
}

/** The Act functions' output (kept at `$.lastAct`). A refused or failed contact is recorded and the ladder goes on. */
export interface ActOutcome {
  readonly outcome: 'sent' | 'deferred' | 'refused' | 'skipped' | 'failed' | 'recorded';
}

/**
 * OpenTask (`lambda:invoke.waitForTaskToken`): input. The function opens the work item (idempotently: a
 * retried task opens it once) with the token, and returns; the execution then waits until the staff API
 * completes the item with SendTaskSuccess(token, {@link WorkItemOutcome}) — which becomes `$.task` — or
 * `taskTimeoutSeconds` pass (TaskTimedOut sets `$.task` to `{ outcome: 'timed-out' }`).
 */
export interface OpenTaskInput extends EscalationInput {
  readonly plan: PlannedWorkItemStep;
  readonly taskToken: string;
}

/** OpenTask: what the function returns (not the task's result, which SendTaskSuccess gives). */
export interface WorkItemOpened {
  readonly itemId: string;
  /** ISO instant after which the default (timed-out) path is taken. */
  readonly dueBy: string;
}

/**
 * RecordFault: input, after every retry of a task failed. `error` is the error's name only (never its cause,
 * which can hold a handler's text).
 */
export interface RecordFaultInput extends EscalationInput {
  readonly error: string;
}

/** RecordFault: output (replaces the caught error at `$.error`, so the final output holds no cause). */
export interface FaultRecorded {
  readonly state: 'parked';
  readonly error: string;
}

/** The use case behind RecordFault: parks the case (escalationState `parked`, reason, trail entry). */
export type RecordFault = (input: RecordFaultInput) => Promise<FaultRecorded>;

/** The use case behind OpenTask: opens the step's work item holding the task token. */
export type OpenWorkItem = (input: OpenTaskInput) => Promise<WorkItemOpened>;
