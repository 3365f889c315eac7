/**
 * The escalation state machine's shape as synthesized: no task fault ends an escalation (every task retries and
 * is caught into RecordFault), work items wait on a task token with the plan's timeout, payloads carry ids only,
 * and a parked escalation alarms.
 */

import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthesizeForLocal } from '../../bin/offline/synthesized';
import { ACT_FUNCTIONS } from '../../lambdas/domain/act-functions';
import { LADDER_ACTIONS } from '../../lambdas/domain/escalation-ladder';
import { WAIT_STATES } from '../../lib/constructs/escalation-state-machine';
import { synthesize } from './synthesize';

type Retrier = {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
};
type Catcher = { ErrorEquals: string[]; Next: string; ResultPath?: string | null };
interface State {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  Retry?: Retrier[];
  Catch?: Catcher[];
  Next?: string;
  TimeoutSecondsPath?: string;
  [field: string]: unknown;
}

const { stateMachineDefinition } = synthesizeForLocal();
const states = stateMachineDefinition.States as Record<string, State>;
/** The Route choice that goes to a state, as JSON. */
const routeTo = (next: string) =>
  JSON.stringify(
    ((states.Route?.Choices ?? []) as unknown[]).find((choice) =>
      JSON.stringify(choice).includes(`"Next":"${next}"`),
    ) ?? {},
  );
/** The actions a choice compares `$.plan.action` with, sorted. */
const actionsIn = (choice: string) =>
  [...choice.matchAll(/"Variable":"\$\.plan\.action","StringEquals":"([a-z-]+)"/g)]
    .map((match) => match[1] ?? '')
    .sort();
const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task');
/** A task's payload: the Lambda invoke integration's `Payload`, or the parameters of a direct invoke. */
const payloadOf = (state: State) =>
  (state.Parameters?.Payload ?? state.Parameters) as Record<string, unknown>;

