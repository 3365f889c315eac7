/**
 * The escalation state machine exactly as CDK synthesizes it, run by aws-local-stepfunctions with the real
 * handlers on in-memory ports, through simulated days (vitest fake timers drive the Wait state).
 */

import { StateMachine } from 'aws-local-stepfunctions';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { actFunctionHandlers } from '../../bin/offline/act-functions';
import { synthesizeForLocal } from '../../bin/offline/synthesized';
import { wallTimeIn } from '../../lambdas/domain/zoned-time';
import { makePlanNextStepHandler } from '../../lambdas/handlers/plan-next-step';
import { makeRecordFaultHandler } from '../../lambdas/handlers/record-fault';
import { type EscalationInput, escalationOf } from '../../lambdas/ports/workflow';
import { ingestFeed } from '../../lambdas/use-cases/ingest-feed';
import { openWorkItem } from '../../lambdas/use-cases/open-work-item';
import { recordFault } from '../../lambdas/use-cases/record-fault';
import { createFakeWorld, csvOf, DEBTOR, type FakeWorld, feedRow } from '../support/fakes';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const { stateMachineDefinition } = synthesizeForLocal();
/**
 * The synthesized definition, but OpenTask's timeout is fixed: the interpreter reads TimeoutSecondsPath from
 * the task's payload rather than its input (Step Functions reads the input). The collector answers at once here.
 */
const definition = (() => {
  const copy = structuredClone(stateMachineDefinition) as { States: Record<string, Record<string, unknown>> };
  const openTask = copy.States.OpenTask as Record<string, unknown>;
  delete openTask.TimeoutSecondsPath;
  openTask.TimeoutSeconds = 3600;
  return copy;
})();
/** Far more than a three-step ladder with deferrals needs; more means the workflow is looping. */
const MAX_PLANS = 50;

/** 23:00 in Shanghai on 2026-03-01, the day the account is one day past due. */
const DROPPED_AT = new Date('2026-03-01T15:00:00Z');

interface Running {
  readonly world: FakeWorld;
  readonly input: EscalationInput;
  readonly result: Promise<unknown>;
  readonly states: string[];
  readonly payloads: string[];
  /** How many times each task's handler ran (retries included). */
  readonly invocations: Record<string, number>;
}

let stdout: string[];

