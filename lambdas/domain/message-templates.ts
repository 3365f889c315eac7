/**
 * SMS and email texts per template, version and language. They name the bank, never threaten (CN-13), and on
 * pack `us` carry the debt-collector disclosure and an opt-out (US-6). Pure functions of the facts given.
 */

import type { ValidationFacts } from './letter-templates';
import type { PackId } from './policy-packs';
import { US_DISCLOSURE } from './us-disclosure';

export type Language = 'zh-CN' | 'en';
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

/** A template may be drafted in one language first; a ladder may use it only once it has every language. */
export type ByLanguage<T> = Readonly<Partial<Record<Language, T>>>;

export interface MessageFacts {
  readonly bankName: string;
  readonly bankPhone: string;
  /** Masked: SMS and email travel through providers and land on shared screens. */
  readonly debtorName: string;
  readonly cardLast4?: string;
  readonly daysPastDue: number;
  /** Formatted amount owed (formatMoney). */
  readonly amount: string;
  readonly currency: string;
  /** The US validation email only. */
  readonly validation?: ValidationFacts;
  /** False when no letter goes with the message (no postal address on file): it must not say one was posted. */
  readonly letterPosted?: boolean;
}

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
}

export interface MessageTemplate {
  readonly id: string;
  readonly version: number;
  readonly packs: readonly PackId[];
  readonly sms?: ByLanguage<(facts: MessageFacts) => string>;
  readonly email?: ByLanguage<(facts: MessageFacts) => EmailContent>;
}

/** US-6: a simple, free opt-out in every text and email. */
export const US_SMS_OPT_OUT: Readonly<Record<Language, string>> = {
  en: 'Reply STOP to opt out.',
  'zh-CN': '回复STOP退订',
};
export const US_EMAIL_OPT_OUT: Readonly<Record<Language, string>> = {
  en: 'To stop emails from us, reply UNSUBSCRIBE to this email; it costs nothing.',
  'zh-CN': '如不希望再收到本行邮件，请直接回复“退订”，不收取任何费用。',
};

const cardZh = (f: MessageFacts) => (f.cardLast4 ? `尾号${f.cardLast4}的信用卡` : '信用卡');
const cardEn = (f: MessageFacts) => (f.cardLast4 ? `card ending ${f.cardLast4}` : 'credit card');
const owedZh = (f: MessageFacts) => `已逾期${f.daysPastDue}天，逾期金额${f.amount}${f.currency}`;
const owedEn = (f: MessageFacts) => `is ${f.daysPastDue} days past due (${f.amount} ${f.currency})`;

const email = (subject: string, ...paragraphs: string[]): EmailContent => ({
  subject,
  text: paragraphs.join('\n\n'),
});

const usEmailFooterEn = (f: MessageFacts) =>
  [`${f.bankName}, ${f.bankPhone}`, US_DISCLOSURE.en, US_EMAIL_OPT_OUT.en].join('\n');
const usEmailFooterZh = (f: MessageFacts) =>
  [`${f.bankName}，电话${f.bankPhone}`, US_DISCLOSURE['zh-CN'], US_EMAIL_OPT_OUT['zh-CN']].join('\n');

function requireValidation(f: MessageFacts): ValidationFacts {
  if (!f.validation) throw new Error('the validation email needs the validation facts');
  return f.validation;
}

