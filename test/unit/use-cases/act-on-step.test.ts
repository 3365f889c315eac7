import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { recordKey } from '../../../lambdas/adapters/aws/dynamo-contact-ledger';
import { SesEmailSender } from '../../../lambdas/adapters/aws/ses-email-sender';
import { OutboxSmsSender } from '../../../lambdas/adapters/local/outbox-sms-sender';
import { StepNotCarriedError } from '../../../lambdas/domain/act-functions';
import type { ActInput } from '../../../lambdas/ports/escalation-tasks';
import { SenderUnavailableError } from '../../../lambdas/ports/notifier';
import { actOnStep as sendReminder } from '../../../lambdas/use-cases/act-on-step';
import { type CaseOptions, createFakeWorld, DEBTOR, sealedCase } from '../../support/fakes';

const CASE_ID = 'demo-bank:ACC-001';
const input: ActInput = {
  caseId: CASE_ID,
  cycle: '2026-02-17',
  run: 0,
  plan: {
    action: 'sms',
    stepId: 'sms-courtesy',
    template: 'courtesy-reminder',
    templateVersion: 1,
    at: '2026-03-02T02:00:00.000Z',
  },
  task: { outcome: 'none' },
};

/** 10:00 on 2 March in Shanghai. */
const TEN_AM = '2026-03-02T02:00:00Z';
/** 23:30 on 1 March in Shanghai. */
const HALF_PAST_ELEVEN_PM = '2026-03-01T15:30:00Z';

async function worldWith(now: string, options: CaseOptions = {}) {
  const world = createFakeWorld({ now });
  world.cases.seed(await sealedCase(world.vault, options));
  return world;
}

describe('act on a step: lawful hours', () => {
  it('sends the SMS at 10:00 Shanghai time to the decrypted number, naming the debtor masked', async () => {
    const world = await worldWith(TEN_AM);

    const outcome = await sendReminder(world, input);

    expect(outcome).toEqual({ outcome: 'sent', contactId: 'demo-bank:ACC-001#2026-02-17#sms-courtesy' });
    expect(world.sms.sent).toHaveLength(1);
    const [message] = world.sms.sent;
    expect(message?.to).toBe(DEBTOR.mobileE164);
    expect(message?.contactId).toBe('demo-bank:ACC-001#2026-02-17#sms-courtesy');
    expect(message?.body).toContain('尊敬的张**');
    expect(message?.body).not.toContain(DEBTOR.name);
    expect(message?.body).toContain('已逾期13天');
    expect(message?.body).toContain('1500.00CNY');
  });

  it('marks the step done and records the contact without personal data', async () => {
    const world = await worldWith(TEN_AM);

    await sendReminder(world, input);

    expect(world.cases.cases.get(CASE_ID)?.completedSteps).toEqual(['sms-courtesy']);
    const sent = world.trail.ofKind('contact.sent');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      caseId: CASE_ID,
      actor: 'system:act',
      detail: { channel: 'sms', step: 'sms-courtesy', template: 'courtesy-reminder' },
    });
    const trailText = JSON.stringify(world.trail.entries);
    expect(trailText).not.toContain(DEBTOR.name);
    expect(trailText).not.toContain('12345678');
  });

  it('sends in English to an English-speaking debtor', async () => {
    const world = await worldWith(TEN_AM, {
      language: 'en',
      personal: { name: 'John Smith', mobile: '+12125550123' },
    });

    await sendReminder(world, input);

    expect(world.sms.sent[0]?.to).toBe('+12125550123');
    expect(world.sms.sent[0]?.body).toContain('Dear J*** S***');
    expect(world.sms.sent[0]?.body).not.toContain('John');
  });
});

