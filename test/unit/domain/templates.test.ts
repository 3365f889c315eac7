/** Every debtor-facing template, in every language and on both packs: within SMS limits, lawful in tone, and complete. */

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CN_DEFAULT_LADDER, US_DEFAULT_LADDER } from '../../../lambdas/domain/default-ladders';
import { LETTER_TEMPLATES, type LetterFacts, renderLetter } from '../../../lambdas/domain/letter-templates';
import { maskName } from '../../../lambdas/domain/masking';
import {
  LANGUAGES,
  type Language,
  MAX_SMS_SEGMENTS,
  MESSAGE_TEMPLATES,
  type MessageFacts,
  renderEmail,
  renderSms,
  smsSegments,
} from '../../../lambdas/domain/message-templates';
import type { PackId } from '../../../lambdas/domain/policy-packs';
import { TEMPLATE_CATALOGUE } from '../../../lambdas/domain/template-catalogue';

const validation = {
  itemisationDate: '2026-01-01',
  amountOnItemisationDate: '99999.99',
  interestSince: '1234.56',
  feesSince: '0.00',
  paymentsAndCreditsSince: '100.00',
  amountNow: '101134.55',
  periodEnds: '2026-02-12',
  creditorOnItemisationDate: 'Lintbank',
  currentCreditor: 'Lintbank',
};

/** Realistic worst cases for length: a long bank name, a compound surname, 3-digit days, a large amount. */
const WORST: Readonly<Record<Language, MessageFacts>> = {
  'zh-CN': {
    bankName: '中国示例商业银行信用卡中心',
    bankPhone: '400-820-8888',
    debtorName: maskName('欧阳娜娜'),
    cardLast4: '4321',
    daysPastDue: 999,
    amount: '12345678.90',
    currency: 'CNY',
    validation,
  },
  en: {
    bankName: 'First National Bank of Pennsylvania',
    bankPhone: '+1 800-555-0100',
    debtorName: maskName('Maximilian Featherstonehaugh'),
    cardLast4: '4321',
    daysPastDue: 999,
    amount: '12345678.90',
    currency: 'USD',
    validation,
  },
};

const BANK = 'Lintbank';
const messageFacts = (language: Language): MessageFacts => ({ ...WORST[language], bankName: BANK });
const letterFacts: LetterFacts = {
  bank: {
    name: BANK,
    phone: '400-000-0000',
    address: '上海市浦东新区示例路1号',
    website: 'www.lintbank.example',
  },
  debtor: { name: '张三丰', address: '北京市朝阳区示例街2号' },
  cardLast4: '4321',
  reference: 'L-2026-0001',
  letterDate: '2026-02-01',
  dueDate: '2026-01-01',
  daysPastDue: 31,
  amount: '15000.00',
  currency: 'CNY',
  breakdown: { principal: '14000.00', interest: '800.00', penalty: '200.00' },
  validation,
};

interface Rendered {
  readonly name: string;
  readonly kind: 'sms' | 'email' | 'letter';
  readonly language: Language;
  readonly packs: readonly PackId[];
  readonly text: string;
}

const plainText = (html: string) => html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ');

function allRendered(): Rendered[] {
  return [
    ...MESSAGE_TEMPLATES.flatMap((t) =>
      LANGUAGES.flatMap((language) => [
        ...(t.sms?.[language]
          ? [
              {
                name: `${t.id} v${t.version} sms ${language}`,
                kind: 'sms' as const,
                language,
                packs: t.packs,
                text: renderSms(t.id, t.version, language, messageFacts(language)),
              },
            ]
          : []),
        ...(t.email?.[language]
          ? [
              (() => {
                const { subject, text } = renderEmail(t.id, t.version, language, messageFacts(language));
                return {
                  name: `${t.id} v${t.version} email ${language}`,
                  kind: 'email' as const,
                  language,
                  packs: t.packs,
                  text: `${subject}\n${text}`,
                };
              })(),
            ]
          : []),
      ]),
    ),
    ...LETTER_TEMPLATES.flatMap((t) =>
      LANGUAGES.map((language) => ({
        name: `${t.id} v${t.version} letter ${language}`,
        kind: 'letter' as const,
        language,
        packs: t.packs,
        text: plainText(renderLetter(t.id, t.version, language, letterFacts)),
      })),
    ),
  ];
}

/** Threats, false legal claims, posing as an authority, public shaming (CN-13, §1006.14/.18). */
const FORBIDDEN: readonly RegExp[] = [
  /起诉|逮捕|坐牢|拘留|公安|法院|检察|判刑|刑事|追究|后果自负|曝光|通讯录|家人|单位|上门|黑名单|最后通牒|警告/,
  /\barrest|\bjail|\bprison|\bpolice|\bsue\b|\bsue you|\blawsuit|\bcourt\b|\bcriminal|\bwarrant|\bgarnish|\bprosecut|\bshame|\bemployer|\bfamily|\bneighbou?r|\bblacklist|final warning|or else|legal action|government/i,
];
const DISCLOSURE: Readonly<Record<Language, RegExp>> = {
  en: /This is a communication from a debt collector|is a debt collector\./,
  'zh-CN': /本信息来自债务催收方|是债务催收方/,
};
const OPT_OUT: Readonly<Record<'sms' | 'email', Readonly<Record<Language, RegExp>>>> = {
  sms: { en: /Reply STOP to opt out/, 'zh-CN': /回复STOP退订/ },
  email: { en: /reply UNSUBSCRIBE/i, 'zh-CN': /退订/ },
};

