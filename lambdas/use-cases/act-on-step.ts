/**
 * Carries out one planned escalation step (an Act task), if and only if the guard allows it now.
 * Input: case id, cycle, run, the planned step, and the work item's outcome for a call or review.
 * Output: what happened (sent, deferred, refused, skipped, failed, recorded); the ladder goes on after each.
 * 1. Load the case; a closed, superseded or already-done step is skipped.
 * 2. A contact (SMS, email, letter, credit-report notice): read the debtor's contact ledger, ask the guard about
 *    this instant (a refusal is recorded with its rule, nothing sent), reserve the slot in the ledger under the
 *    step's deterministic contact id — a redelivered invocation finds it taken and sends nothing — then open the
 *    address, render, send, and settle the slot as sent (or failed, recorded: the ladder goes on).
 * 3. A freeze request is asked of the guard and published to the bank; a call or review records the outcome a
 *    person gave (or the default path when nobody answered in time).
 * 4. Mark the step done, with the instant.
 * Errors that are not the provider's (KMS, DynamoDB) are thrown: the state machine retries, then parks the case.
 * Each Act function carries out its own actions (lambdas/domain/act-functions.ts) and is wired with their senders
 * and templates only: a step whose sender or templates it lacks fails with StepNotCarriedError before anything
 * is reserved or sent.
 */

import { StepNotCarriedError } from '../domain/act-functions';
import { type BankSettings, currentLadder, ladderVersion } from '../domain/bank';
import type { CollectionCase } from '../domain/collection-case';
import { checkAction, checkContact } from '../domain/compliance-guard';
import { type ContactRecord, debtorKeyOf } from '../domain/contact-record';
import { addDays, daysPastDue } from '../domain/delinquency';
// Types only: the templates are handed in (ActTemplates), each Act function bundling its own channel's.
import type { renderLetter } from '../domain/letter-templates';
import type { renderEmail, renderSms } from '../domain/message-templates';
import { formatMoney } from '../domain/money';
import { policyPack } from '../domain/policy-packs';
import { localDate } from '../domain/zoned-time';
import type { BankDirectory } from '../ports/bank-directory';
import type { CaseStore } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { ContactLedger, LedgerView } from '../ports/contact-ledger';
import type { ActInput, ActOutcome } from '../ports/escalation-tasks';
import {
  type BankEvents,
  type EmailSender,
  type LetterStore,
  SenderUnavailableError,
  type SmsSender,
} from '../ports/notifier';
import type { PiiVault } from '../ports/pii-vault';
import type { Trail, TrailKind } from '../ports/trail';
import {
  type ContactTarget,
  caseFactsOf,
  contactTargetOf,
  guardFlags,
  mergedRecords,
  pauseReason,
  purposeOf,
  stepContactId,
} from './escalation-context';

/** What every Act function has: the case, its trail, the banks served, the time. */
export interface ActCore {
  readonly cases: CaseStore;
  readonly trail: Trail;
  readonly banks: BankDirectory;
  readonly clock: Clock;
}

/**
 * What a step reaches the debtor or the bank through. A contact opens the address (vault), reserves it in the
 * debtor's ledger (contacts) and sends by its channel (sms, email, letters); a freeze request goes to the bank
 * (bankEvents); a work item's outcome needs none of them.
 */
export interface ActChannels {
  readonly vault: PiiVault;
  readonly contacts: ContactLedger;
  readonly sms: SmsSender;
  readonly email: EmailSender;
  readonly letters: LetterStore;
  readonly bankEvents: BankEvents;
}

/**
 * What a contact is written from, by channel: the SMS and email templates (domain/message-templates) and the
 * letters (domain/letter-templates). Handed in by each Act function's handler rather than imported here, so
 * that ActLetter's bundle holds no message template, ActMessage's no letter, and ActBank's and ActOnWorkItem's
 * neither: templates are most of the domain code in a bundle, and every module is paid at cold start.
 */
export interface ActTemplates {
  readonly renderSms: typeof renderSms;
  readonly renderEmail: typeof renderEmail;
  readonly renderLetter: typeof renderLetter;
}

/** An Act function's dependencies: the core, and the channels and templates its actions use (absent: not carried). */
export type ActDeps = ActCore & Partial<ActChannels> & Partial<ActTemplates>;

