/**
 * STUBS for the offline runtime, until the RecordFault and OpenWorkItem use cases exist (being written beside
 * this): the state machine's paths run, but a parked case is only logged (not marked on the case) and a work
 * item lives only in the local starter (completed with `completeWorkItem`). Replace both with the use cases.
 */

import type { Clock } from '../../lambdas/ports/clock';
import type { OpenWorkItem, RecordFault } from '../../lambdas/ports/escalation-tasks';

export function logOnlyRecordFault(log: (line: string) => void): RecordFault {
  return async (input) => {
    log(
      `[overdue] escalation of ${input.caseId} (cycle ${input.cycle}, run ${input.run}) parked: ${input.error}`,
    );
    return { state: 'parked', error: input.error };
  };
}

export function inMemoryOpenWorkItem(clock: Clock): OpenWorkItem {
  return async (input) => ({
    // As WorkItem ids are made (lambdas/ports/notifier.ts): deterministic, so a retried task opens it once.
    itemId: `${input.caseId}#${input.cycle}#${input.plan.stepId}`,
    dueBy: new Date(clock.now().getTime() + input.plan.taskTimeoutSeconds * 1000).toISOString(),
  });
}
