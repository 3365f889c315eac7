/** Card numbers (PANs) must never enter the system: a Luhn-valid 13–19-digit run in any field rejects the row. */

/**
 * Maximal digit runs, up to three spaces or dashes between digits ("4111 1111-1111 1111", "4111 - 1111").
 * Dots and commas do not join groups: amounts and dates use them, and a card is not written with them.
 */
const DIGIT_RUNS = /\d(?:[\s-]{0,3}\d)*/g;
/** Dashes other than the ASCII hyphen that NFKC leaves alone (hyphen, non-breaking hyphen, en/em dash, minus). */
const UNICODE_DASHES = /[\u2010-\u2015\u2212]/g;

/** True when `text` holds a run of 13–19 digits (spaces or dashes allowed between them) that passes Luhn. */
export function containsCardNumber(text: string): boolean {
  if (tooFewDigits(text)) return false;
  // A Chinese input method writes full-width digits and spaces (４１１１　１１１１), a web page a no-break
  // space: NFKC makes them the ASCII ones, so that the way a number is typed does not let it through.
  const plain = /[\u0080-\uffff]/.test(text) ? text.normalize('NFKC').replace(UNICODE_DASHES, '-') : text;
  for (const run of plain.matchAll(DIGIT_RUNS)) {
    // A card written in groups may sit next to other digits ("1 4111 1111 1111 1111"): try every span of
    // whole groups, not only the whole run.
    const groups = run[0].split(/[\s-]+/);
    for (let first = 0; first < groups.length; first++) {
      let digits = '';
      for (let last = first; last < groups.length && digits.length < 19; last++) {
        digits += groups[last];
        if (digits.length >= 13 && digits.length <= 19 && passesLuhn(digits)) return true;
      }
    }
  }
  return false;
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * True when `text` cannot hold 13 digits, even after NFKC: fewer than 13 ASCII digits and nothing but
 * ASCII and CJK unified ideographs (which NFKC leaves alone). Most cells end here, unscanned.
 */
function tooFewDigits(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      if (++digits >= 13) return false;
    } else if (code > 0x7f && (code < 0x4e00 || code > 0x9fff)) return false;
  }
  return true;
}