/** Everything an Act function may or may not carry. */
type ActPart = keyof ActChannels | keyof ActTemplates;
type ActParts = ActChannels & ActTemplates;

export type ActResult = ActOutcome & {
  readonly rule?: string;
  readonly reason?: string;
  readonly contactId?: string;
};

const ACTOR = 'system:act';
/** Reservations lost to another sender before the step gives up and lets the task retry. */
const RESERVE_ATTEMPTS = 5;

export async function actOnStep(deps: ActDeps, input: ActInput): Promise<ActResult> {
  const collectionCase = await deps.cases.get(input.caseId);
  if (!collectionCase) return { outcome: 'skipped', reason: 'case not found' };
  if (collectionCase.status === 'closed') return { outcome: 'skipped', reason: 'case closed' };
  if (collectionCase.cycle !== input.cycle) return { outcome: 'skipped', reason: 'cycle superseded' };
  if ((collectionCase.escalationRun ?? 0) !== input.run)
    return { outcome: 'skipped', reason: 'run superseded' };
  if (collectionCase.completedSteps.includes(input.plan.stepId))
    return { outcome: 'skipped', reason: 'already done' };
  const bank = deps.banks.get(collectionCase.bankId);
  if (!bank) return { outcome: 'skipped', reason: 'bank no longer served' };
  const now = deps.clock.now();
  const step = new StepRecorder(deps, collectionCase, input, now);
  // A cease flag or hold that arrived while the step waited: nothing is done and the step stays due; the next
  // plan pauses the run, and the step is carried out when the state lifts (docs/escalation-engine.md).
  const pause = pauseReason(policyPack(collectionCase.policyPack), collectionCase);
  if (pause) {
    await step.record('contact.deferred', 'paused', { rule: 'PAUSE', reason: pause });
    return { outcome: 'deferred', rule: 'PAUSE', reason: pause };
  }

  switch (input.plan.action) {
    case 'call-task':
    case 'review': {
      const task = input.task;
      const outcome =
        task.outcome === 'done' ? task.result : task.outcome === 'timed-out' ? 'timed-out' : 'no work item';
      await step.record('work-item.closed', 'closed', {
        outcome,
        ...(task.outcome === 'done' ? { by: task.by } : {}),
      });
      await step.done();
      return { outcome: 'recorded', reason: outcome };
    }
    case 'freeze-request': {
      const bankEvents = carried(deps, 'bankEvents', input);
      const pack = policyPack(collectionCase.policyPack);
      const decision = checkAction(pack, {
        action: 'freeze',
        at: now,
        flags: guardFlags(pack, collectionCase),
        debtorKey: debtorKeyOf(collectionCase),
        history: [],
        facts: {},
      });
      if (!decision.allowed) return step.refuse(decision.rule, decision.reason, decision.nextLawfulAt);
      const eventId = stepContactId(collectionCase.caseId, input.cycle, input.plan.stepId);
      await bankEvents.publish({
        bankId: collectionCase.bankId,
        caseId: collectionCase.caseId,
        type: 'freeze-request',
        eventId,
      });
      await step.record('freeze.requested', 'requested', { eventId });
      await step.done();
      return { outcome: 'sent' };
    }
    default:
      return contact(deps, collectionCase, bank, input, step, now);
  }
}