/** Everything a debtor-facing text must not say or must say; empty when it passes. */
function lint(rendered: Rendered): string[] {
  const problems = FORBIDDEN.flatMap((pattern) => {
    const found = rendered.text.match(pattern);
    return found ? [`forbidden: ${found[0]}`] : [];
  });
  if (!rendered.text.includes(BANK)) problems.push('does not name the bank');
  if (rendered.packs.includes('us')) {
    if (!DISCLOSURE[rendered.language].test(rendered.text)) problems.push('no debt-collector disclosure');
    if (rendered.kind !== 'letter' && !OPT_OUT[rendered.kind][rendered.language].test(rendered.text))
      problems.push('no opt-out');
  }
  return problems;
}

describe('template lint', () => {
  const rendered = allRendered();

  it('covers every template of the catalogue in both languages', () => {
    const debtorFacing = TEMPLATE_CATALOGUE.filter((e) => e.parts.sms || e.parts.email || e.parts.letter);
    for (const entry of debtorFacing) {
      for (const part of ['sms', 'email', 'letter'] as const) {
        if (!entry.parts[part]) continue;
        for (const language of LANGUAGES) {
          expect(rendered.map((r) => r.name)).toContain(`${entry.id} v${entry.version} ${part} ${language}`);
        }
      }
    }
    expect(rendered.some((r) => r.packs.includes('cn'))).toBe(true);
    expect(rendered.some((r) => r.packs.includes('us'))).toBe(true);
  });

  it.each(rendered.map((r) => [r.name, r] as const))(
    '%s: no threat, names the bank, US disclosures',
    (_, r) => {
      expect(lint(r)).toEqual([]);
    },
  );

  it.each([
    [
      'a threat of a lawsuit in Chinese',
      '【Lintbank】请立即还款，否则将起诉您并通知您的单位。',
      ['cn'],
      'sms',
      'zh-CN',
      /forbidden: 起诉/,
    ],
    [
      'posing as a court',
      'Lintbank: notice from the district court about your debt.',
      ['cn'],
      'sms',
      'en',
      /forbidden: court/,
    ],
    [
      'a threat of arrest',
      'Lintbank: pay today or the police will arrest you.',
      ['cn'],
      'sms',
      'en',
      /forbidden: police/,
    ],
    ['no bank name', '尊敬的张**：您的信用卡已逾期。', ['cn'], 'sms', 'zh-CN', /does not name the bank/],
    [
      'a US text without an opt-out',
      'Lintbank: your card is past due. This is a communication from a debt collector.',
      ['us'],
      'sms',
      'en',
      /no opt-out/,
    ],
    [
      'a US email without the disclosure',
      'Lintbank: your card is past due. Reply UNSUBSCRIBE to stop.',
      ['us'],
      'email',
      'en',
      /no debt-collector disclosure/,
    ],
  ] as const)('fails a bad template: %s (positive control)', (_, text, packs, kind, language, problem) => {
    expect(lint({ name: 'bad', kind, language, packs, text }).join('\n')).toMatch(problem);
  });
});

describe('SMS length', () => {
  it('counts GSM-7 and UCS-2 segments, extension characters as two', () => {
    expect(smsSegments('a'.repeat(160))).toBe(1);
    expect(smsSegments('a'.repeat(161))).toBe(2);
    expect(smsSegments('a'.repeat(306))).toBe(2);
    expect(smsSegments('a'.repeat(307))).toBe(3);
    expect(smsSegments(`${'a'.repeat(158)}€`)).toBe(1); // 160 septets
    expect(smsSegments(`${'a'.repeat(159)}€`)).toBe(2); // 161 septets: the euro sign costs two
    expect(smsSegments('中'.repeat(70))).toBe(1);
    expect(smsSegments('中'.repeat(71))).toBe(2);
    expect(smsSegments('中'.repeat(134))).toBe(2);
    expect(smsSegments('中'.repeat(135))).toBe(3);
    expect(smsSegments(`${'a'.repeat(100)}中`)).toBe(2); // one Chinese character turns the whole text UCS-2
  });

  const smsTemplates = MESSAGE_TEMPLATES.flatMap((t) =>
    t.sms
      ? LANGUAGES.map((language) => [`${t.id} v${t.version} ${language}`, t.id, t.version, language] as const)
      : [],
  );
  it.each(smsTemplates)('%s fits 2 segments with worst-case facts', (_, id, version, language) => {
    const text = renderSms(id, version, language, WORST[language]);
    expect(smsSegments(text), text).toBeLessThanOrEqual(MAX_SMS_SEGMENTS);
  });
});

