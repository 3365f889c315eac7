/** Which of the escalation's Act functions carries out each ladder action, and the fault of a step that reaches another. */

import { type LadderAction, TASK_ACTIONS } from './escalation-ladder';

/**
 * The Act functions, each a state of the escalation state machine of the same name. Each carries only the
 * senders its own actions use, so that a container loads one or two SDK clients rather than four.
 */
export const ACT_FUNCTIONS = ['ActMessage', 'ActLetter', 'ActBank', 'ActOnWorkItem'] as const;
export type ActFunction = (typeof ACT_FUNCTIONS)[number];

/**
 * The actions each Act function carries out; every action belongs to exactly one. A credit-report notice is an
 * SMS or an email, whichever the case has when it is sent (contactTargetOf), so it goes with the messages.
 */
export const ACTIONS_CARRIED_BY: Readonly<Record<ActFunction, readonly LadderAction[]>> = {
  ActMessage: ['sms', 'email', 'credit-report-notice'],
  ActLetter: ['letter'],
  ActBank: ['freeze-request'],
  // After the work item (OpenTask) has an outcome: nothing is sent.
  ActOnWorkItem: TASK_ACTIONS,
};

/** The Act function that carries out the action. */
export function actFunctionOf(action: LadderAction): ActFunction {
  const carrier = ACT_FUNCTIONS.find((name) => ACTIONS_CARRIED_BY[name].includes(action));
  if (!carrier) throw new Error(`no Act function carries out ${action} steps`);
  return carrier;
}

/** The error name Step Functions sees for a step that reached an Act function which does not carry it. */
export const STEP_NOT_CARRIED = 'StepNotCarried';

/**
 * A step that reached an Act function which cannot carry it out (a routing fault of the state machine, or a
 * function wired without a sender its actions need). Thrown before anything is read, reserved or sent; the
 * state machine does not retry it and parks the case (RecordFault). Named by a literal: minified bundles
 * rename classes.
 */
export class StepNotCarriedError extends Error {
  override readonly name = STEP_NOT_CARRIED;
}
