/** Days past due and the delinquency buckets (M1 = 1–30 days … M6+ = over 150) collections is organised by. */

export type Bucket = 'current' | 'M1' | 'M2' | 'M3' | 'M4' | 'M5' | 'M6+';

const DAY_MS = 86_400_000;

/** A calendar date (YYYY-MM-DD) as a UTC day number, so date arithmetic never meets a DST hour. */
export function dayNumber(isoDate: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${isoDate}`);
  const [, y, m, d] = match;
  const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
  const back = new Date(ms);
  if (back.getUTCDate() !== Number(d) || back.getUTCMonth() !== Number(m) - 1) {
    throw new RangeError(`not a calendar date: ${isoDate}`);
  }
  return ms / DAY_MS;
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
