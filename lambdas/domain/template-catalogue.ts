/** The template catalogue: every message, letter and task template by id and version, and what each can render. */

import { LETTER_TEMPLATES } from './letter-templates';
import { type ByLanguage, LANGUAGES, type Language, MESSAGE_TEMPLATES } from './message-templates';
import type { PackId } from './policy-packs';

export type TemplatePart = 'sms' | 'email' | 'letter' | 'task';

export interface TaskFacts {
  readonly bankName: string;
  readonly caseRef: string;
  readonly daysPastDue: number;
  readonly amount: string;
  readonly currency: string;
}
export interface TaskContent {
  readonly title: string;
  readonly instructions: string;
}

/** Work items for staff: what to do and what never to do on the call or in the review. */
interface TaskTemplate {
  readonly id: string;
  readonly version: number;
  readonly packs: readonly PackId[];
  /** A review that decides a legal referral: CN-9's evidence must be complete first. */
  readonly legalReferral?: boolean;
  readonly task: ByLanguage<(facts: TaskFacts) => TaskContent>;
}

export const TASK_TEMPLATES: readonly TaskTemplate[] = [
  {
    id: 'call-first-contact',
    version: 1,
    packs: ['cn', 'us'],
    task: {
      'zh-CN': (f) => ({
        title: `电话联系：${f.caseRef}，逾期${f.daysPastDue}天，${f.amount}${f.currency}`,
        instructions: `开场表明${f.bankName}身份并核实对方为持卡人本人；了解逾期原因和还款计划；如有困难，介绍分期等还款方案并记录。只与本人或担保人谈及欠款；礼貌沟通，不施压。`,
      }),
      en: (f) => ({
        title: `Call: ${f.caseRef}, ${f.daysPastDue} days past due, ${f.amount} ${f.currency}`,
        instructions: `Say you call from ${f.bankName} and confirm you speak to the cardholder; ask why the payment was missed and when they can pay; if it is hard, offer instalments and record the plan. Discuss the debt only with the cardholder or guarantor; stay polite and never pressure.`,
      }),
    },
  },
  {
    id: 'call-repayment-plan',
    version: 1,
    packs: ['cn', 'us'],
    task: {
      'zh-CN': (f) => ({
        title: `电话协商还款：${f.caseRef}，逾期${f.daysPastDue}天，${f.amount}${f.currency}`,
        instructions: `表明${f.bankName}身份；确认已收到催收函；协商还款计划（个性化分期最长60期），达成口头协议须录音并发起书面确认。只与本人或担保人谈及欠款；礼貌沟通，不施压。`,
      }),
      en: (f) => ({
        title: `Repayment call: ${f.caseRef}, ${f.daysPastDue} days past due, ${f.amount} ${f.currency}`,
        instructions: `Say you call from ${f.bankName}; check the collection letter arrived; agree a repayment plan (instalments up to 60 months); an oral agreement is recorded and confirmed in writing. Discuss the debt only with the cardholder or guarantor; stay polite and never pressure.`,
      }),
    },
  },
  {
    id: 'legal-referral-review',
    version: 1,
    packs: ['cn'],
    legalReferral: true,
    task: {
      'zh-CN': (f) => ({
        title: `法务审查：${f.caseRef}，逾期${f.daysPastDue}天，${f.amount}${f.currency}`,
        instructions: `核对有效催收证据（两次送达证明、间隔不少于30日、逾期超过3个月）、欠款明细与身份核实记录，决定是否移交法务。未经审批不得移交；超时视为不批准。`,
      }),
      en: (f) => ({
        title: `Legal review: ${f.caseRef}, ${f.daysPastDue} days past due, ${f.amount} ${f.currency}`,
        instructions: `Check the effective-notice evidence (two proofs of delivery at least 30 days apart, over 3 months unpaid), the itemised debt and the identity checks, and decide whether to refer to ${f.bankName}'s legal team. Nothing is referred without approval; a timeout means not approved.`,
      }),
    },
  },
  {
    id: 'us-account-review',
    version: 1,
    packs: ['us'],
    task: {
      'zh-CN': (f) => ({
        title: `账户审查：${f.caseRef}，逾期${f.daysPastDue}天，${f.amount}${f.currency}`,
        instructions: `核对核实期是否已过且无未决异议、诉讼时效是否届满（时效届满的债务不进入诉讼程序，US-9），决定下一步。超时视为不批准。`,
      }),
      en: (f) => ({
        title: `Account review: ${f.caseRef}, ${f.daysPastDue} days past due, ${f.amount} ${f.currency}`,
        instructions: `Check that the validation period has ended with no open dispute and whether the debt is time-barred (a time-barred debt is never taken to litigation, US-9), then decide ${f.bankName}'s next step. A timeout means not approved.`,
      }),
    },
  },
];

export interface CatalogueEntry {
  readonly id: string;
  readonly version: number;
  readonly packs: readonly PackId[];
  /** The parts the template renders, each with the languages it has. */
  readonly parts: Readonly<Partial<Record<TemplatePart, readonly Language[]>>>;
  readonly validationNotice: boolean;
  readonly legalReferral: boolean;
}

const languagesOf = (byLanguage: ByLanguage<unknown> | undefined) =>
  byLanguage ? LANGUAGES.filter((language) => byLanguage[language] !== undefined) : undefined;

export const TEMPLATE_CATALOGUE: readonly CatalogueEntry[] = [
  ...MESSAGE_TEMPLATES.map((t) => ({
    id: t.id,
    version: t.version,
    packs: t.packs,
    parts: {
      ...(t.sms ? { sms: languagesOf(t.sms) } : {}),
      ...(t.email ? { email: languagesOf(t.email) } : {}),
    },
    validationNotice: false,
    legalReferral: false,
  })),
  ...LETTER_TEMPLATES.map((t) => ({
    id: t.id,
    version: t.version,
    packs: t.packs,
    parts: { letter: languagesOf(t.letter) },
    validationNotice: t.validationNotice === true,
    legalReferral: false,
  })),
  ...TASK_TEMPLATES.map((t) => ({
    id: t.id,
    version: t.version,
    packs: t.packs,
    parts: { task: languagesOf(t.task) },
    validationNotice: false,
    legalReferral: t.legalReferral === true,
  })),
] as readonly CatalogueEntry[];

export function catalogueEntry(id: string, version: number): CatalogueEntry | undefined {
  return TEMPLATE_CATALOGUE.find((entry) => entry.id === id && entry.version === version);
}

/** The newest version of a template, or undefined when the catalogue has no such template. */
export function latestTemplateVersion(id: string): number | undefined {
  const versions = TEMPLATE_CATALOGUE.filter((entry) => entry.id === id).map((entry) => entry.version);
  return versions.length > 0 ? Math.max(...versions) : undefined;
}

export function renderTask(id: string, version: number, language: Language, facts: TaskFacts): TaskContent {
  const render = TASK_TEMPLATES.find((t) => t.id === id && t.version === version)?.task[language];
  if (!render) throw new Error(`unknown task template ${id} v${version}/${language}`);
  return render(facts);
}
