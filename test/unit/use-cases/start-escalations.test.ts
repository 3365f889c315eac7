/** The escalation buffer's consumer: paced, throttles absorbed or handed back, never lost, never doubled. */

import { describe, expect, it } from 'vitest';
import type { Pacing } from '../../../lambdas/ports/pacing';
import {
  type EscalationInput,
  type EscalationRequest,
  escalationOf,
  WorkflowThrottledError,
} from '../../../lambdas/ports/workflow';
import { startEscalations } from '../../../lambdas/use-cases/start-escalations';
import { aCase } from '../../contracts/case-store.contract';
import { FakeClock, InMemoryCaseStore, InMemoryStepFunctions, unpaced } from '../../support/fakes';

async function storeWith(count: number) {
  const cases = new InMemoryCaseStore();
  const requests: EscalationRequest[] = [];
  for (let i = 0; i < count; i++) {
    const opened = aCase({ accountId: `ACC-${i}` });
    await cases.upsertFromFeed(opened);
    requests.push({ action: 'start', caseId: opened.caseId, cycle: opened.cycle });
  }
  return { cases, requests };
}

/** Pacing on a fake clock: each wait moves the clock, as time would pass. */
function clockPacing(clock: FakeClock, perSecond: number): Pacing & { waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    next: async () => void clock.advance(1000 / perSecond),
    afterThrottle: async (attempt) => {
      waits.push(attempt);
      clock.advance(250 * 2 ** attempt);
    },
  };
}

