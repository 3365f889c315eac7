/**
 * Parks a case whose escalation task failed for good (the `RecordFault` task, after every retry).
 * Input: ids and the error's name (never its cause). Output: `parked`.
 * The case records `parked` with the error's name (a person sees it, the `escalationsParked` alarm fires), and
 * the trail keeps the fact. A later feed row restarts a parked escalation (intake asks for its next run).
 */

import type { CaseStore } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { FaultRecorded, RecordFaultInput } from '../ports/escalation-tasks';
import type { Trail } from '../ports/trail';

export interface RecordFaultDeps {
  readonly cases: Pick<CaseStore, 'setEscalationState'>;
  readonly trail: Trail;
  readonly clock: Clock;
}

export async function recordFault(deps: RecordFaultDeps, input: RecordFaultInput): Promise<FaultRecorded> {
  const now = deps.clock.now();
  // No readAt: whatever changed meanwhile, this run is stuck; a run or cycle that moved on is left alone.
  await deps.cases.setEscalationState(input.caseId, {
    cycle: input.cycle,
    run: input.run,
    state: 'parked',
    reason: input.error,
  });
  await deps.trail.append({
    caseId: input.caseId,
    kind: 'escalation.parked',
    at: now,
    actor: 'system:record-fault',
    entryId: `escalation.parked#${input.cycle}#${input.run}`,
    detail: { run: input.run, error: input.error, outcome: 'parked' },
  });
  return { state: 'parked', error: input.error };
}
