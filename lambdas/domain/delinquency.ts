/** Days past due and the delinquency buckets (M1 = 1–30 days … M6+ = over 150) collections is organised by. */

export type Bucket = 'current' | 'M1' | 'M2' | 'M3' | 'M4' | 'M5' | 'M6+';

const DAY_MS = 86_400_000;

/** A calendar date (YYYY-MM-DD) as a UTC day number, so date arithmetic never meets a DST hour. */
export function dayNumber(isoDate: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) throw new RangeError(`not a YYYY-MM-DD date: ${isoDate}`);
  const day = calendarDayNumber(isoDate);
  if (day === undefined) throw new RangeError(`not a calendar date: ${isoDate}`);
  return day;
}

/** The day number of a date already shaped YYYY-MM-DD, or undefined when it is not in the calendar. */
export function calendarDayNumber(isoDate: string): number | undefined {
  const year =
    digitAt(isoDate, 0) * 1000 + digitAt(isoDate, 1) * 100 + digitAt(isoDate, 2) * 10 + digitAt(isoDate, 3);
  const month = digitAt(isoDate, 5) * 10 + digitAt(isoDate, 6);
  const day = digitAt(isoDate, 8) * 10 + digitAt(isoDate, 9);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  // Days from 1970-01-01 in the proleptic Gregorian calendar, by whole 400-year eras (no Date object:
  // this runs for every feed row, and Date.UTC reads years 0–99 as 1900–1999).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function digitAt(text: string, at: number): number {
  return text.charCodeAt(at) - 48;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isoDateFromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(isoDate: string, days: number): string {
  return isoDateFromDayNumber(dayNumber(isoDate) + days);
}

/** Days past due on `asOf` for an account whose first missed due date is `dueDate` (0 on the due date itself). */
export function daysPastDue(dueDate: string, asOf: string): number {
  return Math.max(0, dayNumber(asOf) - dayNumber(dueDate));
}

export function bucketOf(days: number): Bucket {
  if (days <= 0) return 'current';
  if (days > 150) return 'M6+';
  return `M${Math.ceil(days / 30)}` as Bucket;
}
