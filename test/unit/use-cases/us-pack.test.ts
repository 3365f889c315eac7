/** A bank on pack us: its cases carry its defaults, and US-1 (08:00–21:00 New York time) holds its reminders. */

import { describe, expect, it } from 'vitest';
import { actOnStep } from '../../../lambdas/use-cases/act-on-step';
import { ingestFeed } from '../../../lambdas/use-cases/ingest-feed';
import { planNextStep } from '../../../lambdas/use-cases/plan-next-step';
import {
  type CaseOptions,
  createFakeWorld,
  DEMO_BANK_CONFIG,
  feedCsv,
  sealedCase,
  US_BANK_CONFIG,
} from '../../support/fakes';

const CASE_ID = 'us-bank:US-001';
const CYCLE = '2026-02-17';
const PLAN = {
  action: 'sms',
  stepId: 'sms-reminder',
  template: 'us-reminder',
  templateVersion: 1,
  at: '2026-03-03T00:00:00.000Z',
} as const;
const ids = { caseId: CASE_ID, cycle: CYCLE, run: 0 };
const sendReminder = (
  world: Awaited<ReturnType<typeof usWorld>>,
  input: { caseId: string; cycle: string; plan: typeof PLAN },
) => actOnStep(world, { ...input, run: 0, task: { outcome: 'none' } });
const US_DEBTOR = { name: 'John Smith', mobile: '+12125550123' };

async function usWorld(now: string, options: CaseOptions = {}, validationSent = true) {
  const world = createFakeWorld({ now, banks: [DEMO_BANK_CONFIG, US_BANK_CONFIG] });
  world.cases.put(
    await sealedCase(world.vault, {
      bankId: 'us-bank',
      accountId: 'US-001',
      policyPack: 'us',
      timeZone: 'America/New_York',
      language: 'en',
      overdue: { amountMinor: 25_000, currency: 'USD' },
      personal: US_DEBTOR,
      completedSteps: ['validation-letter', 'validation-email'],
      stepTimes: {
        'validation-letter': '2026-02-18T14:00:00.000Z',
        'validation-email': '2026-02-19T14:00:00.000Z',
      },
      ...options,
    }),
  );
  if (!validationSent) return world;
  // The validation notice went out (US-3): later collection communications are lawful.
  const debtorKey = `case:${CASE_ID}`;
  const view = await world.contacts.read(debtorKey, undefined, new Date('2026-02-18T14:00:00Z'));
  const notice = {
    contactId: `${CASE_ID}#${CYCLE}#validation-letter`,
    debtorKey,
    caseId: CASE_ID,
    channel: 'letter',
    at: '2026-02-18T14:00:00.000Z',
    outcome: 'reserved',
    automated: true,
    purpose: 'validation-notice',
  } as const;
  await world.contacts.reserve(view, notice);
  await world.contacts.settle(notice, 'sent', new Date('2026-02-18T14:00:00Z'));
  return world;
}

describe('pack us: intake', () => {
  it('opens a case with the bank defaults: pack us, USD, New York time, English', async () => {
    const world = createFakeWorld({ banks: [DEMO_BANK_CONFIG, US_BANK_CONFIG] });
    const key = 'incoming/us-bank/feed-2026-03-01.csv';
    world.storage.files.set(
      key,
      feedCsv([
        {
          account_id: 'US-001',
          as_of: '2026-03-01',
          customer_name: US_DEBTOR.name,
          mobile: US_DEBTOR.mobile,
          overdue_principal: '250.00',
          due_date: CYCLE,
        },
      ]),
    );

    const report = await ingestFeed(world, { key });

    expect(report).toMatchObject({ bankId: 'us-bank', created: 1, rejected: 0, escalationsRequested: 1 });
    expect(world.cases.all()).toMatchObject([
      {
        caseId: CASE_ID,
        policyPack: 'us',
        timeZone: 'America/New_York',
        language: 'en',
        overdue: { amountMinor: 25_000, currency: 'USD' },
        masked: { name: 'J*** S***' },
      },
    ]);
  });
});

