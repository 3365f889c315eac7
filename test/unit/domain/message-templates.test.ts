import { describe, expect, it } from 'vitest';
import { maskName } from '../../../lambdas/domain/masking';
import {
  isKnownTemplate,
  type ReminderFacts,
  renderReminder,
} from '../../../lambdas/domain/message-templates';

const FULL_NAME = '张三丰';

const facts: ReminderFacts = {
  bankName: 'Demo Bank',
  maskedName: maskName(FULL_NAME),
  cardLast4: '4321',
  daysPastDue: 12,
  amount: '1500.00',
  currency: 'CNY',
};

describe('reminder templates', () => {
  it.each(['courtesy-reminder', 'second-reminder', 'firm-reminder'])(
    'renders %s in zh-CN with the masked name and never the full name',
    (template) => {
      const body = renderReminder(template, 'zh-CN', facts);
      expect(body).toContain('张**');
      expect(body).not.toContain(FULL_NAME);
      expect(body).toContain('【Demo Bank】');
      expect(body).toContain('尾号4321');
      expect(body).toContain('1500.00CNY');
    },
  );

  it.each(['courtesy-reminder', 'second-reminder', 'firm-reminder'])('renders %s in English', (template) => {
    const body = renderReminder(template, 'en', { ...facts, maskedName: maskName('John Smith') });
    expect(body).toContain('Dear J*** S***');
    expect(body).not.toContain('John');
    expect(body).toContain('card ending 4321');
    expect(body).toContain('12 days past due (1500.00 CNY)');
  });

  it('speaks of the credit card in general when the last four digits are unknown', () => {
    const { cardLast4: _none, ...withoutCard } = facts;
    expect(renderReminder('courtesy-reminder', 'en', withoutCard)).toContain('your credit card is');
    expect(renderReminder('courtesy-reminder', 'zh-CN', withoutCard)).not.toContain('尾号');
  });

  it('refuses an unknown template', () => {
    expect(() => renderReminder('threat', 'en', facts)).toThrow(/unknown reminder template threat\/en/);
    expect(isKnownTemplate('threat')).toBe(false);
    expect(isKnownTemplate('firm-reminder')).toBe(true);
  });

  it('does not take names every object inherits for templates', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(isKnownTemplate(name)).toBe(false);
      expect(() => renderReminder(name, 'zh-CN', facts)).toThrow(/unknown reminder template/);
    }
  });
});