async function contact(
  deps: ActDeps,
  collectionCase: CollectionCase,
  bank: BankSettings,
  input: ActInput,
  step: StepRecorder,
  now: Date,
): Promise<ActResult> {
  const { plan } = input;
  // Taken before anything is read or reserved: a function wired without them fails holding nothing.
  const vault = carried(deps, 'vault', input);
  const contacts = carried(deps, 'contacts', input);
  const target = contactTargetOf(plan.action, collectionCase);
  if (!target) {
    await step.record('step.skipped', 'skipped', { reason: 'no address on file for the channel' });
    await step.done();
    return { outcome: 'skipped', reason: 'no address on file' };
  }
  carried(deps, SENDER_OF[target.channel], input);
  carried(deps, TEMPLATES_OF[target.channel], input);
  const pack = policyPack(collectionCase.policyPack);
  const debtorKey = debtorKeyOf(collectionCase);
  const purpose = purposeOf(plan.action, plan.template);
  const contactId = stepContactId(collectionCase.caseId, input.cycle, plan.stepId);
  const caseRecords = await contacts.listByCase(collectionCase.caseId);

  const context = { bankId: collectionCase.bankId, accountId: collectionCase.accountId };
  // Everything that can fail for a reason of ours (KMS, a template) fails before the slot is reserved: a
  // reserved slot is never sent again, so it must only ever be lost to the send itself.
  const to = await vault.open(context, collectionCase.pii, target.field);
  const name = target.channel === 'letter' ? await vault.open(context, collectionCase.pii, 'name') : '';
  const language = collectionCase.language;
  const dpd = daysPastDue(collectionCase.dueDate, localDate(now, collectionCase.timeZone));
  const facts = {
    bankName: bank.displayName,
    bankPhone: bank.contact?.phone ?? '',
    debtorName: collectionCase.masked.name,
    ...(collectionCase.cardLast4 ? { cardLast4: collectionCase.cardLast4 } : {}),
    daysPastDue: dpd,
    amount: formatMoney(collectionCase.overdue),
    currency: collectionCase.overdue.currency,
    letterPosted: collectionCase.pii.fields.includes('address'),
  };
  // Rendered before the slot is reserved, like the decryption above: a template that cannot render fails here.
  const validation = plan.template.includes('validation')
    ? {
        validation: validationFacts(
          collectionCase,
          bank,
          facts.amount,
          localDate(now, collectionCase.timeZone),
        ),
      }
    : {};
  const rendered =
    target.channel === 'sms'
      ? {
          channel: 'sms' as const,
          body: carried(deps, 'renderSms', input)(plan.template, plan.templateVersion, language, facts),
        }
      : target.channel === 'email'
        ? {
            channel: 'email' as const,
            // The validation email (US-3) itemises the debt as the validation letter does.
            content: carried(deps, 'renderEmail', input)(plan.template, plan.templateVersion, language, {
              ...facts,
              ...validation,
            }),
          }
        : {
            channel: 'letter' as const,
            html: carried(deps, 'renderLetter', input)(plan.template, plan.templateVersion, language, {
              bank: {
                name: bank.displayName,
                phone: bank.contact?.phone ?? '',
                address: bank.contact?.address ?? '',
                ...(bank.contact?.website ? { website: bank.contact.website } : {}),
              },
              debtor: { name, address: to },
              ...(collectionCase.cardLast4 ? { cardLast4: collectionCase.cardLast4 } : {}),
              reference: contactId,
              letterDate: localDate(now, collectionCase.timeZone),
              dueDate: collectionCase.dueDate,
              daysPastDue: dpd,
              amount: facts.amount,
              currency: facts.currency,
              ...validation,
            }),
          };
  let reserved: ContactRecord | undefined;
  let reservationId = contactId;
  for (let attempt = 1; !reserved; attempt++) {
    const view: LedgerView = await contacts.read(debtorKey, target.addressKey, now);
    const tries = view.records.filter(
      (record) => record.contactId === contactId || record.contactId.startsWith(`${contactId}#retry`),
    );
    const taken = tries.find((record) => record.outcome !== 'released');
    if (taken) {
      // A letter reserved but never settled (a crash between storing and settling): storing it again is
      // harmless (same key, same object), and gives the evidence its hash.
      if (taken.channel === 'letter' && taken.outcome === 'reserved') {
        reserved = taken;
        break;
      }
      // This very contact on record already (a redelivered Act, a crash after the send): never again. A settle
      // that stopped between the heads and the record is finished (a no-op when it was not), or the record
      // would stay `reserved` and never count as the notice it was.
      if (taken.outcome !== 'reserved') await contacts.settle(taken, taken.outcome, new Date(taken.at));
      await step.done();
      return { outcome: 'skipped', reason: 'already sent', contactId };
    }
    // Earlier attempts the provider turned away unsent were released: this one gets its own record.
    reservationId = tries.length === 0 ? contactId : `${contactId}#retry${tries.length}`;
    const facts = caseFactsOf(collectionCase, mergedRecords(view.records, caseRecords));
    const decision = checkContact(pack, {
      channel: target.channel,
      at: now,
      timeZone: collectionCase.timeZone,
      flags: guardFlags(pack, collectionCase),
      automated: true,
      purpose,
      thirdParty: false,
      debtorKey,
      caseId: collectionCase.caseId,
      addressKey: target.addressKey,
      history: view.records,
      facts,
    });
    if (!decision.allowed)
      return step.refuse(decision.rule, decision.reason, decision.nextLawfulAt, target.channel);
    const record: ContactRecord = {
      contactId: reservationId,
      debtorKey,
      caseId: collectionCase.caseId,
      channel: target.channel,
      ...(target.addressKey ? { addressKey: target.addressKey } : {}),
      at: now.toISOString(),
      outcome: 'reserved',
      automated: true,
      purpose,
      stepId: plan.stepId,
    };
    const result = await contacts.reserve(view, record);
    if (result === 'duplicate') {
      // An earlier invocation reserved this very contact: it may have been sent; never send it twice.
      await step.done();
      return { outcome: 'skipped', reason: 'already sent', contactId };
    }
    if (result === 'reserved') reserved = record;
    else if (attempt >= RESERVE_ATTEMPTS)
      throw new Error(`contact ledger of case ${collectionCase.caseId} kept moving`);
  }
  const detail = {
    channel: target.channel,
    template: plan.template,
    templateVersion: plan.templateVersion,
    purpose,
    contactId,
  };
  try {
    await step.record('contact.attempted', 'attempted', detail);
  } catch (error) {
    // Nothing went out yet: the slot goes back, or the retry would find it taken and never send.
    await contacts.settle(reserved, 'released', now);
    throw error;
  }

  let providerId: string;
  let evidence: Record<string, string> = {};
  try {
    if (rendered.channel === 'sms') {
      ({ providerMessageId: providerId } = await carried(deps, 'sms', input).sendSms({
        to,
        body: rendered.body,
        contactId,
      }));
    } else if (rendered.channel === 'email') {
      ({ providerMessageId: providerId } = await carried(deps, 'email', input).sendEmail({
        to,
        ...rendered.content,
        contactId,
      }));
    } else {
      const stored = await carried(deps, 'letters', input).store({
        bankId: collectionCase.bankId,
        caseId: collectionCase.caseId,
        contactId,
        language,
        template: plan.template,
        templateVersion: plan.templateVersion,
        body: new TextEncoder().encode(rendered.html),
        contentType: 'text/html; charset=utf-8',
      });
      providerId = stored.key;
      evidence = { sha256: stored.sha256, document: stored.key };
    }
  } catch (error) {
    // The slot is settled before the trail is written: a trail write that fails must not strand a slot that
    // could have been given back.
    if (!isProviderFault(error)) {
      // The service answered and did not take it (throttled, refused), or nothing reached it: released, and
      // the task's retry reserves and sends again. No answer at all (a timeout, a dropped connection, a 5xx):
      // maybe sent, so the slot stays reserved and a retry skips the step — at most once. Rethrown by name
      // only: a provider's message can quote the address.
      if (notTaken(error)) await contacts.settle(reserved, 'released', now);
      await step.record('contact.failed', 'failed', { ...detail, error: errorName(error) });
      throw Object.assign(new Error(`send of ${contactId} failed: ${errorName(error)}`), {
        name: errorName(error),
      });
    }
    await contacts.settle(reserved, 'failed', now);
    await step.record('contact.failed', 'failed', { ...detail, error: errorName(error) });
    // The ladder goes on: a provider that refused this message does not hold the escalation up.
    await step.done();
    return { outcome: 'failed', reason: errorName(error), contactId };
  }
  await contacts.settle(reserved, 'sent', now);
  await step.record('contact.sent', 'sent', { ...detail, providerMessageId: providerId, ...evidence });
  await step.done();
  return { outcome: 'sent', contactId };
}