describe('pack us: planning under US-1', () => {
  it('moves a step due at 21:30 New York time to 08:00 the next morning', async () => {
    // 21:30 EST on 2 March is 02:30Z on 3 March; 08:00 EST on 3 March is 13:00Z.
    const world = await usWorld('2026-03-03T02:30:00Z');

    const plan = await planNextStep(world, ids);

    expect(plan).toMatchObject({ action: 'sms', stepId: 'sms-reminder', at: '2026-03-03T13:00:00.000Z' });
  });

  it('moves a step due the night before the clocks spring forward to 08:00 daylight time', async () => {
    // 21:30 EST on 7 March 2026; the clocks go forward at 02:00 on 8 March, so 08:00 EDT is 12:00Z.
    const world = await usWorld('2026-03-08T02:30:00Z');

    const plan = await planNextStep(world, ids);

    expect(plan).toMatchObject({ action: 'sms', at: '2026-03-08T12:00:00.000Z' });
  });
});

describe('pack us: the validation notice first (US-3)', () => {
  it('refuses a reminder before the validation notice went out, and passes it over on record', async () => {
    const world = await usWorld('2026-03-03T15:00:00Z', {}, false);

    expect(await sendReminder(world, { caseId: CASE_ID, cycle: CYCLE, plan: PLAN })).toMatchObject({
      outcome: 'refused',
      rule: 'US-3',
    });
    expect(world.sms.sent).toEqual([]);
  });
});

describe('pack us: sending under US-1', () => {
  it('sends at 20:59 New York time in English, naming the debtor masked', async () => {
    const world = await usWorld('2026-03-03T01:59:00Z');

    const outcome = await sendReminder(world, { caseId: CASE_ID, cycle: CYCLE, plan: PLAN });

    expect(outcome).toMatchObject({ outcome: 'sent' });
    expect(world.sms.sent).toHaveLength(1);
    expect(world.sms.sent[0]?.to).toBe(US_DEBTOR.mobile);
    expect(world.sms.sent[0]?.body).toContain('US Bank');
    expect(world.sms.sent[0]?.body).toContain('J*** S***');
    expect(world.sms.sent[0]?.body).toContain('250.00');
    // US-6 and §1006.18(e): the opt-out line and the debt-collector disclosure.
    expect(world.sms.sent[0]?.body).toMatch(/STOP/);
    expect(world.sms.sent[0]?.body).toMatch(/debt collector/i);
    expect(world.sms.sent[0]?.body).not.toContain('John');
    expect(world.sms.sent[0]?.body).not.toContain('Smith');
  });

  it('defers an SMS at 21:00 New York time under US-1 until 08:00, sending nothing', async () => {
    const world = await usWorld('2026-03-03T02:00:00Z');

    const outcome = await sendReminder(world, { caseId: CASE_ID, cycle: CYCLE, plan: PLAN });

    expect(outcome).toMatchObject({ outcome: 'deferred', rule: 'US-1' });
    expect(world.sms.sent).toEqual([]);
    expect(world.trail.ofKind('contact.deferred')[0]?.detail).toMatchObject({ rule: 'US-1' });
  });

  it('reads US-1 in the debtor zone: 10:00 in Shanghai is 21:00 in New York and is refused there', async () => {
    // 2026-03-03T02:00Z: 10:00 in Shanghai, 21:00 EST in New York.
    const world = await usWorld('2026-03-03T02:00:00Z');
    const shanghaiWorld = createFakeWorld({ now: '2026-03-03T02:00:00Z' });
    shanghaiWorld.cases.put(await sealedCase(shanghaiWorld.vault));

    const us = await sendReminder(world, { caseId: CASE_ID, cycle: CYCLE, plan: PLAN });
    const cn = await actOnStep(shanghaiWorld, {
      caseId: 'demo-bank:ACC-001',
      cycle: CYCLE,
      run: 0,
      plan: { ...PLAN, stepId: 'sms-courtesy', template: 'courtesy-reminder' },
      task: { outcome: 'none' },
    });

    expect(us).toMatchObject({ outcome: 'deferred', rule: 'US-1' });
    expect(cn).toMatchObject({ outcome: 'sent' });
  });
});