describe('messages', () => {
  it('carry the masked name, never the full one', () => {
    const facts = { ...messageFacts('zh-CN'), debtorName: maskName('张三丰') };
    const text = renderSms('courtesy-reminder', 1, 'zh-CN', facts);
    expect(text).toContain('张**');
    expect(text).not.toContain('张三丰');
    expect(text).toContain('【Lintbank】');
    expect(text).toContain('尾号4321');
  });

  it('speak of the credit card in general when the last four digits are unknown', () => {
    const { cardLast4: _, ...facts } = messageFacts('en');
    expect(renderSms('courtesy-reminder', 1, 'en', facts)).toContain('your credit card is');
  });

  it('refuse an unknown template, version or language', () => {
    expect(() => renderSms('threat', 1, 'en', messageFacts('en'))).toThrow(
      /unknown SMS template threat v1\/en/,
    );
    expect(() => renderSms('courtesy-reminder', 2, 'en', messageFacts('en'))).toThrow(/unknown SMS template/);
    expect(() => renderEmail('courtesy-reminder', 1, 'en', messageFacts('en'))).toThrow(
      /unknown email template/,
    );
  });

  it('every template has a whole version from 1 and one entry per id and version', () => {
    const keys = TEMPLATE_CATALOGUE.map((e) => `${e.id}@${e.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const entry of TEMPLATE_CATALOGUE)
      expect(Number.isInteger(entry.version) && entry.version >= 1).toBe(true);
  });
});

describe('letters', () => {
  const letters = LETTER_TEMPLATES.flatMap((t) =>
    LANGUAGES.map((language) => [`${t.id} ${language}`, t.id, language] as const),
  );

  it.each(letters)('%s is a print-ready A4 document with no external assets', (_, id, language) => {
    const html = renderLetter(id, 1, language, letterFacts);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(`<html lang="${language}">`);
    expect(html).toMatch(/@page \{ size: A4;/);
    expect(html).not.toMatch(/<link|<script|<img|src=|href=|@import|url\(|https?:/i);
    expect(html).toMatch(/class="seal"/);
  });

  it.each([
    [
      'zh-CN',
      [
        '张三丰',
        '15000.00 CNY',
        '本金',
        '违约金',
        '《中华人民共和国民法典》',
        '您的权利与义务',
        '核对账户',
        '还款：',
        '异议',
        '400-000-0000',
        '上海市浦东新区示例路1号',
        '（银行公章）',
      ],
    ],
    [
      'en',
      [
        '张三丰',
        '15000.00 CNY',
        'Principal',
        'Civil Code',
        'Your rights and duties',
        'Check: call',
        'Pay:',
        'Object:',
        '400-000-0000',
        'L-2026-0001',
        '(Bank seal)',
      ],
    ],
  ] as const)('the cn collection letter in %s carries what CN-6 requires', (language, required) => {
    const text = renderLetter('cn-collection-letter', 1, language, letterFacts);
    for (const piece of required) expect(text).toContain(piece);
  });

  it('the second letter says it follows the first', () => {
    expect(renderLetter('cn-collection-letter-second', 1, 'zh-CN', letterFacts)).toContain('（第二次）');
    expect(renderLetter('cn-collection-letter-second', 1, 'en', letterFacts)).toContain('previous letter');
  });

  it.each([
    [
      'en',
      [
        'is a debt collector',
        'As of 2026-01-01, you owed:',
        '99999.99',
        '+ 1234.56',
        '– 100.00',
        '101134.55',
        'by 2026-02-12 to dispute',
        'original creditor',
        'www.cfpb.gov/debt-collection',
        'This is not my debt',
      ],
    ],
    [
      'zh-CN',
      [
        '是债务催收方',
        '截至2026-01-01，您欠款',
        '99999.99',
        '101134.55',
        '请于2026-02-12前',
        '原债权人',
        'www.cfpb.gov/debt-collection',
        '这不是我的债务',
      ],
    ],
  ] as const)(
    'the us validation notice in %s itemises the debt and states the dispute rights',
    (language, required) => {
      const text = renderLetter('us-validation-notice', 1, language, letterFacts);
      for (const piece of required) expect(text).toContain(piece);
    },
  );

  it('escapes facts before they meet the markup', () => {
    const html = renderLetter('cn-collection-letter', 1, 'en', {
      ...letterFacts,
      debtor: { name: '<script>alert(1)</script>', address: 'A & B "Road"' },
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('A &amp; B &quot;Road&quot;');
  });

  it('refuses a validation notice without its facts', () => {
    const { validation: _, ...facts } = letterFacts;
    expect(() => renderLetter('us-validation-notice', 1, 'en', facts)).toThrow(/needs the validation facts/);
  });
});

describe('default ladders', () => {
  // A running escalation keeps its version: editing version 1 in place would change it under them.
  it('are frozen at version 1: a change needs a new version', () => {
    const digest = (value: unknown) =>
      createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
    expect({ cn: digest(CN_DEFAULT_LADDER), us: digest(US_DEFAULT_LADDER) }).toEqual({
      cn: 'fdb6fa827d79e35a',
      us: 'c4e7ceaff5bd5df9',
    });
  });
});