describe('act on a step: the guard', () => {
  it('defers an SMS at 23:30 Shanghai time under CN-1 until 08:00, sending nothing', async () => {
    const world = await worldWith(HALF_PAST_ELEVEN_PM);

    const outcome = await sendReminder(world, input);

    expect(outcome).toMatchObject({ outcome: 'deferred', rule: 'CN-1' });
    expect(world.sms.sent).toEqual([]);
    expect(world.cases.cases.get(CASE_ID)?.completedSteps).toEqual([]);
    const deferred = world.trail.ofKind('contact.deferred');
    expect(deferred).toHaveLength(1);
    expect(deferred[0]?.detail).toMatchObject({ channel: 'sms', step: 'sms-courtesy', rule: 'CN-1' });
    expect(world.trail.ofKind('contact.sent')).toEqual([]);
  });

  it('sends nothing while a cease flag holds, and leaves the step due for when it lifts', async () => {
    const world = await worldWith(TEN_AM, { flags: ['hardship'] });

    const outcome = await sendReminder(world, input);

    expect(outcome).toMatchObject({ outcome: 'deferred', rule: 'PAUSE', reason: 'flag:hardship' });
    expect(world.sms.sent).toEqual([]);
    expect(world.trail.ofKind('contact.deferred')).toHaveLength(1);
    expect(world.cases.cases.get(CASE_ID)?.completedSteps).toEqual([]);
  });

  it('refuses an SMS to a debtor who opted out of SMS', async () => {
    const world = await worldWith(TEN_AM, { flags: ['do_not_sms'] });

    expect(await sendReminder(world, input)).toMatchObject({ outcome: 'refused', rule: 'OPT-OUT' });
    expect(world.sms.sent).toEqual([]);
  });
});

