/** Wall-clock time in a debtor's IANA time zone, computed with Intl so that no zone table is hand-written. */

import { BoundedCache } from './bounded-cache';

export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/**
 * Zone names are cell text: every spelling a feed sends (`asia/shanghai`, `PRC`, `Asia/Chongqing`) would
 * otherwise be a new cache entry for the life of the container. Both caches are bounded; the formatters
 * are keyed by canonical name, of which there are a few hundred.
 */
const CACHE_SIZE = 1_000;
const canonicalZones = new BoundedCache<string, string | null>(CACHE_SIZE);
const formatters = new BoundedCache<string, Intl.DateTimeFormat>(CACHE_SIZE);

/**
 * The canonical IANA name of a zone as Intl resolves it (`asia/shanghai` and `Asia/Chongqing` are both
 * `Asia/Shanghai`), or undefined when it is no IANA zone. Offsets such as `+08:00` are refused: they are
 * not zones and know no daylight-saving time, so a contact window kept by one would drift by an hour.
 */
export function canonicalTimeZone(text: string): string | undefined {
  let canonical = canonicalZones.get(text);
  if (canonical === undefined) {
    canonical = resolvedZone(text);
    canonicalZones.set(text, canonical);
  }
  return canonical ?? undefined;
}

function resolvedZone(text: string): string | null {
  if (!/^[A-Za-z]/.test(text)) return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const canonical = canonicalTimeZone(timeZone);
  if (canonical === undefined) throw new RangeError('not an IANA time zone');
  let formatter = formatters.get(canonical);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: canonical,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(canonical, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  return canonicalTimeZone(timeZone) !== undefined;
}

/** How many zone spellings and formatters are cached: for the test that they stay bounded. */
export function zoneCacheSizes(): { readonly spellings: number; readonly formatters: number } {
  return { spellings: canonicalZones.size, formatters: formatters.size };
}

export function wallTimeIn(instant: Date, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The instant at which the clocks in `timeZone` show `wall`; on a DST gap, that wall time moved forward by the gap. */
export function instantAt(wall: Omit<WallTime, 'second'> & { second?: number }, timeZone: string): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0);
  // Two passes converge on the zone offset, including on the day the offset changes.
  let guess = asUtc;
  for (let pass = 0; pass < 2; pass++) {
    const shown = wallTimeIn(new Date(guess), timeZone);
    const shownUtc = Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute, shown.second);
    guess += asUtc - shownUtc;
  }
  // In a gap west of UTC the passes settle on the offset before it, showing a wall time before the one
  // asked for (01:30 for 02:30): move forward by the gap, as east of UTC the passes already do.
  const shown = wallTimeIn(new Date(guess), timeZone);
  const shownUtc = Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute, shown.second);
  return new Date(shownUtc < asUtc ? guess + (asUtc - shownUtc) : guess);
}

/** The local calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  const w = wallTimeIn(instant, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}
