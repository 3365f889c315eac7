/**
 * Each branch of the synthesized escalation state machine (retries, parking, pause, work items), run by the
 * offline starter with stub task handlers on a virtual clock.
 */

import { describe, expect, it } from 'vitest';
import { synthesizeForLocal } from '../../bin/offline/synthesized';
import { localDefinition } from '../../lambdas/adapters/local/local-escalation-starter';
import type { NextStepPlan } from '../../lambdas/ports/escalation-tasks';
import { DAY, ESCALATION, failure, HOUR, runWithStubs, START } from '../support/stub-escalation';

const at = (ms: number) => new Date(START.getTime() + ms).toISOString();
const sms = (stepId: string, inMs: number): NextStepPlan => ({
  action: 'sms',
  stepId,
  template: 'courtesy-reminder',
  templateVersion: 1,
  at: at(inMs),
});
const review = (inMs: number, taskTimeoutSeconds = 3 * 86_400): NextStepPlan => ({
  action: 'review',
  stepId: 'legal-review',
  template: 'legal-review',
  templateVersion: 1,
  at: at(inMs),
  taskTimeoutSeconds,
});
const ids = { caseId: ESCALATION.caseId, cycle: ESCALATION.cycle, run: ESCALATION.run };

describe('escalation state machine under the offline starter', () => {
  it('retries a task that throws once and goes on to finish', async () => {
    let throws = 1;
    const run = await runWithStubs({
      plans: [sms('sms-1', HOUR)],
      act: async () => {
        if (throws-- > 0) throw failure('ProvisionedThroughputExceededException');
        return { outcome: 'sent' };
      },
    });
    await run.advance(2 * HOUR);
    const record = await run.finished();

    expect(run.callsOf('ActMessage')).toHaveLength(2);
    expect(run.callsOf('RecordFault')).toHaveLength(0);
    expect(record).toMatchObject({ status: 'SUCCEEDED', lastState: 'Finished' });
  });

  it('parks the case through RecordFault when a task always throws: SUCCEEDED in Parked, never FAILED', async () => {
    const run = await runWithStubs({
      plans: [sms('sms-1', HOUR), sms('sms-2', 2 * HOUR)],
      act: async () => {
        throw failure('TypeError', 'cannot read properties of undefined');
      },
    });
    await run.advance(3 * HOUR);
    const record = await run.finished();

    // One attempt and three retries of the States.ALL retrier, then one RecordFault; no further step.
    expect(run.callsOf('ActMessage')).toHaveLength(4);
    expect(run.callsOf('RecordFault').map((call) => call.event)).toEqual([{ ...ids, error: 'TypeError' }]);
    expect(run.callsOf('PlanNextStep')).toHaveLength(1);
    expect(record).toMatchObject({ status: 'SUCCEEDED', lastState: 'Parked' });
    expect(record.output).toMatchObject({ error: { state: 'parked', error: 'TypeError' } });
  });

  it('passes a KMS error’s name to RecordFault and keeps its message (a cause) out of the fault and the output', async () => {
    const run = await runWithStubs({
      planNextStep: async () => {
        throw failure('KMSInvalidStateException', 'key is pending deletion; debtor 13800138000');
      },
    });
    const record = await run.finished();

    expect(run.callsOf('PlanNextStep')).toHaveLength(4);
    expect(run.callsOf('RecordFault').map((call) => call.event)).toEqual([
      { ...ids, error: 'KMSInvalidStateException' },
    ]);
    expect(record).toMatchObject({ status: 'SUCCEEDED', lastState: 'Parked' });
    expect(JSON.stringify(record.output)).not.toContain('13800138000');
    expect(JSON.stringify(record.output)).not.toContain('Cause');
  });

  it('fails the execution only when RecordFault itself keeps failing (the ExecutionsFailed alarm)', async () => {
    const run = await runWithStubs({
      act: async () => {
        throw failure('Error');
      },
      plans: [sms('sms-1', 0)],
      recordFault: async () => {
        throw failure('ResourceNotFoundException');
      },
    });
    const record = await run.finished();

    expect(run.callsOf('RecordFault')).toHaveLength(7);
    expect(record).toMatchObject({ status: 'FAILED', error: { name: 'ResourceNotFoundException' } });
  });

  it('ends the run in Paused on a pause plan, acting on nothing', async () => {
    const run = await runWithStubs({ plans: [{ action: 'pause', reason: 'dispute' }] });
    const record = await run.finished();

    expect(record).toMatchObject({ status: 'SUCCEEDED', lastState: 'Paused' });
    expect(run.actCalls()).toHaveLength(0);
  });

  it('parks a plan it cannot follow (a review without taskTimeoutSeconds) instead of failing', async () => {
    const { taskTimeoutSeconds: _none, ...noTimeout } = review(HOUR) as { taskTimeoutSeconds: number };
    const run = await runWithStubs({ plans: [noTimeout as unknown as NextStepPlan] });
    const record = await run.finished();

    expect(run.callsOf('RecordFault').map((call) => call.event)).toEqual([
      { ...ids, error: 'EscalationPlanInvalid' },
    ]);
    expect(record).toMatchObject({ status: 'SUCCEEDED', lastState: 'Parked' });
    expect(run.callsOf('OpenTask')).toHaveLength(0);
  });

  it('waits for a review’s work item and gives ActOnWorkItem the outcome it was completed with', async () => {
    const run = await runWithStubs({ plans: [review(HOUR)] });
    await run.advance(HOUR);

    const [opened] = run.callsOf('OpenTask');
    expect(opened?.event).toMatchObject({ ...ids, plan: { stepId: 'legal-review' } });
    expect((opened?.event as { taskToken?: string } | undefined)?.taskToken).toMatch(/^local-/);
    expect(run.record()).toMatchObject({ workItem: 'legal-review-item', waitingFor: 'legal-review' });
    await run.advance(DAY);
    expect(run.actCalls()).toHaveLength(0);

    const outcome = { outcome: 'done', result: 'refer', by: 'legal-1' } as const;
    expect(run.starter.completeWorkItem('legal-review-item', outcome)).toBe(true);
    const record = await run.finished();

    expect(run.callsOf('ActOnWorkItem').map((call) => call.event)).toEqual([
      { ...ids, plan: review(HOUR), task: outcome },
    ]);
    expect(run.callsOf('ActOnWorkItem')[0]?.at).toBe(at(HOUR + DAY));
    expect(record).toMatchObject({ status: 'SUCCEEDED', lastState: 'Finished' });
    expect(run.starter.completeWorkItem('legal-review-item', outcome)).toBe(false);
  });

  it('takes the default path when a review is not completed by its virtual deadline', async () => {
    const run = await runWithStubs({ plans: [review(HOUR, 2 * 86_400)] });
    await run.advance(HOUR + 2 * DAY - 60_000);
    expect(run.actCalls()).toHaveLength(0);

    await run.advance(60_000);
    const record = await run.finished();

    expect(run.callsOf('ActOnWorkItem').map((call) => call.event)).toEqual([
      { ...ids, plan: review(HOUR, 2 * 86_400), task: { outcome: 'timed-out' } },
    ]);
    expect(run.callsOf('ActOnWorkItem')[0]?.at).toBe(at(HOUR + 2 * DAY));
    expect(run.callsOf('RecordFault')).toHaveLength(0);
    expect(record).toMatchObject({ status: 'SUCCEEDED', lastState: 'Finished' });
  });

  it('acts on every step at its planned virtual instant, a step without a work item getting no task', async () => {
    const plans = [
      sms('sms-1', 9 * HOUR),
      sms('sms-2', 14 * DAY + 9 * HOUR),
      sms('sms-3', 29 * DAY + 9 * HOUR),
    ];
    const run = await runWithStubs({ plans });
    await run.advance(40 * DAY);
    const record = await run.finished();

    expect(run.callsOf('ActMessage').map((call) => call.at)).toEqual(
      plans.map((plan) => (plan as { at: string }).at),
    );
    for (const call of run.callsOf('ActMessage')) expect(call.event).not.toHaveProperty('task');
    expect(record).toMatchObject({ status: 'SUCCEEDED', lastState: 'Finished' });
  });

  it('carries out each action in the Act function that carries it, after that function’s wait', async () => {
    const step = (action: 'email' | 'letter' | 'credit-report-notice' | 'freeze-request', day: number) =>
      ({ action, stepId: action, template: action, templateVersion: 1, at: at(day * DAY) }) as NextStepPlan;
    const plans = [
      step('email', 1),
      step('letter', 2),
      step('credit-report-notice', 3),
      step('freeze-request', 4),
    ];
    const entered: string[] = [];
    const run = await runWithStubs({ plans, onStateEntered: (state) => entered.push(state) });
    await run.advance(5 * DAY);
    await run.finished();

    expect(
      run.actCalls().map((call) => [call.state, (call.event as { plan: { action: string } }).plan.action]),
    ).toEqual([
      ['ActMessage', 'email'],
      ['ActLetter', 'letter'],
      ['ActMessage', 'credit-report-notice'],
      ['ActBank', 'freeze-request'],
    ]);
    // Four transitions a step: plan, route, wait, act.
    expect(entered.slice(0, 8)).toEqual([
      'PlanNextStep',
      'Route',
      'WaitForMessage',
      'ActMessage',
      'PlanNextStep',
      'Route',
      'WaitForLetter',
      'ActLetter',
    ]);
    expect(entered).toContain('WaitForBank');
  });

  it('stops a waiting escalation and takes its sleep off the clock', async () => {
    const run = await runWithStubs({ plans: [review(HOUR)] });
    await run.advance(HOUR);
    expect(run.clock.sleeping).toBe(1);

    await run.starter.stopEscalation(ESCALATION);

    expect(run.record().status).toBe('ABORTED');
    expect(run.clock.sleeping).toBe(0);
    expect(run.starter.completeWorkItem('legal-review-item', { outcome: 'done', result: 'x', by: 'y' })).toBe(
      false,
    );
  });
});