/** What each contact channel sends through. */
const SENDER_OF = { sms: 'sms', email: 'email', letter: 'letters' } as const satisfies Record<
  ContactTarget['channel'],
  keyof ActChannels
>;

/** What each contact channel is written from. */
const TEMPLATES_OF = {
  sms: 'renderSms',
  email: 'renderEmail',
  letter: 'renderLetter',
} as const satisfies Record<ContactTarget['channel'], keyof ActTemplates>;

/** The channel or templates the step needs, or StepNotCarriedError when this Act function was not wired with them. */
function carried<Part extends ActPart>(deps: ActDeps, part: Part, input: ActInput): ActParts[Part] {
  const channel = deps[part];
  if (channel === undefined) {
    throw new StepNotCarriedError(
      `step ${input.plan.stepId} (${input.plan.action}) needs ${part}, which this Act function does not carry`,
    );
  }
  return channel as ActParts[Part];
}

/**
 * A provider's refusal of one message (an invalid number, a rejected address, a bounced request): recorded, and
 * the ladder goes on. Anything else (throttling, KMS, DynamoDB, a network fault) is thrown for the task to retry.
 */
function isProviderFault(error: unknown): boolean {
  const name = errorName(error);
  return /^(InvalidParameter|MessageRejected|AccountSuspended|SendingPaused|MailFromDomainNotVerified|BadRequest|NotFound|InvalidParameterValue|OptedOut)/.test(
    name,
  );
}