describe('act on a step: at most once', () => {
  it('sends nothing when the same step is invoked a second time', async () => {
    const world = await worldWith(TEN_AM);
    await sendReminder(world, input);

    const second = await sendReminder(world, input);

    expect(second).toEqual({ outcome: 'skipped', reason: 'already done' });
    expect(world.sms.sent).toHaveLength(1);
  });

  it('sends nothing after a crash between claiming the contact and marking the step, and heals the mark', async () => {
    const world = await worldWith(TEN_AM);
    await sendReminder(world, input);
    // Lose the step mark, as a crash right after the send would.
    const stored = world.cases.cases.get(CASE_ID);
    if (!stored) throw new Error('case not stored');
    world.cases.seed({ ...stored, completedSteps: [] });

    const again = await sendReminder(world, input);

    expect(again).toMatchObject({ outcome: 'skipped', reason: 'already sent' });
    expect(world.sms.sent).toHaveLength(1);
    expect(world.cases.cases.get(CASE_ID)?.completedSteps).toEqual(['sms-courtesy']);
  });

  it('leaves one SMS in the offline outbox after a redelivery: the claim stops the second send, not the outbox', async () => {
    const world = await worldWith(TEN_AM);
    const dataDir = await mkdtemp(join(tmpdir(), 'overdue-reminder-'));
    try {
      // The outbox delivers every send, as SNS does (held to it by test/contracts/sms-sender.contract.ts).
      const outbox = new OutboxSmsSender(dataDir, world.clock);
      const deps = { ...world, sms: outbox };
      await sendReminder(deps, input);
      // Lose the step mark, as a crash right after the send would: only the claim is left to stop a resend.
      const stored = world.cases.cases.get(CASE_ID);
      if (!stored) throw new Error('case not stored');
      world.cases.seed({ ...stored, completedSteps: [] });

      expect(await sendReminder(deps, input)).toMatchObject({ outcome: 'skipped', reason: 'already sent' });

      expect(await readdir(outbox.directory)).toHaveLength(1);
      expect(world.trail.ofKind('contact.attempted')).toHaveLength(1);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('records a failure it cannot classify and throws an error that names neither phone nor debtor', async () => {
    const world = await worldWith(TEN_AM);
    world.sms.failWith(new Error(`provider rejected ${DEBTOR.mobileE164} (${DEBTOR.name})`));

    const error = await sendReminder(world, input).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(CASE_ID);
    expect(message).not.toContain('12345678');
    expect(message).not.toContain(DEBTOR.name);
    const failed = world.trail.ofKind('contact.failed');
    expect(failed).toHaveLength(1);
    expect(JSON.stringify(failed)).not.toContain('12345678');
    // The evidence says what happened: attempted and failed, never sent.
    expect(world.trail.ofKind('contact.attempted')).toHaveLength(1);
    expect(world.trail.ofKind('contact.sent')).toEqual([]);
    expect(world.cases.cases.get(CASE_ID)?.completedSteps).toEqual([]);
    // Maybe sent: the slot stays reserved, so a retry sends nothing (at most once).
    expect(await sendReminder(world, input)).toMatchObject({ outcome: 'skipped', reason: 'already sent' });
    expect(world.sms.sent).toHaveLength(0);
  });

  it('records a provider refusal, frees the slot and goes on with the ladder', async () => {
    const world = await worldWith(TEN_AM);
    world.sms.failWith(
      Object.assign(new Error(`invalid number ${DEBTOR.mobileE164}`), { name: 'InvalidParameterException' }),
    );

    expect(await sendReminder(world, input)).toMatchObject({
      outcome: 'failed',
      reason: 'InvalidParameterException',
    });
    expect(world.cases.cases.get(CASE_ID)?.completedSteps).toEqual(['sms-courtesy']);
    const { records } = await world.contacts.read(`case:${CASE_ID}`, undefined, world.clock.now());
    const [record] = records;
    expect(record?.outcome).toBe('failed');
    expect(JSON.stringify(world.trail.entries)).not.toContain('12345678');
  });
});

describe('act: a function without the step’s channel', () => {
  it('fails with StepNotCarriedError before reading the ledger or opening the address, reserving nothing', async () => {
    const world = await worldWith(TEN_AM);
    const withoutSms = { ...world, sms: undefined };

    await expect(sendReminder(withoutSms, input)).rejects.toMatchObject({
      name: 'StepNotCarried',
      message: expect.stringContaining('needs sms'),
    });
    expect(world.contacts.items.size).toBe(0);
    expect(world.trail.entries).toEqual([]);
    expect(world.cases.cases.get(CASE_ID)?.completedSteps).toEqual([]);
  });

  it('fails a freeze request the same way without bank events', async () => {
    const world = await worldWith(TEN_AM);
    const plan = { ...input.plan, action: 'freeze-request', stepId: 'freeze-request' } as const;

    await expect(sendReminder({ ...world, bankEvents: undefined }, { ...input, plan })).rejects.toThrow(
      StepNotCarriedError,
    );
    expect(world.trail.entries).toEqual([]);
  });
});

describe('act: letters, email, freeze requests and work items', () => {
  const letterPlan = {
    action: 'letter',
    stepId: 'letter-first',
    template: 'cn-collection-letter',
    templateVersion: 1,
    at: TEN_AM,
  } as const;

  it('stores a letter under letters/, its SHA-256 in the trail, and the debtor’s address nowhere else', async () => {
    const address = '上海市浦东新区世纪大道100号';
    const world = await worldWith(TEN_AM, { personal: { name: DEBTOR.name, address } });

    expect(await sendReminder(world, { ...input, plan: letterPlan })).toMatchObject({ outcome: 'sent' });

    const [stored] = [...world.letters.objects.values()];
    expect(new TextDecoder().decode(stored?.body)).toContain(address);
    const sent = world.trail.ofKind('contact.sent')[0];
    expect(sent?.detail).toMatchObject({
      channel: 'letter',
      template: 'cn-collection-letter',
      templateVersion: 1,
    });
    expect(sent?.detail.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(world.trail.entries)).not.toContain('世纪大道');
  });

  it('refuses a second letter within 30 days of the first (CN-9) and defers it', async () => {
    const world = await worldWith(TEN_AM, { personal: { name: DEBTOR.name, address: '北京市' } });
    await sendReminder(world, { ...input, plan: letterPlan });
    world.clock.advance(10 * 86_400_000);

    const second = await sendReminder(world, { ...input, plan: { ...letterPlan, stepId: 'letter-second' } });

    expect(second).toMatchObject({ outcome: 'deferred', rule: 'CN-9' });
  });

  it('sends an email through the email port', async () => {
    const world = await worldWith(TEN_AM, { personal: { name: DEBTOR.name, email: DEBTOR.email } });
    const plan = {
      action: 'email',
      stepId: 'email-statement',
      template: 'overdue-statement',
      templateVersion: 1,
      at: TEN_AM,
    } as const;

    expect(await sendReminder(world, { ...input, plan })).toMatchObject({ outcome: 'sent' });
    expect(world.email.sent[0]?.to).toBe(DEBTOR.email);
    expect(world.email.sent[0]?.text).not.toContain(DEBTOR.name);
  });

  it('publishes a freeze request to the bank, once', async () => {
    const world = await worldWith(TEN_AM);
    const plan = {
      action: 'freeze-request',
      stepId: 'freeze-request',
      template: 'card-suspension-notice',
      templateVersion: 1,
      at: TEN_AM,
    } as const;

    expect(await sendReminder(world, { ...input, plan })).toMatchObject({ outcome: 'sent' });
    expect(await sendReminder(world, { ...input, plan })).toMatchObject({
      outcome: 'skipped',
      reason: 'already done',
    });
    expect(world.bankEvents.published.map((event) => event.type)).toEqual(['freeze-request']);
  });

  it('records what a person answered to a call task, or that nobody did in time', async () => {
    const world = await worldWith(TEN_AM);
    const plan = {
      action: 'call-task',
      stepId: 'call-first',
      template: 'call-first-contact',
      templateVersion: 1,
      at: TEN_AM,
      taskTimeoutSeconds: 172_800,
    } as const;

    expect(await sendReminder(world, { ...input, plan, task: { outcome: 'timed-out' } })).toMatchObject({
      outcome: 'recorded',
      reason: 'timed-out',
    });
    expect(world.trail.ofKind('work-item.closed')[0]?.detail).toMatchObject({
      step: 'call-first',
      outcome: 'timed-out',
    });
  });
});

describe('act on a step: skips', () => {
  it.each([
    ['a closed case', { status: 'closed' }, 'case closed'],
    ['a superseded cycle', { cycle: '2026-04-17', dueDate: '2026-04-17' }, 'cycle superseded'],
    ['a step already done', { completedSteps: ['sms-courtesy'] }, 'already done'],
    [
      'a case without a mobile',
      { personal: { name: DEBTOR.name, email: DEBTOR.email } },
      'no address on file',
    ],
  ] as const)('skips %s and sends nothing', async (_label, options, reason) => {
    const world = await worldWith(TEN_AM, options as CaseOptions);

    expect(await sendReminder(world, input)).toMatchObject({ outcome: 'skipped', reason });
    expect(world.sms.sent).toEqual([]);
  });

  it('skips a case that does not exist', async () => {
    const world = createFakeWorld({ now: TEN_AM });

    expect(await sendReminder(world, input)).toMatchObject({ outcome: 'skipped', reason: 'case not found' });
  });
});

describe('act on a step: review findings', () => {
  it('sends again after the provider answered without taking it (throttled): released, then reserved anew', async () => {
    const world = await worldWith(TEN_AM);
    world.sms.failNext(
      Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    await expect(sendReminder(world, input)).rejects.toThrow('ThrottlingException');
    expect(await sendReminder(world, input)).toMatchObject({ outcome: 'sent' });
    expect(world.sms.sent).toHaveLength(1);
  });

  const emailPlan = {
    action: 'email',
    stepId: 'email-statement',
    template: 'overdue-statement',
    templateVersion: 1,
    at: TEN_AM,
  } as const;

  const sesMock = () => mockClient(SESv2Client);

  /** A world whose email goes through the real SES adapter, over a client that answers as `answer` says. */
  async function worldWithSes(answer: (ses: ReturnType<typeof sesMock>) => void) {
    const world = await worldWith(TEN_AM, { personal: { name: DEBTOR.name, email: DEBTOR.email } });
    const ses = sesMock();
    answer(ses);
    const email = new SesEmailSender(ses as unknown as SESv2Client, {
      fromAddress: 'reminders@collections.example',
      configurationSetName: 'overdue-test',
    });
    return { world: { ...world, email }, ses };
  }

  it('sends an email again after SES throttled it (429, through the real adapter): released, then reserved anew', async () => {
    const { world, ses } = await worldWithSes((client) =>
      client
        .on(SendEmailCommand)
        .rejectsOnce(
          new TooManyRequestsException({
            message: `Maximum sending rate exceeded for ${DEBTOR.email}`,
            $metadata: { httpStatusCode: 429 },
          }),
        )
        .resolves({ MessageId: 'm-2' }),
    );

    await expect(sendReminder(world, { ...input, plan: emailPlan })).rejects.toMatchObject({
      name: 'TooManyRequestsException',
    });
    expect(await sendReminder(world, { ...input, plan: emailPlan })).toMatchObject({ outcome: 'sent' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    expect(world.cases.cases.get(CASE_ID)?.completedSteps).toEqual(['email-statement']);
  });

  it('never sends twice after a 5xx, which may follow an email SES took: the slot stays reserved', async () => {
    const { world, ses } = await worldWithSes((client) =>
      client.on(SendEmailCommand).rejects(
        Object.assign(new Error('Service Unavailable'), {
          name: 'InternalFailure',
          $fault: 'server',
          $metadata: { httpStatusCode: 503 },
        }),
      ),
    );

    await expect(sendReminder(world, { ...input, plan: emailPlan })).rejects.toMatchObject({
      name: 'InternalFailure',
    });
    expect(await sendReminder(world, { ...input, plan: emailPlan })).toMatchObject({ outcome: 'skipped' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('gives the slot back when the sender could not even be built (a missing setting): the retry sends', async () => {
    const world = await worldWith(TEN_AM);
    world.sms.failNext(new SenderUnavailableError('sms', 'SMS_SENDER_ID is not set'));

    await expect(sendReminder(world, input)).rejects.toMatchObject({ name: 'SenderUnavailable' });
    expect(await sendReminder(world, input)).toMatchObject({ outcome: 'sent' });
    expect(world.sms.sent).toHaveLength(1);
  });

  it('gives the slot back when the trail refuses the attempt before the send: the retry sends', async () => {
    const world = await worldWith(TEN_AM);
    const append = world.trail.append.bind(world.trail);
    let failed = false;
    world.trail.append = async (entry) => {
      if (entry.kind === 'contact.attempted' && !failed) {
        failed = true;
        throw Object.assign(new Error('Throughput exceeded'), {
          name: 'ProvisionedThroughputExceededException',
        });
      }
      return append(entry);
    };

    await expect(sendReminder(world, input)).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    expect(world.sms.sent).toHaveLength(0);
    expect(await sendReminder(world, input)).toMatchObject({ outcome: 'sent' });
    expect(world.sms.sent).toHaveLength(1);
  });

  it('gives the credit-report notice by email to a debtor who opted out of SMS, never passing it over', async () => {
    const world = await worldWith(TEN_AM, {
      personal: { name: DEBTOR.name, mobile: DEBTOR.mobileE164, email: DEBTOR.email },
      flags: ['do_not_sms'],
    });
    const plan = {
      action: 'credit-report-notice',
      stepId: 'credit-report-notice',
      template: 'credit-report-notice',
      templateVersion: 1,
      at: TEN_AM,
    } as const;

    expect(await sendReminder(world, { ...input, plan })).toMatchObject({ outcome: 'sent' });
    expect(world.sms.sent).toHaveLength(0);
    expect(world.email.sent.map((m) => m.to)).toEqual([DEBTOR.email]);
  });

  it('finishes a settle that stopped between the heads and the record when the Act comes again', async () => {
    const world = await worldWith(TEN_AM);
    const { contactId } = await sendReminder(world, input);
    const record = world.contacts.items.get(recordKey(contactId as string)) as { outcome: string };
    // The heads say sent, the record still says reserved, the step is not done: as if the function stopped in
    // the middle of the settle.
    record.outcome = 'reserved';
    const stored = world.cases.cases.get(CASE_ID);
    if (stored) world.cases.cases.set(CASE_ID, { ...stored, completedSteps: [], stepTimes: {} });

    expect(await sendReminder(world, input)).toMatchObject({ outcome: 'skipped', reason: 'already sent' });
    expect(world.sms.sent).toHaveLength(1);
    expect((world.contacts.items.get(recordKey(contactId as string)) as { outcome: string }).outcome).toBe(
      'sent',
    );
  });
});
