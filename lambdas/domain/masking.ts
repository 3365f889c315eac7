/** Masked forms of personal data that staff see by default (`138****5678`, `张*`); revealing needs a role and a reason. */

export function maskName(name: string): string {
  // Spaces inside a Chinese name ('张 三丰', full-width too) are layout: ignored, so no given name shows.
  const compact = name.replace(/\s+/g, '');
  const chars = Array.from(compact);
  if (chars.length === 0) return '';
  // Chinese names: keep the surname character; Latin names: keep the first letter of each part.
  if (/^[\p{Script=Han}·]+$/u.test(compact)) return `${chars[0]}${'*'.repeat(Math.max(1, chars.length - 1))}`;
  return name
    .trim()
    .split(/\s+/)
    .map((part) => `${Array.from(part)[0] ?? ''}***`)
    .join(' ');
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const national = digits.startsWith('86') && digits.length === 13 ? digits.slice(2) : digits;
  if (national.length < 7) return '*'.repeat(national.length);
  return `${national.slice(0, 3)}****${national.slice(-4)}`;
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
