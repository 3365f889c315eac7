import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskEmail, maskName, maskNationalId, maskPhone } from '../../../lambdas/domain/masking';

describe('maskPhone', () => {
  it('keeps the first three and last four digits of a mainland mobile', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('drops the +86 prefix of an E.164 number before masking', () => {
    expect(maskPhone('+8613812345678')).toBe('138****5678');
  });

  it('keeps the + of a number abroad, so that it does not read as a domestic one', () => {
    expect(maskPhone('+12025550100')).toBe('+120****0100');
  });

  it('masks a number too short to show any part entirely', () => {
    expect(maskPhone('12345')).toBe('*****');
  });
});

describe('maskName', () => {
  it('keeps only the surname of a two-character Chinese name', () => {
    expect(maskName('张三')).toBe('张*');
  });

  it('masks every character after the surname of a three-character name', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('张三丰')).not.toContain('三');
  });

  it('masks a single-character name with at least one star', () => {
    expect(maskName('张')).toBe('张*');
  });

  it('keeps the first letter of each part of a Latin name', () => {
    expect(maskName('John Smith')).toBe('J*** S***');
    expect(maskName('  Mary   Ann  Lee ')).toBe('M*** A*** L***');
  });

  it('gives an empty mask for an empty name', () => {
    expect(maskName('  ')).toBe('');
  });
});

describe('maskEmail', () => {
  it('keeps the first character and the domain', () => {
    expect(maskEmail('zhang.sanfeng@example.test')).toBe('z***@example.test');
  });

  it('hides a value that is not an email entirely', () => {
    expect(maskEmail('@example.test')).toBe('***');
    expect(maskEmail('nobody')).toBe('***');
  });
});

describe('maskNationalId', () => {
  it('keeps the first three and last four characters of an 18-character id', () => {
    const masked = maskNationalId('11010119900307123X');
    expect(masked).toBe('110***********123X');
    expect(masked).toHaveLength(18);
  });

  it('masks a short id entirely', () => {
    expect(maskNationalId('1234567')).toBe('*******');
  });
});

describe('masking, against its plain definition', () => {
  // The definitions the masks were first written as; the shipped ones avoid per-character arrays.
  const nameByDefinition = (name: string): string => {
    const compact = name.replace(/\s+/g, '');
    const chars = Array.from(compact);
    if (chars.length === 0) return '';
    if (/^[\p{Script=Han}·]+$/u.test(compact))
      return `${chars[0]}${'*'.repeat(Math.max(1, chars.length - 1))}`;
    return name
      .trim()
      .split(/\s+/)
      .map((part) => `${Array.from(part)[0] ?? ''}***`)
      .join(' ');
  };
  const phoneByDefinition = (phone: string): string => {
    const digits = phone.replace(/\D/g, '');
    const mainland = digits.startsWith('86') && digits.length === 13;
    const national = mainland ? digits.slice(2) : digits;
    if (national.length < 7) return '*'.repeat(national.length);
    const masked = `${national.slice(0, 3)}****${national.slice(-4)}`;
    return /^\+\d+$/.test(phone) && !mainland ? `+${masked}` : masked;
  };

  it('masks any name as the definition does: Han, astral Han, middle dots, Latin, spaces of every kind', () => {
    const unit = fc.constantFrom(
      ...['张', '三', '丰', '𠀋', '·', 'A', 'é', 'z', ' ', '\u3000', '\t', '1', '\ud800'],
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }), (units) => {
        const name = units.join('');
        expect(maskName(name)).toBe(nameByDefinition(name));
      }),
      { numRuns: 3000 },
    );
  });

  it('masks any phone text as the definition does', () => {
    const unit = fc.constantFrom(...'+0123456789 -86'.split(''));
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 16 }), (units) => {
        const phone = units.join('');
        expect(maskPhone(phone)).toBe(phoneByDefinition(phone));
      }),
      { numRuns: 3000 },
    );
  });
});