describe('the offline runner and the synthesized definition', () => {
  const synthesized = synthesizeForLocal().stateMachineDefinition as {
    States: Record<string, { Type: string; Next?: string }>;
  };

  it('runs every Wait of the definition as a sleep on the virtual clock, going on to the same state', () => {
    const waits = Object.entries(synthesized.States).filter(([, state]) => state.Type === 'Wait');
    const local = localDefinition(synthesized).States as unknown as Record<
      string,
      { Type: string; Next?: string }
    >;

    expect(waits.map(([name]) => name).sort()).toEqual([
      'WaitForBank',
      'WaitForLetter',
      'WaitForMessage',
      'WaitForWorkItem',
    ]);
    for (const [name, wait] of waits) expect(local[name]).toMatchObject({ Type: 'Task', Next: wait.Next });
  });

  it('refuses a definition with a task it has no handler for, or without a task it has one for', () => {
    const withExtra = structuredClone(synthesized);
    withExtra.States.ActByFax = { ...(withExtra.States.ActBank as { Type: string }) };
    const withoutBank = structuredClone(synthesized);
    delete withoutBank.States.ActBank;

    expect(() => localDefinition(withExtra)).toThrow('the local runner has no handler for the task ActByFax');
    expect(() => localDefinition(withoutBank)).toThrow('the state machine definition has no task ActBank');
  });
});