describe('escalation state machine: faults', () => {
  it('has the Lambda tasks of the design (one Act state per Act function, each invoking its own)', () => {
    expect(tasks.map(([name]) => name).sort()).toEqual([
      'ActBank',
      'ActLetter',
      'ActMessage',
      'ActOnWorkItem',
      'OpenTask',
      'PlanNextStep',
      'RecordFault',
    ]);
  });

  for (const [name, state] of tasks) {
    it(`${name}: retries Lambda service errors, then any error with jittered backoff`, () => {
      expect(state.Retry?.[0]?.ErrorEquals).toContain('Lambda.ServiceException');
      expect(state.Retry?.[0]?.ErrorEquals).toContain('Lambda.TooManyRequestsException');
      const any = state.Retry?.at(-1);
      expect(any).toMatchObject({ ErrorEquals: ['States.ALL'], BackoffRate: 2, JitterStrategy: 'FULL' });
      expect(any?.MaxAttempts).toBeGreaterThanOrEqual(3);
      expect(any?.IntervalSeconds).toBeGreaterThanOrEqual(5);
    });
  }

  for (const [name, state] of tasks.filter(([task]) => task !== 'RecordFault')) {
    it(`${name}: waits out a provider's or table's throttling for over an hour, jittered, before parking`, () => {
      const retriers = state.Retry ?? [];
      const throttled = retriers.findIndex((retrier) =>
        retrier.ErrorEquals.includes('TooManyRequestsException'),
      );
      const any = retriers.findIndex((retrier) => retrier.ErrorEquals.includes('States.ALL'));
      const retrier = retriers[throttled] as Retrier & { MaxDelaySeconds?: number };
      expect(retrier.ErrorEquals).toEqual(
        expect.arrayContaining([
          'ThrottlingException',
          'ThrottledException',
          'ProvisionedThroughputExceededException',
        ]),
      );
      expect(retrier).toMatchObject({ JitterStrategy: 'FULL', BackoffRate: 2 });
      expect(throttled).toBeLessThan(any);
      // The longest the retries can wait in all (each wait at most MaxDelaySeconds).
      let total = 0;
      for (let attempt = 0; attempt < (retrier.MaxAttempts ?? 0); attempt++)
        total += Math.min((retrier.IntervalSeconds ?? 1) * 2 ** attempt, retrier.MaxDelaySeconds ?? Infinity);
      expect(total).toBeGreaterThan(3_600);
    });

    it(`${name}: catches every error into RecordFault, keeping the error at $.error`, () => {
      expect(state.Catch?.at(-1)).toEqual({
        ErrorEquals: ['States.ALL'],
        Next: 'RecordFault',
        ResultPath: '$.error',
      });
    });
  }

  for (const name of ACT_FUNCTIONS) {
    it(`${name}: parks a step it does not carry at once (StepNotCarried is never retried)`, () => {
      const retriers = states[name]?.Retry ?? [];
      const notCarried = retriers.findIndex((retrier) => retrier.ErrorEquals.includes('StepNotCarried'));
      const any = retriers.findIndex((retrier) => retrier.ErrorEquals.includes('States.ALL'));
      expect(retriers[notCarried]).toEqual({ ErrorEquals: ['StepNotCarried'], MaxAttempts: 0 });
      expect(notCarried).toBeLessThan(any);
    });
  }

  it('invokes a different function from each Act state', () => {
    // Fake ARNs named after the function's logical id (EscalationWorkflowActMessage…).
    const invoked = ACT_FUNCTIONS.map((name) => states[name]?.Resource ?? '');
    for (const [index, name] of ACT_FUNCTIONS.entries()) expect(invoked[index]).toContain(`Workflow${name}`);
    expect(new Set(invoked).size).toBe(ACT_FUNCTIONS.length);
  });

  it('RecordFault has no Catch (its final failure fails the execution, which alarms) and then parks', () => {
    expect(states.RecordFault?.Catch).toBeUndefined();
    expect(states.RecordFault?.Next).toBe('Parked');
    expect(states.Parked?.Type).toBe('Succeed');
  });

  it('RecordFault gets the ids and the error name only, never the Cause', () => {
    expect(payloadOf(states.RecordFault as State)).toEqual({
      'caseId.$': '$.caseId',
      'cycle.$': '$.cycle',
      'run.$': '$.run',
      'error.$': '$.error.Error',
    });
    expect(JSON.stringify(stateMachineDefinition)).not.toContain('Cause');
  });

  it('parks a plan it could not follow instead of failing on it', () => {
    expect(states.InvalidPlan).toMatchObject({ Type: 'Pass', ResultPath: '$.error', Next: 'RecordFault' });
    expect(states.Route?.Default).toBe('InvalidPlan');
  });
});

describe('escalation state machine: work items', () => {
  const openTask = states.OpenTask as State;

  it('opens the item with a Lambda that gets the task token and waits for it, up to the plan’s timeout', () => {
    expect(openTask.Resource).toMatch(/:states:::lambda:invoke\.waitForTaskToken$/);
    expect(payloadOf(openTask)['taskToken.$']).toBe('$$.Task.Token');
    expect(openTask.TimeoutSecondsPath).toBe('$.plan.taskTimeoutSeconds');
    expect(openTask.ResultPath).toBe('$.task');
    expect(openTask.Next).toBe('ActOnWorkItem');
  });

  it('takes a timeout as the default path: never retried, caught before any fault', () => {
    const timeoutRetry = openTask.Retry?.findIndex((retrier) =>
      retrier.ErrorEquals.includes('States.Timeout'),
    );
    const anyRetry = openTask.Retry?.findIndex((retrier) => retrier.ErrorEquals.includes('States.ALL'));
    expect(timeoutRetry).toBeGreaterThanOrEqual(0);
    expect(openTask.Retry?.[timeoutRetry as number]?.MaxAttempts).toBe(0);
    expect(timeoutRetry).toBeLessThan(anyRetry as number);
    expect(openTask.Catch?.[0]).toMatchObject({ ErrorEquals: ['States.Timeout'], Next: 'TaskTimedOut' });
    expect(states.TaskTimedOut).toMatchObject({
      Type: 'Pass',
      Result: { outcome: 'timed-out' },
      ResultPath: '$.task',
      Next: 'ActOnWorkItem',
    });
  });

  it('routes call-task and review steps through their wait to OpenTask, then ActOnWorkItem with the task', () => {
    expect(states.WaitForWorkItem).toMatchObject({ Type: 'Wait', Next: 'OpenTask' });
    expect(payloadOf(states.ActOnWorkItem as State)['task.$']).toBe('$.task');
    expect(routeTo('WaitForWorkItem')).toContain('$.plan.taskTimeoutSeconds');
  });
});

