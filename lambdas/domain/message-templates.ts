/** Reminder texts per template and language. They name the bank, carry masked data only, and never threaten (CN-13). */

export interface ReminderFacts {
  readonly bankName: string;
  readonly maskedName: string;
  readonly cardLast4?: string;
  readonly daysPastDue: number;
  readonly amount: string;
  readonly currency: string;
}

type Render = (facts: ReminderFacts) => string;

const card = (facts: ReminderFacts, zh: boolean) =>
  facts.cardLast4
    ? zh
      ? `尾号${facts.cardLast4}的信用卡`
      : `card ending ${facts.cardLast4}`
    : zh
      ? '信用卡'
      : 'credit card';

const TEMPLATES: Readonly<Record<string, Readonly<Record<'zh-CN' | 'en', Render>>>> = {
  'courtesy-reminder': {
    'zh-CN': (f) =>
      `【${f.bankName}】尊敬的${f.maskedName}：您${card(f, true)}已逾期${f.daysPastDue}天，逾期金额${f.amount}${f.currency}。请及时还款，如已还款请忽略。如有疑问请致电本行客服。`,
    en: (f) =>
      `${f.bankName}: Dear ${f.maskedName}, your ${card(f, false)} is ${f.daysPastDue} days past due (${f.amount} ${f.currency}). Please pay at your earliest convenience; ignore this if you have paid. Questions: call us.`,
  },
  'second-reminder': {
    'zh-CN': (f) =>
      `【${f.bankName}】尊敬的${f.maskedName}：您${card(f, true)}已逾期${f.daysPastDue}天，逾期金额${f.amount}${f.currency}。如还款有困难，可联系本行协商还款方案。`,
    en: (f) =>
      `${f.bankName}: Dear ${f.maskedName}, your ${card(f, false)} is ${f.daysPastDue} days past due (${f.amount} ${f.currency}). If paying is difficult, contact us to agree a repayment plan.`,
  },
  'firm-reminder': {
    'zh-CN': (f) =>
      `【${f.bankName}】尊敬的${f.maskedName}：您${card(f, true)}已逾期${f.daysPastDue}天，逾期金额${f.amount}${f.currency}。逾期信息可能按规定报送征信系统，请尽快还款或联系本行。`,
    en: (f) =>
      `${f.bankName}: Dear ${f.maskedName}, your ${card(f, false)} is ${f.daysPastDue} days past due (${f.amount} ${f.currency}). Please pay or contact us soon; overdue accounts may be reported as the law provides.`,
  },
};

export function renderReminder(template: string, language: 'zh-CN' | 'en', facts: ReminderFacts): string {
  const render = TEMPLATES[template]?.[language];
  if (!render) throw new Error(`unknown reminder template ${template}/${language}`);
  return render(facts);
}

export function isKnownTemplate(template: string): boolean {
  return Object.hasOwn(TEMPLATES, template);
}
