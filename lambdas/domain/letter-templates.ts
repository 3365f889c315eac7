/**
 * Collection letters as print-ready HTML (A4, no external assets) per template, version and language: what
 * CN-6 requires of a letter, and on pack `us` the validation notice of §1006.34. Pure functions of the facts.
 */

import type { ByLanguage, Language } from './message-templates';
import type { PackId } from './policy-packs';
import { US_DISCLOSURE } from './us-disclosure';

/** §1006.34(c)(2): the itemisation and the validation period, as formatted amounts and dates. */
export interface ValidationFacts {
  readonly itemisationDate: string;
  readonly amountOnItemisationDate: string;
  readonly interestSince: string;
  readonly feesSince: string;
  readonly paymentsAndCreditsSince: string;
  readonly amountNow: string;
  /** 30 days after assumed receipt (5 business days after sending), US-3; the caller computes it. */
  readonly periodEnds: string;
  readonly creditorOnItemisationDate: string;
  readonly currentCreditor: string;
}

export interface LetterFacts {
  readonly bank: {
    readonly name: string;
    readonly phone: string;
    readonly address: string;
    readonly website?: string;
  };
  /** Decrypted: a letter is posted to a named person at an address. */
  readonly debtor: { readonly name: string; readonly address: string };
  readonly cardLast4?: string;
  /** The letter's reference (its contact id), quoted in replies and objections. */
  readonly reference: string;
  readonly letterDate: string;
  readonly dueDate: string;
  readonly daysPastDue: number;
  readonly amount: string;
  readonly currency: string;
  /** The amount's make-up where known (principal, interest, 违约金), formatted. */
  readonly breakdown?: { readonly principal: string; readonly interest: string; readonly penalty: string };
  /** Pack `us` validation notice only. */
  readonly validation?: ValidationFacts;
}

