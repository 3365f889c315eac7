/** Masked forms of personal data that staff see by default (`138****5678`, `张*`); revealing needs a role and a reason. */

export function maskName(name: string): string {
  // Spaces inside a Chinese name ('张 三丰', full-width too) are layout: ignored, so no given name shows.
  const compact = SPACE.test(name) ? name.replace(SPACES, '') : name;
  if (compact === '') return '';
  // Chinese names: keep the surname character; Latin names: keep the first letter of each part.
  if (HAN_NAME.test(compact))
    return `${firstCharacter(compact)}${'*'.repeat(Math.max(1, codePoints(compact) - 1))}`;
  if (compact === name) return `${firstCharacter(name)}***`;
  return name
    .trim()
    .split(/\s+/)
    .map((part) => `${firstCharacter(part)}***`)
    .join(' ');
}

const SPACE = /\s/;
const PLAIN_NUMBER = /^\+?\d+$/;
const SPACES = /\s+/g;
const HAN_NAME = /^[\p{Script=Han}·]+$/u;

/** The first character, a whole code point (an astral Han character is two UTF-16 units). */
function firstCharacter(text: string): string {
  const code = text.codePointAt(0);
  return code === undefined ? '' : String.fromCodePoint(code);
}

function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

export function maskPhone(phone: string): string {
  // The usual forms, digits alone or E.164, without a replace; anything else keeps only its digits.
  const e164 = PLAIN_NUMBER.test(phone) && phone.charCodeAt(0) === 43;
  const digits = PLAIN_NUMBER.test(phone) ? (e164 ? phone.slice(1) : phone) : phone.replace(/\D/g, '');
  const mainland = digits.startsWith('86') && digits.length === 13;
  const national = mainland ? digits.slice(2) : digits;
  if (national.length < 7) return '*'.repeat(national.length);
  const masked = `${national.slice(0, 3)}****${national.slice(-4)}`;
  // A number abroad keeps its +: without it, +1 202… would read as a domestic 120….
  return e164 && !mainland ? `+${masked}` : masked;
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

export function maskNationalId(id: string): string {
  if (id.length < 8) return '*'.repeat(id.length);
  return `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}`;
}