export const MESSAGE_TEMPLATES: readonly MessageTemplate[] = [
  {
    id: 'courtesy-reminder',
    version: 1,
    packs: ['cn'],
    sms: {
      'zh-CN': (f) =>
        `【${f.bankName}】尊敬的${f.debtorName}：您${cardZh(f)}${owedZh(f)}。请及时还款，如已还款请忽略。咨询请致电${f.bankPhone}。`,
      en: (f) =>
        `${f.bankName}: Dear ${f.debtorName}, your ${cardEn(f)} ${owedEn(f)}. Please pay at your earliest convenience; ignore this if you have paid. Questions: ${f.bankPhone}.`,
    },
  },
  {
    id: 'overdue-statement',
    version: 1,
    packs: ['cn'],
    email: {
      'zh-CN': (f) =>
        email(
          `【${f.bankName}】信用卡逾期还款提醒`,
          `尊敬的${f.debtorName}：`,
          `您${cardZh(f)}${owedZh(f)}。请通过本行手机银行、网上银行、营业网点或自动还款及时还款；如已还款，请忽略本邮件。`,
          `如对欠款金额有疑问，可致电${f.bankPhone}核对账户，并可提供凭证提出异议，本行将核实后答复。如还款确有困难，可联系本行协商还款方案。`,
          `${f.bankName}`,
        ),
      en: (f) =>
        email(
          `${f.bankName}: your credit card payment is overdue`,
          `Dear ${f.debtorName},`,
          `Your ${cardEn(f)} ${owedEn(f)}. You can pay through mobile or online banking, at a branch, or by automatic payment; if you have already paid, please ignore this email.`,
          `If you think the amount is wrong, call ${f.bankPhone} to check your account; you may object with evidence and we will look into it and answer. If paying is difficult, contact us to agree a repayment plan.`,
          f.bankName,
        ),
    },
  },
  {
    id: 'second-reminder',
    version: 1,
    packs: ['cn'],
    sms: {
      'zh-CN': (f) =>
        `【${f.bankName}】尊敬的${f.debtorName}：您${cardZh(f)}${owedZh(f)}。如还款有困难，可致电${f.bankPhone}协商分期等还款方案。`,
      en: (f) =>
        `${f.bankName}: Dear ${f.debtorName}, your ${cardEn(f)} ${owedEn(f)}. If paying is difficult, call ${f.bankPhone} to agree instalments or another repayment plan.`,
    },
  },
  {
    id: 'firm-reminder',
    version: 1,
    packs: ['cn'],
    sms: {
      'zh-CN': (f) =>
        `【${f.bankName}】尊敬的${f.debtorName}：您${cardZh(f)}${owedZh(f)}，本行已寄送催收函。请尽快还款或致电${f.bankPhone}。`,
      en: (f) =>
        `${f.bankName}: Dear ${f.debtorName}, your ${cardEn(f)} ${owedEn(f)}. We have posted you a collection letter. Please pay or call ${f.bankPhone} soon.`,
    },
  },
  {
    // v2: v1 said a collection letter had been posted, which is false for a debtor with no postal address on
    // file (the letter step is passed over): a false statement in a collection message (CN-13).
    id: 'firm-reminder',
    version: 2,
    packs: ['cn'],
    sms: {
      'zh-CN': (f) =>
        `【${f.bankName}】尊敬的${f.debtorName}：您${cardZh(f)}${owedZh(f)}。请尽快还款；如需核对账户或有异议，请致电${f.bankPhone}。`,
      en: (f) =>
        `${f.bankName}: Dear ${f.debtorName}, your ${cardEn(f)} ${owedEn(f)}. Please pay soon; to check your account or dispute it, call ${f.bankPhone}.`,
    },
  },
  {
    id: 'credit-report-notice',
    version: 1,
    packs: ['cn'],
    sms: {
      'zh-CN': (f) =>
        `【${f.bankName}】尊敬的${f.debtorName}：您${cardZh(f)}${owedZh(f)}。依据《征信业管理条例》，如仍未还款，本行将报送逾期信息至征信系统。咨询${f.bankPhone}。`,
      en: (f) =>
        `${f.bankName}: Dear ${f.debtorName}, your ${cardEn(f)} ${owedEn(f)}. As the credit reporting regulations require, we tell you first: if it stays unpaid, we will report the overdue status to the credit bureau. Call ${f.bankPhone}.`,
    },
    email: {
      'zh-CN': (f) =>
        email(
          `【${f.bankName}】不良信息报送前告知`,
          `尊敬的${f.debtorName}：`,
          `您${cardZh(f)}${owedZh(f)}。依据《征信业管理条例》第十五条，本行在报送不良信息前告知您：如仍未还款，本行将向金融信用信息基础数据库报送该逾期信息；不良信息自不良行为终止之日起保存5年。`,
          `如您对欠款有异议，可致电${f.bankPhone}核对账户并提交凭证，本行将核实后答复；如还款有困难，可联系本行协商还款方案。`,
          f.bankName,
        ),
      en: (f) =>
        email(
          `${f.bankName}: notice before credit reporting`,
          `Dear ${f.debtorName},`,
          `Your ${cardEn(f)} ${owedEn(f)}. The credit reporting regulations require us to tell you before we report negative information: if the amount stays unpaid, we will report the overdue status to the credit bureau, where negative records are kept for 5 years after the matter ends.`,
          `If you think the amount is wrong, call ${f.bankPhone} to check your account and send us your evidence; we will look into it and answer. If paying is difficult, contact us to agree a repayment plan.`,
          f.bankName,
        ),
    },
  },
  {
    id: 'card-suspension-notice',
    version: 1,
    packs: ['cn'],
    sms: {
      'zh-CN': (f) =>
        `【${f.bankName}】尊敬的${f.debtorName}：因${cardZh(f)}${owedZh(f)}，本行已暂停该卡交易。还款后可申请恢复，咨询${f.bankPhone}。`,
      en: (f) =>
        `${f.bankName}: Dear ${f.debtorName}, as your ${cardEn(f)} ${owedEn(f)}, we have suspended new transactions on it. Once paid you may ask us to restore it: ${f.bankPhone}.`,
    },
    email: {
      'zh-CN': (f) =>
        email(
          `【${f.bankName}】信用卡暂停交易通知`,
          `尊敬的${f.debtorName}：`,
          `因您${cardZh(f)}${owedZh(f)}，依据《信用卡领用合约》，本行已暂停该卡的交易。还清欠款或达成还款协议后，您可致电${f.bankPhone}申请恢复。`,
          `如对欠款有异议，可致电核对账户并提交凭证，本行将核实后答复。`,
          f.bankName,
        ),
      en: (f) =>
        email(
          `${f.bankName}: transactions on your card are suspended`,
          `Dear ${f.debtorName},`,
          `As your ${cardEn(f)} ${owedEn(f)}, we have suspended new transactions on it under your cardholder agreement. Once the amount is paid or a repayment plan is agreed, call ${f.bankPhone} to ask us to restore it.`,
          'If you think the amount is wrong, call us to check your account and send us your evidence; we will look into it and answer.',
          f.bankName,
        ),
    },
  },
  {
    id: 'us-validation-email',
    version: 1,
    packs: ['us'],
    email: {
      en: (f) => {
        const v = requireValidation(f);
        return email(
          `${f.bankName}: information about your debt (validation notice)`,
          `Dear ${f.debtorName},`,
          `${f.bankName} is a debt collector. We are trying to collect a debt that you owe to ${v.currentCreditor} on your ${cardEn(f)}. We will use any information you give us to help collect the debt.${f.letterPosted === false ? '' : ' We have also posted you this notice as a letter.'}`,
          `As of ${v.itemisationDate}, you owed ${v.amountOnItemisationDate}. Since then: interest +${v.interestSince}, fees +${v.feesSince}, payments and credits -${v.paymentsAndCreditsSince}. Total amount of the debt now: ${v.amountNow} ${f.currency}.`,
          `Call or write to us by ${v.periodEnds} to dispute all or part of the debt. If you do not, we will assume that our information is correct. If you write to us by ${v.periodEnds}, we must stop collection on any amount you dispute until we send you information that shows you owe the debt. You may also ask us in writing by then for the name and address of the original creditor, and we must stop collection until we send it. Learn more about your rights under federal law at www.cfpb.gov/debt-collection.`,
          usEmailFooterEn(f),
        );
      },
      'zh-CN': (f) => {
        const v = requireValidation(f);
        return email(
          `${f.bankName}：关于您欠款的信息（债务核实通知）`,
          `尊敬的${f.debtorName}：`,
          `${f.bankName}是债务催收方，正在催收您欠${v.currentCreditor}的${cardZh(f)}欠款。您提供的任何信息将用于催收该债务。${f.letterPosted === false ? '' : '本通知同时以信函寄送给您。'}`,
          `截至${v.itemisationDate}，您欠款${v.amountOnItemisationDate}。此后：利息 +${v.interestSince}，费用 +${v.feesSince}，还款及抵扣 -${v.paymentsAndCreditsSince}。目前欠款总额：${v.amountNow} ${f.currency}。`,
          `如对全部或部分欠款有异议，请于${v.periodEnds}前致电或致函本行。如您未提出异议，我们将视为信息无误。如您于${v.periodEnds}前书面提出异议，在我们寄送证明您欠款的资料之前，将停止催收有异议的部分。您也可于该日期前书面索取原债权人的名称和地址，在寄出前我们将停止催收。您可在 www.cfpb.gov/debt-collection 了解联邦法律赋予您的权利。`,
          usEmailFooterZh(f),
        );
      },
    },
  },
  {
    id: 'us-reminder',
    version: 1,
    packs: ['us'],
    sms: {
      en: (f) =>
        `${f.bankName}: ${f.debtorName}, your ${cardEn(f)} ${owedEn(f)}. Please pay or call ${f.bankPhone} about your options. ${US_DISCLOSURE.en} ${US_SMS_OPT_OUT.en}`,
      'zh-CN': (f) =>
        `${f.bankName}：${f.debtorName}，您${cardZh(f)}${owedZh(f)}。请还款或致电${f.bankPhone}。${US_DISCLOSURE['zh-CN']}${US_SMS_OPT_OUT['zh-CN']}`,
    },
    email: {
      en: (f) =>
        email(
          `${f.bankName}: your credit card payment is overdue`,
          `Dear ${f.debtorName},`,
          `Your ${cardEn(f)} ${owedEn(f)}. Please pay through online banking or by phone, or call ${f.bankPhone} to talk about a payment plan. If you have already paid, please ignore this email.`,
          usEmailFooterEn(f),
        ),
      'zh-CN': (f) =>
        email(
          `${f.bankName}：信用卡逾期还款提醒`,
          `尊敬的${f.debtorName}：`,
          `您${cardZh(f)}${owedZh(f)}。请通过网上银行或电话还款，或致电${f.bankPhone}商议还款计划。如已还款，请忽略本邮件。`,
          usEmailFooterZh(f),
        ),
    },
  },
  {
    id: 'us-second-reminder',
    version: 1,
    packs: ['us'],
    sms: {
      en: (f) =>
        `${f.bankName}: ${f.debtorName}, your ${cardEn(f)} ${owedEn(f)}. If paying is hard, call ${f.bankPhone} to set up a plan. ${US_DISCLOSURE.en} ${US_SMS_OPT_OUT.en}`,
      'zh-CN': (f) =>
        `${f.bankName}：${f.debtorName}，您${cardZh(f)}${owedZh(f)}。如有困难可致电${f.bankPhone}商议分期。${US_DISCLOSURE['zh-CN']}${US_SMS_OPT_OUT['zh-CN']}`,
    },
  },
];

