/**
 * Carries out one SMS step of the escalation ladder, if and only if the compliance guard allows it now.
 * Input: case id, cycle and the planned step. Output: what happened (sent, deferred, skipped …).
 * 1. Load the case; closed, superseded or already-done steps are skipped.
 * 2. Ask the guard about this instant: a refusal is recorded with its rule and nothing is sent.
 * 3. Claim the contact (`contact.attempted`) in the trail under a deterministic id: a redelivered invocation
 *    finds the claim and sends nothing (at most once: a reminder sent twice is worse than one lost to a crash).
 * 4. Decrypt the mobile number, render the template with masked data, send; record `contact.sent` only once
 *    the provider accepted it (or `contact.failed`), then mark the step done.
 */

import { checkContactPreLedger } from '../domain/compliance-guard';
import { daysPastDue } from '../domain/delinquency';
import { renderSms } from '../domain/message-templates';
import { formatMoney } from '../domain/money';
import { policyPack } from '../domain/policy-packs';
import { latestTemplateVersion } from '../domain/template-catalogue';
import { localDate } from '../domain/zoned-time';
import type { BankDirectory } from '../ports/bank-directory';
import type { CaseStore } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { SmsSender } from '../ports/notifier';
import type { PiiVault } from '../ports/pii-vault';
import type { Trail } from '../ports/trail';

export interface SendReminderDeps {
  readonly cases: CaseStore;
  readonly trail: Trail;
  readonly vault: PiiVault;
  readonly sms: SmsSender;
  readonly banks: BankDirectory;
  readonly clock: Clock;
}

export interface SendReminderInput {
  readonly caseId: string;
  readonly cycle: string;
  readonly plan: {
    readonly action: 'sms';
    readonly stepId: string;
    readonly template: string;
    readonly templateVersion?: number;
  };
}

export type ReminderOutcome =
  | { readonly outcome: 'sent'; readonly contactId: string }
  | { readonly outcome: 'deferred'; readonly rule: string; readonly retryAt: string }
  | { readonly outcome: 'refused'; readonly rule: string }
  | { readonly outcome: 'skipped'; readonly reason: string };

const ACTOR = 'system:send-reminder';

export async function sendReminder(
  deps: SendReminderDeps,
  input: SendReminderInput,
): Promise<ReminderOutcome> {
  const collectionCase = await deps.cases.get(input.caseId);
  if (!collectionCase) return { outcome: 'skipped', reason: 'case not found' };
  if (collectionCase.status === 'closed') return { outcome: 'skipped', reason: 'case closed' };
  if (collectionCase.cycle !== input.cycle) return { outcome: 'skipped', reason: 'cycle superseded' };
  if (collectionCase.completedSteps.includes(input.plan.stepId))
    return { outcome: 'skipped', reason: 'already done' };
  const bank = deps.banks.get(collectionCase.bankId);
  if (!bank) return { outcome: 'skipped', reason: 'bank no longer served' };
  if (!collectionCase.pii.fields.includes('mobile'))
    return { outcome: 'skipped', reason: 'no mobile on file' };
  if (!bank.contact) return { outcome: 'skipped', reason: 'bank has no contact details' };
  const templateVersion = input.plan.templateVersion ?? latestTemplateVersion(input.plan.template) ?? 1;

  const now = deps.clock.now();
  const step = `${input.cycle}#${input.plan.stepId}`;
  const decision = checkContactPreLedger(policyPack(collectionCase.policyPack), {
    channel: 'sms',
    at: now,
    timeZone: collectionCase.timeZone,
    flags: collectionCase.flags,
  });
  if (!decision.allowed) {
    const kind = decision.nextLawfulAt ? 'contact.deferred' : 'contact.refused';
    await deps.trail.append({
      caseId: collectionCase.caseId,
      kind,
      at: now,
      actor: ACTOR,
      entryId: `${kind}#${step}#${now.toISOString()}`,
      detail: { channel: 'sms', step: input.plan.stepId, rule: decision.rule, reason: decision.reason },
    });
    return decision.nextLawfulAt
      ? { outcome: 'deferred', rule: decision.rule, retryAt: decision.nextLawfulAt.toISOString() }
      : { outcome: 'refused', rule: decision.rule };
  }

  const contactId = `contact#${step}`;
  const claimed = await deps.trail.append({
    caseId: collectionCase.caseId,
    kind: 'contact.attempted',
    at: now,
    actor: ACTOR,
    entryId: contactId,
    detail: { channel: 'sms', step: input.plan.stepId, template: input.plan.template, templateVersion },
  });
  if (!claimed) {
    await deps.cases.markStepCompleted(collectionCase.caseId, input.plan.stepId, now);
    return { outcome: 'skipped', reason: 'already sent' };
  }

  const context = { bankId: collectionCase.bankId, accountId: collectionCase.accountId };
  const to = await deps.vault.open(context, collectionCase.pii, 'mobile');
  const body = renderSms(input.plan.template, templateVersion, collectionCase.language, {
    bankName: bank.displayName,
    bankPhone: bank.contact.phone,
    debtorName: collectionCase.masked.name,
    ...(collectionCase.cardLast4 ? { cardLast4: collectionCase.cardLast4 } : {}),
    daysPastDue: daysPastDue(collectionCase.dueDate, localDate(now, collectionCase.timeZone)),
    amount: formatMoney(collectionCase.overdue),
    currency: collectionCase.overdue.currency,
  });
  let providerMessageId: string;
  try {
    ({ providerMessageId } = await deps.sms.sendSms({
      to,
      body,
      contactId: `${collectionCase.caseId}#${step}`,
    }));
  } catch (error) {
    await deps.trail.append({
      caseId: collectionCase.caseId,
      kind: 'contact.failed',
      at: now,
      actor: ACTOR,
      entryId: `contact.failed#${step}`,
      detail: {
        channel: 'sms',
        step: input.plan.stepId,
        error: error instanceof Error ? error.name : 'unknown',
      },
    });
    throw new Error(`SMS provider failed for case ${collectionCase.caseId}`);
  }
  await deps.trail.append({
    caseId: collectionCase.caseId,
    kind: 'contact.sent',
    at: now,
    actor: ACTOR,
    entryId: `contact.sent#${step}`,
    detail: {
      channel: 'sms',
      step: input.plan.stepId,
      template: input.plan.template,
      templateVersion,
      providerMessageId,
    },
  });
  await deps.cases.markStepCompleted(collectionCase.caseId, input.plan.stepId, now);
  return { outcome: 'sent', contactId };
}