/**
 * A send that never reached the provider, or a client error the service answered with (4xx: throttled,
 * invalid, refused): it did not take the message, so the slot is released for the retry. A 5xx or a network fault may come after the message was taken: the slot
 * stays reserved (at most once), and the SNS and SES clients make one attempt each for the same reason.
 */
function notTaken(error: unknown): boolean {
  if (error instanceof SenderUnavailableError) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function errorName(error: unknown): string {
  const name = (error as Error)?.name;
  return typeof name === 'string' && /^[A-Za-z][A-Za-z0-9._-]{0,63}$/.test(name) ? name : 'Error';
}

/** §1006.34's itemisation for the validation notice, from what the feed gives (the due date is the itemisation date). */
function validationFacts(collectionCase: CollectionCase, bank: BankSettings, amount: string, today: string) {
  const zero = formatMoney({ amountMinor: 0, currency: collectionCase.overdue.currency });
  return {
    itemisationDate: collectionCase.dueDate,
    amountOnItemisationDate: amount,
    interestSince: zero,
    feesSince: zero,
    paymentsAndCreditsSince: zero,
    amountNow: amount,
    // Assumed received 5 business days after sending (a week, to the calendar), then 30 days (US-3).
    periodEnds: addDays(today, 7 + 30),
    creditorOnItemisationDate: bank.displayName,
    currentCreditor: bank.displayName,
  };
}

/** Trail entries and the step's completion, each under a deterministic id (a retried Act appends nothing twice). */
class StepRecorder {
  constructor(
    private readonly deps: ActDeps,
    private readonly collectionCase: CollectionCase,
    private readonly input: ActInput,
    private readonly now: Date,
  ) {}

  async record(kind: TrailKind, outcome: string, detail: Readonly<Record<string, string | number>>) {
    const { plan } = this.input;
    await this.deps.trail.append({
      caseId: this.collectionCase.caseId,
      kind,
      at: this.now,
      actor: ACTOR,
      entryId: `${kind}#${this.input.cycle}#${plan.stepId}`,
      detail: {
        step: plan.stepId,
        action: plan.action,
        template: plan.template,
        templateVersion: plan.templateVersion,
        outcome,
        ...detail,
      },
    });
  }

  async refuse(
    rule: string,
    reason: string,
    nextLawfulAt: Date | undefined,
    channel?: string,
  ): Promise<ActResult> {
    const kind = nextLawfulAt ? 'contact.deferred' : 'contact.refused';
    // One entry per refusal instant: a step deferred twice is two decisions, both on record.
    await this.deps.trail.append({
      caseId: this.collectionCase.caseId,
      kind,
      at: this.now,
      actor: ACTOR,
      entryId: `${kind}#${this.input.cycle}#${this.input.plan.stepId}#${this.now.toISOString()}`,
      detail: {
        step: this.input.plan.stepId,
        action: this.input.plan.action,
        template: this.input.plan.template,
        templateVersion: this.input.plan.templateVersion,
        ...(channel ? { channel } : {}),
        rule,
        reason,
        outcome: nextLawfulAt ? 'deferred' : 'refused',
      },
    });
    // A standing refusal passes the step over; a deferred one is planned again for its lawful moment.
    if (!nextLawfulAt) await this.done();
    return { outcome: nextLawfulAt ? 'deferred' : 'refused', rule, reason };
  }

  async done(): Promise<void> {
    await this.deps.cases.markStepCompleted(
      this.collectionCase.caseId,
      this.input.cycle,
      this.input.plan.stepId,
      this.now,
    );
  }
}

export { currentLadder, ladderVersion };