describe('escalation state machine: routing', () => {
  it('sends each action to the wait of the one Act function that carries it, and nothing else there', () => {
    const routed = Object.fromEntries(
      ACT_FUNCTIONS.map((name) => [name, actionsIn(routeTo(WAIT_STATES[name]))]),
    );
    expect(routed).toEqual({
      ActMessage: ['credit-report-notice', 'email', 'sms'],
      ActLetter: ['letter'],
      ActBank: ['freeze-request'],
      ActOnWorkItem: ['call-task', 'review'],
    });
    expect(Object.values(routed).flat().sort()).toEqual([...LADDER_ACTIONS].sort());
  });

  it('goes from every wait straight to its task: a step is four transitions (plan, route, wait, act)', () => {
    for (const name of ACT_FUNCTIONS) {
      const wait = states[WAIT_STATES[name]] as State;
      expect(wait).toMatchObject({ Type: 'Wait', TimestampPath: '$.plan.at' });
      expect(wait.Next).toBe(name === 'ActOnWorkItem' ? 'OpenTask' : name);
      expect(states[name]?.Next).toBe('PlanNextStep');
    }
    expect(Object.values(states).filter((state) => state.Type === 'Choice')).toHaveLength(1);
  });

  it('gives no task to the Act functions that contact or publish', () => {
    for (const name of ['ActMessage', 'ActLetter', 'ActBank']) {
      expect(payloadOf(states[name] as State)).not.toHaveProperty('task.$');
    }
  });

  it('parks an action no Act function carries (InvalidPlan) rather than acting on it', () => {
    const choices = (states.Route?.Choices ?? []) as unknown[];
    const anyAction = choices.filter((choice) => !JSON.stringify(choice).includes('"Next":"Wait'));
    expect(anyAction.map((choice) => JSON.stringify(choice))).toEqual([
      expect.stringContaining('"Next":"InvalidPlan"'),
      expect.stringContaining('"Next":"Finished"'),
      expect.stringContaining('"Next":"Paused"'),
    ]);
    expect(states.Route?.Default).toBe('InvalidPlan');
  });
});

describe('escalation state machine: payloads', () => {
  it('gives every task ids, the plan and outcomes only, never the whole state', () => {
    const allowed = ['caseId.$', 'cycle.$', 'run.$', 'plan.$', 'task.$', 'taskToken.$', 'error.$'];
    for (const [, state] of tasks) {
      const payload = payloadOf(state);
      expect(Object.keys(payload).every((key) => allowed.includes(key))).toBe(true);
      expect(payload).toMatchObject({ 'caseId.$': '$.caseId', 'cycle.$': '$.cycle', 'run.$': '$.run' });
    }
  });
});

describe('parked escalations', () => {
  it('alarm on the escalationsParked metric RecordFault emits, under its service name, at the first one', () => {
    const dev = synthesize('dev');
    dev.stateless.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'escalationsParked',
      Namespace: 'Overdue',
      Dimensions: [{ Name: 'service', Value: dev.stacks.stateless.escalation.recordFault.serviceName }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: Match.anyValue(),
    });
  });
});