export interface LetterTemplate {
  readonly id: string;
  readonly version: number;
  readonly packs: readonly PackId[];
  /** The §1006.34 validation notice (a `us` ladder must start with one). */
  readonly validationNotice?: boolean;
  readonly letter: ByLanguage<(facts: LetterFacts) => string>;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Facts come from feeds: every one is escaped before it meets the markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** Builds markup with every interpolated value escaped; nested `Html` values pass through. */
class Html {
  constructor(readonly markup: string) {}
}
function html(
  strings: TemplateStringsArray,
  ...values: ReadonlyArray<string | number | Html | readonly Html[]>
): Html {
  let markup = strings[0] ?? '';
  values.forEach((value, i) => {
    const piece = Array.isArray(value)
      ? value.map((part: Html) => part.markup).join('')
      : value instanceof Html
        ? value.markup
        : escapeHtml(String(value));
    markup += piece + (strings[i + 1] ?? '');
  });
  return new Html(markup);
}

const STYLE = `@page { size: A4; margin: 20mm 18mm 22mm; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "Times New Roman", serif; font-size: 11pt; line-height: 1.6; color: #000; margin: 0; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 8mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 0.3mm solid #000; padding: 1.5mm 2mm; text-align: left; }
td.amount { text-align: right; white-space: nowrap; }
.address { margin-bottom: 8mm; }
.meta { font-size: 9pt; }
.signature { margin-top: 10mm; display: flex; justify-content: flex-end; gap: 10mm; align-items: center; }
.seal { width: 40mm; height: 40mm; border: 0.4mm dashed #000; border-radius: 50%; display: flex; align-items: center; justify-content: center; font-size: 9pt; }
.form { border-top: 0.4mm dashed #000; margin-top: 8mm; padding-top: 4mm; page-break-inside: avoid; }`;

function page(language: Language, title: string, body: Html): string {
  return `<!DOCTYPE html>\n${
    html`<html lang="${language}"><head><meta charset="utf-8"><title>${title}</title><style>${new Html(STYLE)}</style></head><body>${body}</body></html>`
      .markup
  }\n`;
}

const cardZh = (f: LetterFacts) => (f.cardLast4 ? `尾号${f.cardLast4}的信用卡` : '信用卡');
const cardEn = (f: LetterFacts) => (f.cardLast4 ? `credit card ending ${f.cardLast4}` : 'credit card');

function breakdownRows(f: LetterFacts, labels: readonly [string, string, string]): Html[] {
  if (!f.breakdown) return [];
  const { principal, interest, penalty } = f.breakdown;
  return [
    html`<tr><td>${labels[0]}</td><td class="amount">${principal} ${f.currency}</td></tr>`,
    html`<tr><td>${labels[1]}</td><td class="amount">${interest} ${f.currency}</td></tr>`,
    html`<tr><td>${labels[2]}</td><td class="amount">${penalty} ${f.currency}</td></tr>`,
  ];
}

function cnLetterZh(second: boolean) {
  return (f: LetterFacts): string => {
    const title = second ? '信用卡逾期催收函（第二次）' : '信用卡逾期催收函';
    return page(
      'zh-CN',
      title,
      html`<p class="meta">${f.bank.name}　编号：${f.reference}　日期：${f.letterDate}</p>
<div class="address"><p>${f.debtor.address}</p><p>${f.debtor.name} 先生/女士（收）</p></div>
<h1>${title}</h1>
<p>尊敬的${f.debtor.name}：</p>
<h2>一、欠款情况</h2>
<p>您在本行申领的${cardZh(f)}，最后还款日为${f.dueDate}，截至${f.letterDate}已逾期${f.daysPastDue}天，尚欠款项如下：</p>
<table><tr><th>项目</th><th>金额</th></tr>${breakdownRows(f, ['本金', '利息', '违约金'])}<tr><th>欠款合计</th><td class="amount">${f.amount} ${f.currency}</td></tr></table>
<h2>二、催收事由及依据</h2>
<p>您与本行签订的《信用卡领用合约》约定您应按期归还透支款项。依据《中华人民共和国民法典》第五百零九条（当事人应当按照约定全面履行自己的义务）、第六百七十五条（借款人应当按照约定的期限返还借款）及《商业银行信用卡业务监督管理办法》第六十九条，本行特函告知并提示您还款。${second ? '本行曾于前次函件中告知上述欠款，至今尚未收到还款。' : ''}</p>
<h2>三、您的权利与义务</h2>
<p>您有义务按合约归还欠款。您有权核对账户明细，有权对欠款金额或本函内容提出异议并提供证据，本行将核实后于15日内答复。如您确有还款困难且有还款意愿，可向本行申请个性化分期还款，双方书面约定后按协议执行。</p>
<h2>四、如何核对账户、还款及提出异议</h2>
<p>核对账户：致电${f.bank.phone}，或通过本行手机银行、网上银行、营业网点查询。还款：通过本行手机银行、网上银行、营业网点或他行转账归还至上述信用卡账户。异议：请注明本函编号${f.reference}，将异议及证据寄至${f.bank.address}，或致电${f.bank.phone}。</p>
<h2>五、本行联系方式</h2>
<p>${f.bank.name}　地址：${f.bank.address}　电话：${f.bank.phone}${f.bank.website ? `　网址：${f.bank.website}` : ''}</p>
<p>如您已还清上述款项，请忽略本函。</p>
<div class="signature"><div><p>${f.bank.name}</p><p>${f.letterDate}</p></div><div class="seal">（银行公章）</div></div>`,
    );
  };
}

function cnLetterEn(second: boolean) {
  return (f: LetterFacts): string => {
    const title = second
      ? 'Collection letter about your overdue credit card (second letter)'
      : 'Collection letter about your overdue credit card';
    return page(
      'en',
      title,
      html`<p class="meta">${f.bank.name} · Reference ${f.reference} · ${f.letterDate}</p>
<div class="address"><p>${f.debtor.name}</p><p>${f.debtor.address}</p></div>
<h1>${title}</h1>
<p>Dear ${f.debtor.name},</p>
<h2>1. What you owe</h2>
<p>Your ${cardEn(f)} with us had a payment due on ${f.dueDate}. On ${f.letterDate} it is ${f.daysPastDue} days past due and you owe:</p>
<table><tr><th>Item</th><th>Amount</th></tr>${breakdownRows(f, ['Principal', 'Interest', 'Contractual penalty'])}<tr><th>Total owed</th><td class="amount">${f.amount} ${f.currency}</td></tr></table>
<h2>2. Why we write, and on what basis</h2>
<p>Your cardholder agreement with us requires you to repay what you spend on the card on time. Under Articles 509 and 675 of the Civil Code of the People's Republic of China (parties perform their obligations as agreed; a borrower repays within the agreed term) and Article 69 of the Measures on the Supervision of Credit Card Business of Commercial Banks, we write to tell you of the amount and ask you to pay.${second ? ' We told you of this amount in our previous letter and have not yet received payment.' : ''}</p>
<h2>3. Your rights and duties</h2>
<p>You must repay the amount under the agreement. You may check your account, and you may object to the amount or to this letter with evidence; we will look into it and answer within 15 days. If you want to pay but cannot pay in full, you may ask us for a personalised instalment plan, agreed in writing.</p>
<h2>4. How to check your account, pay, or object</h2>
<p>Check: call ${f.bank.phone}, or use our mobile or online banking or a branch. Pay: through mobile or online banking, at a branch, or by transfer to the card account. Object: quote reference ${f.reference} and send your objection and evidence to ${f.bank.address}, or call ${f.bank.phone}.</p>
<h2>5. Contact us</h2>
<p>${f.bank.name}, ${f.bank.address}, telephone ${f.bank.phone}${f.bank.website ? `, ${f.bank.website}` : ''}</p>
<p>If you have already paid in full, please ignore this letter.</p>
<div class="signature"><div><p>${f.bank.name}</p><p>${f.letterDate}</p></div><div class="seal">(Bank seal)</div></div>`,
    );
  };
}

function requireValidation(f: LetterFacts): ValidationFacts {
  if (!f.validation) throw new Error('the validation notice needs the validation facts');
  return f.validation;
}

function usValidationEn(f: LetterFacts): string {
  const v = requireValidation(f);
  const title = 'Validation notice';
  return page(
    'en',
    title,
    html`<p class="meta">${f.bank.name} · ${f.bank.address} · ${f.bank.phone} · Reference ${f.reference} · ${f.letterDate}</p>
<div class="address"><p>${f.debtor.name}</p><p>${f.debtor.address}</p></div>
<h1>${title}</h1>
<p><strong>${f.bank.name} is a debt collector.</strong> We are trying to collect a debt that you owe to ${v.currentCreditor}. We will use any information you give us to help collect the debt.</p>
<h2>Our information shows</h2>
<p>You had a ${cardEn(f)} from ${v.creditorOnItemisationDate}.</p>
<table>
<tr><td>As of ${v.itemisationDate}, you owed:</td><td class="amount">${v.amountOnItemisationDate} ${f.currency}</td></tr>
<tr><td>Between ${v.itemisationDate} and today, you were charged this amount in interest:</td><td class="amount">+ ${v.interestSince} ${f.currency}</td></tr>
<tr><td>You were charged this amount in fees:</td><td class="amount">+ ${v.feesSince} ${f.currency}</td></tr>
<tr><td>You paid or were credited this amount toward the debt:</td><td class="amount">– ${v.paymentsAndCreditsSince} ${f.currency}</td></tr>
<tr><th>Total amount of the debt now:</th><td class="amount"><strong>${v.amountNow} ${f.currency}</strong></td></tr>
</table>
<h2>How can you dispute the debt?</h2>
<p><strong>Call or write to us by ${v.periodEnds} to dispute all or part of the debt.</strong> If you do not, we will assume that our information is correct. If you write to us by ${v.periodEnds}, we must stop collection on any amount you dispute until we send you information that shows you owe the debt. You may use the form below or write to us without the form. You may also include supporting documents. We accept disputes by mail at ${f.bank.address} and by telephone at ${f.bank.phone}.</p>
<h2>What else can you do?</h2>
<p><strong>Write to ask for the name and address of the original creditor, if different from the current creditor.</strong> If you write by ${v.periodEnds}, we must stop collection until we send you that information. Go to www.cfpb.gov/debt-collection to learn more about your rights under federal law. Contact us about your payment options.</p>
<p>${US_DISCLOSURE.en}</p>
<div class="form"><p><strong>How do you want to respond?</strong> Mail this form to ${f.bank.name}, ${f.bank.address}. Reference ${f.reference}.</p>
<p>☐ I want to dispute the debt because I think: ☐ This is not my debt. ☐ The amount is wrong. ☐ Other (please describe on the reverse or attach additional information).</p>
<p>☐ I want you to send me the name and address of the original creditor.</p>
<p>☐ I enclosed this amount: ____________</p></div>
<div class="signature"><div><p>${f.bank.name}</p><p>${f.letterDate}</p></div><div class="seal">(Seal)</div></div>`,
  );
}

function usValidationZh(f: LetterFacts): string {
  const v = requireValidation(f);
  const title = '债务核实通知';
  return page(
    'zh-CN',
    title,
    html`<p class="meta">${f.bank.name}　${f.bank.address}　${f.bank.phone}　编号：${f.reference}　日期：${f.letterDate}</p>
<div class="address"><p>${f.debtor.name}</p><p>${f.debtor.address}</p></div>
<h1>${title}</h1>
<p><strong>${f.bank.name}是债务催收方。</strong>我们正在催收您欠${v.currentCreditor}的债务。您提供的任何信息将用于催收该债务。</p>
<h2>我们的记录显示</h2>
<p>您持有${v.creditorOnItemisationDate}的${cardZh(f)}。</p>
<table>
<tr><td>截至${v.itemisationDate}，您欠款：</td><td class="amount">${v.amountOnItemisationDate} ${f.currency}</td></tr>
<tr><td>自${v.itemisationDate}至今，产生利息：</td><td class="amount">+ ${v.interestSince} ${f.currency}</td></tr>
<tr><td>产生费用：</td><td class="amount">+ ${v.feesSince} ${f.currency}</td></tr>
<tr><td>您已还款或获抵扣：</td><td class="amount">– ${v.paymentsAndCreditsSince} ${f.currency}</td></tr>
<tr><th>目前欠款总额：</th><td class="amount"><strong>${v.amountNow} ${f.currency}</strong></td></tr>
</table>
<h2>如何对债务提出异议？</h2>
<p><strong>请于${v.periodEnds}前致电或致函我们，对全部或部分债务提出异议。</strong>如您未提出异议，我们将视为信息无误。如您于${v.periodEnds}前书面提出异议，在我们寄送证明您欠款的资料之前，将停止催收有异议的部分。您可使用下方表格，也可不用表格直接来函，并可附上证明材料。邮寄地址：${f.bank.address}；电话：${f.bank.phone}。</p>
<h2>您还可以</h2>
<p><strong>书面索取原债权人的名称和地址（如与现债权人不同）。</strong>如您于${v.periodEnds}前来函，在我们寄出该信息之前将停止催收。您可在 www.cfpb.gov/debt-collection 了解联邦法律赋予您的权利。欢迎联系我们了解还款方式。</p>
<p>${US_DISCLOSURE['zh-CN']}</p>
<div class="form"><p><strong>您希望如何回复？</strong>请将本表寄至${f.bank.name}，${f.bank.address}。编号：${f.reference}。</p>
<p>☐ 我对该债务有异议，因为：☐ 这不是我的债务。☐ 金额有误。☐ 其他（请在背面说明或附上材料）。</p>
<p>☐ 请告知原债权人的名称和地址。</p>
<p>☐ 我随函附上款项：____________</p></div>
<div class="signature"><div><p>${f.bank.name}</p><p>${f.letterDate}</p></div><div class="seal">（盖章）</div></div>`,
  );
}

export const LETTER_TEMPLATES: readonly LetterTemplate[] = [
  {
    id: 'cn-collection-letter',
    version: 1,
    packs: ['cn'],
    letter: { 'zh-CN': cnLetterZh(false), en: cnLetterEn(false) },
  },
  {
    id: 'cn-collection-letter-second',
    version: 1,
    packs: ['cn'],
    letter: { 'zh-CN': cnLetterZh(true), en: cnLetterEn(true) },
  },
  {
    id: 'us-validation-notice',
    version: 1,
    packs: ['us'],
    validationNotice: true,
    letter: { en: usValidationEn, 'zh-CN': usValidationZh },
  },
];

export function renderLetter(id: string, version: number, language: Language, facts: LetterFacts): string {
  const render = LETTER_TEMPLATES.find((t) => t.id === id && t.version === version)?.letter[language];
  if (!render) throw new Error(`unknown letter template ${id} v${version}/${language}`);
  return render(facts);
}
