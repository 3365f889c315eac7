/** The four Act functions' handlers: each carries out its own actions and refuses any other, touching nothing. */

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ACT_FUNCTIONS,
  ACTIONS_CARRIED_BY,
  type ActFunction,
  StepNotCarriedError,
} from '../../../lambdas/domain/act-functions';
import { LADDER_ACTIONS, type LadderAction } from '../../../lambdas/domain/escalation-ladder';
import { makeActBankHandler } from '../../../lambdas/handlers/act-bank';
import { makeActLetterHandler } from '../../../lambdas/handlers/act-letter';
import { makeActMessageHandler } from '../../../lambdas/handlers/act-message';
import { makeActHandler } from '../../../lambdas/handlers/act-on-step';
import { makeActOnWorkItemHandler } from '../../../lambdas/handlers/act-on-work-item';
import type { PlannedStep } from '../../../lambdas/ports/escalation-tasks';
import { createFakeWorld, DEBTOR, type FakeWorld, sealedCase } from '../../support/fakes';

/** 10:00 on 2 March in Shanghai. */
const TEN_AM = '2026-03-02T02:00:00Z';
const CASE_ID = 'demo-bank:ACC-001';
const step = (action: LadderAction, stepId: string, template: string, taskTimeoutSeconds?: number) =>
  ({
    action,
    stepId,
    template,
    templateVersion: 1,
    at: TEN_AM,
    ...(taskTimeoutSeconds ? { taskTimeoutSeconds } : {}),
  }) as PlannedStep;
const PLANS: Record<LadderAction, PlannedStep> = {
  sms: step('sms', 'sms-courtesy', 'courtesy-reminder'),
  email: step('email', 'email-statement', 'overdue-statement'),
  letter: step('letter', 'letter-first', 'cn-collection-letter'),
  'credit-report-notice': step('credit-report-notice', 'credit-report-notice', 'credit-report-notice'),
  'freeze-request': step('freeze-request', 'freeze-request', 'card-suspension-notice'),
  'call-task': step('call-task', 'call-first', 'call-first-contact', 172_800),
  review: step('review', 'legal-review', 'legal-referral-review', 259_200),
};
/** What each action comes to for a debtor with a mobile, an email and an address, at 10:00 on a weekday. */
const OUTCOMES: Record<LadderAction, string> = {
  sms: 'sent',
  email: 'sent',
  letter: 'sent',
  'credit-report-notice': 'sent',
  'freeze-request': 'sent',
  'call-task': 'recorded',
  review: 'recorded',
};

const HANDLERS: Record<ActFunction, (world: FakeWorld) => (event: unknown) => Promise<unknown>> = {
  ActMessage: (world) => makeActMessageHandler(() => world),
  ActLetter: (world) => makeActLetterHandler(() => world),
  ActBank: (world) => makeActBankHandler(() => world),
  ActOnWorkItem: (world) => makeActOnWorkItemHandler(() => world),
};

async function world(): Promise<FakeWorld> {
  const fake = createFakeWorld({ now: TEN_AM });
  fake.cases.seed(
    await sealedCase(fake.vault, {
      personal: { name: DEBTOR.name, mobile: DEBTOR.mobileE164, email: DEBTOR.email, address: '北京市' },
    }),
  );
  return fake;
}

const eventFor = (action: LadderAction) => ({
  caseId: CASE_ID,
  cycle: '2026-02-17',
  run: 0,
  plan: PLANS[action],
  ...(ACTIONS_CARRIED_BY.ActOnWorkItem.includes(action) ? { task: { outcome: 'timed-out' } } : {}),
});

/** Everything a step could have touched: sends, the ledger, the trail, the case. */
async function touched(fake: FakeWorld) {
  return {
    sms: fake.sms.sent.length,
    email: fake.email.sent.length,
    letters: fake.letters.objects.size,
    bankEvents: fake.bankEvents.published.length,
    ledger: fake.contacts.items.size,
    trail: fake.trail.entries.length,
    completedSteps: (await fake.cases.get(CASE_ID))?.completedSteps,
  };
}
const UNTOUCHED = { sms: 0, email: 0, letters: 0, bankEvents: 0, ledger: 0, trail: 0, completedSteps: [] };

let logged: string[];

beforeEach(() => {
  logged = [];
  // Kept from the terminal; a test reads what the handlers log.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the Act functions', () => {
  for (const name of ACT_FUNCTIONS) {
    for (const action of ACTIONS_CARRIED_BY[name]) {
      it(`${name} carries out a ${action} step`, async () => {
        const fake = await world();

        const outcome = await HANDLERS[name](fake)(eventFor(action));

        expect(outcome).toMatchObject({ outcome: OUTCOMES[action] });
        expect((await fake.cases.get(CASE_ID))?.completedSteps).toEqual([PLANS[action].stepId]);
      });
    }

    for (const action of LADDER_ACTIONS.filter((other) => !ACTIONS_CARRIED_BY[name].includes(other))) {
      it(`${name} refuses a ${action} step routed to it, naming both functions, and touches nothing`, async () => {
        const fake = await world();

        const refused = HANDLERS[name](fake)(eventFor(action));

        await expect(refused).rejects.toThrow(StepNotCarriedError);
        await expect(refused).rejects.toMatchObject({
          name: 'StepNotCarried',
          message: expect.stringMatching(
            new RegExp(`^${name} does not carry out ${action} steps \\(Act\\w+ does\\)`),
          ),
        });
        expect(await touched(fake)).toEqual(UNTOUCHED);
      });
    }
  }

  it('logs a refused step as an error with the step, both functions and no personal data', async () => {
    const fake = await world();

    await expect(HANDLERS.ActLetter(fake)(eventFor('sms'))).rejects.toThrow(StepNotCarriedError);

    const [line] = logged.filter((text) => text.includes('step not carried'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      level: 'ERROR',
      caseId: CASE_ID,
      step: 'sms-courtesy',
      action: 'sms',
      carrier: 'ActLetter',
      owner: 'ActMessage',
    });
    for (const value of [DEBTOR.name, DEBTOR.mobileE164, DEBTOR.email]) expect(line).not.toContain(value);
  });

  it('gives the use case only the channels the function carries, whatever it is handed', async () => {
    const fake = await world();
    // A function that would carry messages but was wired without email, handed a world that has one.
    const withoutEmail = makeActHandler('ActMessage', ['vault', 'contacts', 'sms'], () => fake);

    await expect(withoutEmail(eventFor('email'))).rejects.toMatchObject({
      name: 'StepNotCarried',
      message: expect.stringContaining('needs email'),
    });
    expect(await touched(fake)).toEqual(UNTOUCHED);
  });

  it("gives the use case only the templates the function's module names, whatever it is handed", async () => {
    // A world that holds every template, handed to a function wired with the message channels but no templates.
    const fake = await world();
    const withoutTemplates = makeActHandler('ActMessage', ['vault', 'contacts', 'sms', 'email'], () => fake);

    await expect(withoutTemplates(eventFor('sms'))).rejects.toMatchObject({
      name: 'StepNotCarried',
      message: expect.stringContaining('needs renderSms'),
    });
    expect(await touched(fake)).toEqual(UNTOUCHED);
  });
});