beforeEach(() => {
  vi.useFakeTimers({ now: DROPPED_AT });
  stdout = [];
  // Swallowed rather than printed: the test reads what the handlers log, the terminal needs none of it.
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Drops a one-row feed through the real intake, then runs the escalation intake would have started. */
async function dropAndEscalate(row: Record<string, string>, machine: object = definition): Promise<Running> {
  const world = createFakeWorld({ now: DROPPED_AT });
  // Every use case reads the time that the fake timers control.
  const deps = { ...world, clock: { now: () => new Date() } };
  world.storage.files.set('incoming/demo-bank/today.csv', csvOf([row]));
  await ingestFeed(deps, { key: 'incoming/demo-bank/today.csv' });
  const [request] = world.escalationQueue.sent;
  if (!request) throw new Error('intake asked for no escalation');
  const input = escalationOf(request);

  const plan = makePlanNextStepHandler(() => deps);
  const act = actFunctionHandlers(() => deps);
  const parkCase = makeRecordFaultHandler(() => ({ recordFault: (fault) => recordFault(deps, fault) }));
  const invocations: Record<string, number> = {};
  const counted =
    (state: string, handler: (event: unknown) => Promise<unknown>) => async (event: unknown) => {
      invocations[state] = (invocations[state] ?? 0) + 1;
      return (await handler(event)) as never;
    };
  let plans = 0;
  const execution = new StateMachine(machine as never).run(input as never, {
    // `$$.Task.Token` in OpenTask's payload, as Step Functions gives it.
    context: { Task: { Token: 'token-1' } },
    overrides: {
      taskResourceLocalHandlers: {
        PlanNextStep: async (event) => {
          // A plan → act → plan cycle that never waits is all microtasks: no test timeout would ever fire.
          if (++plans > MAX_PLANS) throw new Error(`runaway escalation: more than ${MAX_PLANS} plans`);
          return (await plan(event)) as never;
        },
        ...Object.fromEntries(
          Object.entries(act).map(([state, handler]) => [state, counted(state, handler)]),
        ),
        RecordFault: counted('RecordFault', parkCase),
        // The work item is opened for real; a collector answers it at once (the staff endpoints come later).
        OpenTask: async (event) => {
          const input = (event as unknown as { Payload: Parameters<typeof openWorkItem>[1] }).Payload;
          await openWorkItem(deps, input);
          return { outcome: 'done', result: 'no answer', by: 'collector-1' } as never;
        },
      },
    },
  });
  const states: string[] = [];
  const payloads: string[] = [];
  void (async () => {
    for await (const event of execution.eventLogs) {
      payloads.push(JSON.stringify(event));
      if (event.type === 'StateEntered') states.push(event.state.name);
    }
  })();
  const result = execution.result;
  result.catch(() => {});
  return { world, input, result, states, payloads, invocations };
}

/** Advances simulated time in hour steps so that every timer and promise in between gets to run. */
async function advance(ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= HOUR) await vi.advanceTimersByTimeAsync(Math.min(HOUR, left));
}

function shanghaiHour(at: Date): number {
  return wallTimeIn(at, 'Asia/Shanghai').hour;
}

const oneDayPastDue = feedRow({
  account_id: 'ACC-WF-1',
  as_of: '2026-03-01',
  due_date: '2026-02-28',
  days_past_due: '1',
});

describe('escalation workflow (synthesized ASL, local interpreter)', () => {
  it('holds the first SMS of a feed dropped at 23:00 Shanghai time until 08:00, then sends it once', async () => {
    const run = await dropAndEscalate(oneDayPastDue);

    await advance(8 * HOUR + 59 * 60_000); // 07:59 next morning
    expect(run.world.sms.sent).toHaveLength(0);

    await advance(2 * 60_000); // 08:01
    expect(run.world.sms.sent).toHaveLength(1);
    const [sms] = run.world.sms.sent;
    expect(sms?.to).toBe(DEBTOR.mobileE164);
    const sentAt = run.world.trail.ofKind('contact.sent')[0]?.at;
    expect(sentAt && shanghaiHour(sentAt)).toBe(8);
    expect(run.states.slice(0, 4)).toEqual(['PlanNextStep', 'Route', 'WaitForMessage', 'ActMessage']);
  });

  it('walks the whole cn ladder: every channel on its day at lawful hours, then finishes', async () => {
    const run = await dropAndEscalate({ ...oneDayPastDue, address: '上海市浦东新区世纪大道100号' });

    await advance(130 * DAY);
    await expect(run.result).resolves.toMatchObject({ plan: { action: 'end', reason: 'ladder complete' } });

    const sent = run.world.trail.ofKind('contact.sent');
    expect(sent.map((entry) => [entry.detail.step, entry.detail.channel])).toEqual([
      ['sms-courtesy', 'sms'],
      ['email-statement', 'email'],
      ['sms-second', 'sms'],
      ['letter-first', 'letter'],
      ['sms-firm', 'sms'],
      ['letter-second', 'letter'],
      ['credit-report-notice', 'sms'],
    ]);
    for (const entry of sent) {
      expect(shanghaiHour(entry.at)).toBeGreaterThanOrEqual(8);
      expect(shanghaiHour(entry.at)).toBeLessThan(22);
      expect(entry.detail.templateVersion).toBeGreaterThanOrEqual(1);
    }
    // CN-9: the second letter at least 30 days after the first; each letter's hash on record.
    const letters = sent.filter((entry) => entry.detail.channel === 'letter');
    expect((letters[1]?.at.getTime() ?? 0) - (letters[0]?.at.getTime() ?? 0)).toBeGreaterThanOrEqual(
      30 * DAY,
    );
    for (const letter of letters) expect(letter.detail.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.world.trail.ofKind('work-item.closed').map((entry) => entry.detail.step)).toEqual([
      'call-first',
      'call-plan',
    ]);
    expect(run.world.bankEvents.published.map((event) => event.type)).toEqual(['freeze-request']);
    // No delivery proof of the letters is on record, so the legal review lacks its evidence (CN-9): passed over.
    expect(run.world.trail.ofKind('step.skipped').map((entry) => entry.detail.step)).toContain(
      'legal-review',
    );
    expect(run.states.at(-1)).toBe('Finished');
  });

  it('stops sending once the account is cured mid-way', async () => {
    const run = await dropAndEscalate(oneDayPastDue);
    await advance(2 * DAY);
    expect(run.world.sms.sent).toHaveLength(1);

    const deps = { ...run.world, clock: { now: () => new Date() } };
    run.world.storage.files.set(
      'incoming/demo-bank/cured.csv',
      csvOf([{ ...oneDayPastDue, as_of: '2026-03-03', days_past_due: '3', overdue_principal: '0' }]),
    );
    const report = await ingestFeed(deps, { key: 'incoming/demo-bank/cured.csv' });
    expect(report.cured).toBe(1);

    await advance(30 * DAY);
    await expect(run.result).resolves.toMatchObject({ plan: { action: 'end', reason: 'case closed' } });
    expect(run.world.sms.sent).toHaveLength(1);
    // The statement email went out on day 3, before the cure; nothing after it.
    expect(run.world.email.sent).toHaveLength(1);
    expect(run.world.trail.ofKind('work-item.opened')).toHaveLength(0);
  });

  it('pauses, sending nothing, while the debtor disputes the debt', async () => {
    const run = await dropAndEscalate({ ...oneDayPastDue, flags: 'dispute' });
    await advance(2 * DAY);
    await expect(run.result).resolves.toMatchObject({ plan: { action: 'pause', reason: 'flag:dispute' } });
    expect(run.states.at(-1)).toBe('Paused');
    expect(run.world.sms.sent).toHaveLength(0);
    expect(await run.world.cases.get(run.input.caseId)).toMatchObject({
      escalationState: 'paused',
      escalationReason: 'flag:dispute',
    });
  });

  it('passes the SMS steps over, on record, for a debtor who opted out of SMS, and emails', async () => {
    const run = await dropAndEscalate({ ...oneDayPastDue, flags: 'do_not_sms' });
    await advance(4 * DAY);
    expect(run.world.sms.sent).toHaveLength(0);
    expect(run.world.email.sent).toHaveLength(1);
    const refused = run.world.trail.ofKind('contact.refused')[0];
    expect(refused?.detail).toMatchObject({ step: 'sms-courtesy', rule: 'OPT-OUT' });
  });

  it('passes the SMS step over for a debtor reachable by email only, and emails on day 3', async () => {
    const run = await dropAndEscalate({ ...oneDayPastDue, mobile: '' });
    await advance(4 * DAY);
    expect(run.world.sms.sent).toHaveLength(0);
    expect(run.world.email.sent).toHaveLength(1);
    expect(run.world.trail.ofKind('contact.refused')[0]?.detail).toMatchObject({
      step: 'sms-courtesy',
      rule: 'NO-ADDRESS',
    });
  });

  it('reads quiet hours in the debtor zone: 23:00 in Shanghai is 10:00 in New York, so it sends at once', async () => {
    const run = await dropAndEscalate({ ...oneDayPastDue, timezone: 'America/New_York' });

    await advance(60_000);

    expect(run.world.sms.sent).toHaveLength(1);
    const sentAt = run.world.trail.ofKind('contact.sent')[0]?.at;
    expect(sentAt?.toISOString()).toBe(DROPPED_AT.toISOString());
    expect(sentAt && wallTimeIn(sentAt, 'America/New_York').hour).toBe(10);
  });

  it('parks the case when a step reaches an Act function that does not carry it (a routing fault), sending nothing', async () => {
    // The machine as a routing fault would make it: SMS, email and notices sent to the letters' wait (and the
    // states no longer reached taken out, as the interpreter refuses unreachable states).
    const misrouted = structuredClone(definition) as { States: Record<string, { Choices?: object[] }> };
    const route = misrouted.States.Route?.Choices ?? [];
    const messages = route.find((choice) => JSON.stringify(choice).includes('"Next":"WaitForMessage"'));
    if (!messages) throw new Error('no route to WaitForMessage');
    Object.assign(messages, { Next: 'WaitForLetter' });
    delete misrouted.States.WaitForMessage;
    delete misrouted.States.ActMessage;
    const run = await dropAndEscalate(oneDayPastDue, misrouted);

    await advance(2 * DAY);

    await expect(run.result).resolves.toMatchObject({ error: { state: 'parked', error: 'StepNotCarried' } });
    expect(run.states.slice(0, 6)).toEqual([
      'PlanNextStep',
      'Route',
      'WaitForLetter',
      'ActLetter',
      'RecordFault',
      'Parked',
    ]);
    // Not retried (it would fail the same way), not skipped: the step is still due and the case parked.
    expect(run.invocations).toMatchObject({ ActLetter: 1, RecordFault: 1 });
    expect(run.invocations.ActMessage).toBeUndefined();
    const parked = await run.world.cases.get(run.input.caseId);
    expect(parked).toMatchObject({ escalationState: 'parked', escalationReason: 'StepNotCarried' });
    expect(parked?.completedSteps).toEqual([]);
    expect(run.world.sms.sent).toEqual([]);
    expect(run.world.letters.objects.size).toBe(0);
    expect(run.world.contacts.items.size).toBe(0);
    expect(run.world.trail.entries.map((entry) => entry.kind)).not.toContainEqual(
      expect.stringMatching(/^(contact|step)\./),
    );
    expect(run.world.trail.ofKind('escalation.parked')).toHaveLength(1);
  });

  it('keeps personal data out of execution payloads and logs', async () => {
    const run = await dropAndEscalate(oneDayPastDue);
    await advance(130 * DAY);
    await run.result;
    const seen = [...run.payloads, ...stdout].join('\n');
    expect(run.payloads.length).toBeGreaterThan(10);
    expect(stdout.join('')).toContain('"message":"acted"');
    expect(seen).toContain('ACC-WF-1');
    for (const value of [DEBTOR.name, DEBTOR.mobile, DEBTOR.email]) expect(seen).not.toContain(value);
  });
});
