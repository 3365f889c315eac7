/** Card numbers (PANs) must never enter the system: a Luhn-valid 13–19-digit run in any field rejects the row. */

/** Maximal digit runs, single spaces or dashes allowed between digits ("4111 1111-1111 1111"). */
const DIGIT_RUNS = /\d(?:[ -]?\d)*/g;

/** True when `text` holds a run of 13–19 digits (spaces or dashes allowed between them) that passes Luhn. */
export function containsCardNumber(text: string): boolean {
  for (const run of text.matchAll(DIGIT_RUNS)) {
    // A card written in groups may sit next to other digits ("1 4111 1111 1111 1111"): try every span of
    // whole groups, not only the whole run.
    const groups = run[0].split(/[ -]/);
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
