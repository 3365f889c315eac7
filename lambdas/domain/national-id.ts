/** Mainland resident identity numbers (GB 11643-1999): 17 digits, a check character, a real birth date. */

import { dayNumber } from './delinquency';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK = '10X98765432';

/** Why `id` is not a valid resident ID, or undefined when it is one. */
export function residentIdProblem(id: string): string | undefined {
  if (!/^\d{17}[\dX]$/.test(id)) return 'must be 17 digits and a check digit or X';
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  try {
    dayNumber(birth);
  } catch {
    return 'birth date is not a calendar date';
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  return CHECK[sum % 11] === id[17] ? undefined : 'check digit does not match';
}