/** GSM 03.38 basic set; the extension set costs two septets each. Anything else makes the text UCS-2. */
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';

/** How many SMS segments a text takes: GSM-7 160 alone / 153 per part, else UCS-2 70 alone / 67 per part. */
export function smsSegments(text: string): number {
  let septets = 0;
  let gsm = true;
  for (const char of text) {
    if (GSM7_BASIC.includes(char)) septets += 1;
    else if (GSM7_EXTENSION.includes(char)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  const units = text.length; // UTF-16 code units: a character outside the BMP takes two
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

export const MAX_SMS_SEGMENTS = 2;

function messageTemplate(id: string, version: number): MessageTemplate | undefined {
  return MESSAGE_TEMPLATES.find((template) => template.id === id && template.version === version);
}

export function renderSms(id: string, version: number, language: Language, facts: MessageFacts): string {
  const render = messageTemplate(id, version)?.sms?.[language];
  if (!render) throw new Error(`unknown SMS template ${id} v${version}/${language}`);
  return render(facts);
}

export function renderEmail(
  id: string,
  version: number,
  language: Language,
  facts: MessageFacts,
): EmailContent {
  const render = messageTemplate(id, version)?.email?.[language];
  if (!render) throw new Error(`unknown email template ${id} v${version}/${language}`);
  return render(facts);
}
