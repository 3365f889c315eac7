/**
 * How the compliance guard turns its rules' refusals into one decision, and the debtor-local calendar days
 * the per-day rules count in. A refusal's `nextLawfulAt` is found by asking again: each refusing rule knows
 * the earliest instant it could stop refusing, the latest of those is asked about, and so on until every rule
 * allows it — so `nextLawfulAt` is itself lawful by construction, and the earliest such instant.
 */

import { dayNumber, isoDateFromDayNumber } from './delinquency';
import type { CeaseState, PolicyPack } from './policy-packs';
import { instantAt, localDate } from './zoned-time';

/** Dated facts of the case the rules need. States (dispute, cease-communication, time-barred, holds) are flags. */
export interface CaseFacts {
  /** When the validation notice went out (US-3); undefined while it has not. */
  readonly validationNoticeSentAt?: Date;
  /** The notice that negative information will be reported (CN-11, US-7). */
  readonly creditReportNotice?: {
    readonly sentAt: Date;
    readonly deliveredAt?: Date;
    readonly returnedUndeliverable?: boolean;
  };
  /** Proofs of delivery of the case's effective collection notices, 有效催收 (CN-9's evidence pack). */
  readonly effectiveNoticesDeliveredAt?: readonly Date[];
  /** The first missed due date (YYYY-MM-DD), from which the debt counts as unpaid (CN-9). */
  readonly firstMissedDueDate?: string;
}

export type GuardDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** The rule that refused, e.g. `CN-1`. */
      readonly rule: string;
      readonly reason: string;
      /** The earliest instant the same request would be allowed, or undefined when waiting cannot cure it. */
      readonly nextLawfulAt: Date | undefined;
    };

/** A rule's objection; a rule says undefined when it has none. */
export interface Refusal {
  readonly rule: string;
  readonly reason: string;
  /** Undefined for a standing bar: only a change of state lifts it. */
  readonly lawfulFrom: Date | undefined;
}

/** One rule of a pack, applied to a request at its instant. */
export type Rule<Request> = (pack: PolicyPack, request: Request, days: DebtorDays) => Refusal | undefined;

export const DAY_MS = 86_400_000;
/** Enough re-asks for a week of day-by-day caps inside the ledger's window, with a wide margin. */
const MAX_REASKS = 400;

export function refusalsOf<Request>(
  rules: readonly Rule<Request>[],
  pack: PolicyPack,
  request: Request,
  days: DebtorDays,
): Refusal[] {
  const found: Refusal[] = [];
  for (const rule of rules) {
    const refusal = rule(pack, request, days);
    if (refusal) found.push(refusal);
  }
  return found;
}

export function decide(at: Date, refusalsAt: (at: Date) => readonly Refusal[]): GuardDecision {
  let refusals = refusalsAt(at);
  const first = refusals[0];
  if (!first) return { allowed: true };
  const refused = { allowed: false, rule: first.rule, reason: first.reason } as const;
  let asked = at.getTime();
  for (let reask = 0; reask < MAX_REASKS; reask++) {
    let latest = asked;
    for (const refusal of refusals) {
      if (!refusal.lawfulFrom) return { ...refused, nextLawfulAt: undefined };
      latest = Math.max(latest, refusal.lawfulFrom.getTime());
    }
    // A rule that cannot name a later instant would loop: treat it as a standing bar rather than spin.
    if (latest <= asked) return { ...refused, nextLawfulAt: undefined };
    asked = latest;
    refusals = refusalsAt(new Date(asked));
    if (refusals.length === 0) return { ...refused, nextLawfulAt: new Date(asked) };
  }
  return { ...refused, nextLawfulAt: undefined };
}

export function standing(rule: string, reason: string): Refusal {
  return { rule, reason, lawfulFrom: undefined };
}

export function ceaseStateOf(pack: PolicyPack, flag: string): CeaseState | undefined {
  if (Object.hasOwn(pack.ceaseFlags, flag)) return pack.ceaseFlags[flag];
  return flag.startsWith(pack.staffHold.flagPrefix) ? pack.staffHold : undefined;
}

/** Calendar days in the debtor's zone (the pack's reference zone when the location is unknown). */

export interface DebtorDays {
  dayOf(instant: Date): number;
  startOf(day: number): Date;
}

export function debtorDays(zone: string): DebtorDays {
  const known = new Map<number, number>();
  return {
    dayOf(instant) {
      const ms = instant.getTime();
      let day = known.get(ms);
      if (day === undefined) {
        day = dayNumber(localDate(instant, zone));
        known.set(ms, day);
      }
      return day;
    },
    startOf: (day) => startOfDay(day, zone, 0),
  };
}

export function startOfDay(day: number, zone: string, hour: number): Date {
  const [year, month, date] = isoDateFromDayNumber(day).split('-').map(Number) as [number, number, number];
  return instantAt({ year, month, day: date, hour, minute: 0 }, zone);
}

/** `isoDate` plus whole calendar months, the day clamped to the month's length (31 Jan + 1 month = 28/29 Feb). */