describe('starting the escalations intake asked for', () => {
  it('resumes a paused escalation as the next run once, however often the request comes', async () => {
    const { cases, requests } = await storeWith(1);
    const { caseId, cycle } = requests[0] as EscalationRequest;
    await cases.setEscalationState(caseId, { cycle, run: 0, state: 'paused', reason: 'flag:dispute' });
    const sfn = new InMemoryStepFunctions();
    const resume = { action: 'resume', caseId, cycle, fromRun: 0 } as const;

    const first = await startEscalations({ escalations: sfn, cases, pacing: unpaced }, [resume, resume]);

    expect(first).toMatchObject({ started: 1, alreadyRunning: 1, superseded: 0, retryLater: [] });
    expect(sfn.calls.map((call) => call.input.run)).toEqual([1, 1]);
    expect(await cases.get(caseId)).toMatchObject({
      escalationRun: 1,
      escalationState: 'running',
      startedRun: 1,
    });
    expect(await cases.get(caseId)).not.toHaveProperty('escalationReason');
    // A resume of a run that is long past (another resume went further) starts nothing.
    await cases.beginRun(caseId, cycle, 1);
    const stale = await startEscalations({ escalations: sfn, cases, pacing: unpaced }, [resume]);
    expect(stale).toMatchObject({ started: 0, superseded: 1 });
    expect(sfn.calls).toHaveLength(2);
  });

  it('stops the current run of a case when the request does not say which', async () => {
    const { cases, requests } = await storeWith(1);
    const { caseId, cycle } = requests[0] as EscalationRequest;
    await cases.beginRun(caseId, cycle, 0);
    const stopped: unknown[] = [];
    const sfn = new InMemoryStepFunctions();
    const escalations = {
      start: (input: Parameters<typeof sfn.start>[0]) => sfn.start(input),
      stopEscalation: async (input: unknown) => void stopped.push(input),
    };
    const report = await startEscalations({ escalations, cases, pacing: unpaced }, [
      { action: 'stop', caseId, cycle },
    ]);
    expect(report.stopped).toBe(1);
    expect(stopped).toEqual([{ caseId, cycle, run: 1 }]);
  });

  it('starts each once and counts a redelivered request as already running', async () => {
    const { cases, requests } = await storeWith(3);
    const sfn = new InMemoryStepFunctions();
    const first = await startEscalations({ escalations: sfn, cases, pacing: unpaced }, requests);
    const again = await startEscalations({ escalations: sfn, cases, pacing: unpaced }, [
      ...requests,
      requests[0] as EscalationRequest,
    ]);

    expect(first).toMatchObject({ started: 3, alreadyRunning: 0, retryLater: [] });
    expect(again).toMatchObject({ started: 0, alreadyRunning: 4, retryLater: [] });
    expect(sfn.executions.size).toBe(3);
    expect((await cases.get(requests[0]?.caseId ?? ''))?.escalationCycle).toBe('2026-11-10');
  });

  it('waits out throttling at the Step Functions rate and loses nothing (burst 2, 1 a second)', async () => {
    const { cases, requests } = await storeWith(6);
    const clock = new FakeClock();
    const sfn = new InMemoryStepFunctions(clock, { burst: 2, perSecond: 1 });
    // Asked to go faster than the service allows: throttles are absorbed by the backoff.
    const pacing = clockPacing(clock, 4);

    const report = await startEscalations({ escalations: sfn, cases, pacing }, requests);

    expect(report.started).toBe(6);
    expect(report.throttles).toBeGreaterThan(0);
    expect(report.throttles).toBe(sfn.throttled);
    expect(pacing.waits.length).toBe(report.throttles);
    expect(sfn.executions.size).toBe(6);
    expect(sfn.calls).toHaveLength(6);
  });

  it('hands a request still throttled after its retries back to the buffer, to come again', async () => {
    const { cases, requests } = await storeWith(3);
    const clock = new FakeClock();
    const sfn = new InMemoryStepFunctions(clock, { burst: 1, perSecond: 0.0001 });
    const report = await startEscalations({ escalations: sfn, cases, pacing: unpaced }, requests);

    expect(report.started).toBe(1);
    expect(report.retryLater.map((r) => r.caseId)).toEqual([requests[1]?.caseId, requests[2]?.caseId]);
    // SQS brings them back after the visibility timeout: by then the bucket has refilled a token.
    let pending = report.retryLater;
    for (let round = 0; round < 5 && pending.length > 0; round++) {
      clock.advance(10_000_000);
      pending = (await startEscalations({ escalations: sfn, cases, pacing: unpaced }, pending)).retryLater;
    }
    expect(pending).toEqual([]);
    expect(sfn.executions.size).toBe(3);
  });

  it('counts a name taken by a closed execution, and keeps one failing request from holding up the others', async () => {
    const { cases, requests } = await storeWith(3);
    const sfn = new InMemoryStepFunctions();
    // Started and recorded earlier, then stopped (the case closed, and reopened in the same cycle).
    const closed = requests[0] as EscalationRequest;
    await sfn.start(escalationOf(closed));
    await cases.markEscalationStarted(closed.caseId, closed.cycle);
    await sfn.stopEscalation(escalationOf(closed));
    const failing = {
      get: (caseId: string) => cases.get(caseId),
      beginRun: (caseId: string, cycle: string, fromRun: number) => cases.beginRun(caseId, cycle, fromRun),
      markEscalationStarted: async (caseId: string, cycle: string) => {
        if (caseId === requests[1]?.caseId)
          throw Object.assign(new Error('boom'), { name: 'InternalServerError' });
        return cases.markEscalationStarted(caseId, cycle);
      },
    };

    const report = await startEscalations({ escalations: sfn, cases: failing, pacing: unpaced }, requests);

    expect(report).toMatchObject({ started: 1, nameTaken: 1, errors: ['InternalServerError'] });
    expect(report.retryLater.map((r) => r.caseId)).toEqual([requests[1]?.caseId]);
  });

  it('records a start whose record failed and whose execution closed before the request came again', async () => {
    const { cases, requests } = await storeWith(1);
    const request = requests[0] as EscalationRequest;
    const sfn = new InMemoryStepFunctions();
    let failRecord = true;
    const recordFailsOnce = {
      get: (caseId: string) => cases.get(caseId),
      beginRun: (caseId: string, cycle: string, fromRun: number) => cases.beginRun(caseId, cycle, fromRun),
      markEscalationStarted: async (caseId: string, cycle: string, run?: number) => {
        if (failRecord) {
          failRecord = false;
          throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
        }
        return cases.markEscalationStarted(caseId, cycle, run);
      },
    };
    const deps = { escalations: sfn, cases: recordFailsOnce, pacing: unpaced };

    const first = await startEscalations(deps, [request]);
    // Before the request comes back, the execution ends: its first step paused it (a cease flag).
    await sfn.stopEscalation(escalationOf(request));
    const again = await startEscalations(deps, [request]);

    expect(first).toMatchObject({ started: 0, errors: ['ProvisionedThroughputExceededException'] });
    expect(again).toMatchObject({ started: 1, nameTaken: 0, retryLater: [] });
    expect((await cases.get(request.caseId))?.escalationCycle).toBe(request.cycle);
    expect(sfn.calls).toHaveLength(2);
  });

  it('stops the escalations of closed cases at the same pace, a throttled stop handed back to come again', async () => {
    const { cases, requests } = await storeWith(3);
    const sfn = new InMemoryStepFunctions();
    await startEscalations({ escalations: sfn, cases, pacing: unpaced }, requests);
    let refusals = 5;
    const throttledStops = {
      start: sfn.start.bind(sfn),
      stopEscalation: async (escalation: EscalationInput) => {
        if (escalation.caseId === requests[2]?.caseId && refusals-- > 0) {
          throw new WorkflowThrottledError('StopExecution refused: ThrottlingException');
        }
        return sfn.stopEscalation(escalation);
      },
    };
    const stops = requests.map((request) => ({ ...request, action: 'stop' as const }));

    const report = await startEscalations({ escalations: throttledStops, cases, pacing: unpaced }, stops);

    expect(report).toMatchObject({ stopped: 2, started: 0, throttles: 4 });
    expect(report.retryLater.map((r) => r.caseId)).toEqual([requests[2]?.caseId]);
    const again = await startEscalations(
      { escalations: throttledStops, cases, pacing: unpaced },
      report.retryLater,
    );
    expect(again).toMatchObject({ stopped: 1, retryLater: [] });
    expect(sfn.running()).toEqual([]);
  });
});
