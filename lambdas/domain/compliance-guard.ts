/** The compliance guard: the single choke point every outbound contact asks before anything is sent. */

import { addDays } from './delinquency';
import type { ContactChannel, PolicyPack } from './policy-packs';
import { instantAt, localDate, wallTimeIn } from './zoned-time';

export interface ContactRequest {
  readonly channel: ContactChannel;
  /** When the contact would happen. */
  readonly at: Date;
  /** The debtor's IANA time zone. */
  readonly timeZone: string;
  /** Account flags from the feed (deceased, dispute, do_not_sms …). */
  readonly flags: readonly string[];
}

export type ContactDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** The rule that refused, e.g. `CN-1`. */
      readonly rule: string;
      readonly reason: string;
      /** The next moment the same contact would be lawful, or undefined when waiting cannot cure it. */
      readonly nextLawfulAt: Date | undefined;
    };

/** Decides whether a contact may happen at `request.at` under `pack`, and if not, when it may. */
export function checkContact(pack: PolicyPack, request: ContactRequest): ContactDecision {
  for (const flag of request.flags) {
    const rule = pack.ceaseFlags[flag];
    if (rule) {
      return { allowed: false, rule, reason: `collection ceased: ${flag}`, nextLawfulAt: undefined };
    }
  }
  const optOut = pack.channelOptOutFlags[request.channel];
  if (optOut && request.flags.includes(optOut)) {
    return {
      allowed: false,
      rule: 'OPT-OUT',
      reason: `debtor opted out: ${optOut}`,
      nextLawfulAt: undefined,
    };
  }
  if (pack.quietHoursChannels.includes(request.channel)) {
    const { startHour, endHour, rule } = pack.contactWindow;
    const hour = wallTimeIn(request.at, request.timeZone).hour;
    if (hour < startHour || hour >= endHour) {
      return {
        allowed: false,
        rule,
        reason: `outside lawful contact hours ${startHour}:00–${endHour}:00 debtor local time`,
        nextLawfulAt: nextWindowOpening(request.at, request.timeZone, startHour, hour >= endHour),
      };
    }
  }
  return { allowed: true };
}

/**
 * The earliest lawful moment at or after `from` for a contact: `from` itself when lawful,
 * otherwise when the window next opens; undefined when a standing bar (cease flag, opt-out) holds.
 */
export function nextLawfulMoment(pack: PolicyPack, request: ContactRequest): Date | undefined {
  const decision = checkContact(pack, request);
  return decision.allowed ? request.at : decision.nextLawfulAt;
}

function nextWindowOpening(at: Date, timeZone: string, startHour: number, tomorrow: boolean): Date {
  const today = localDate(at, timeZone);
  const day = tomorrow ? addDays(today, 1) : today;
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return instantAt({ year, month, day: date, hour: startHour, minute: 0 }, timeZone);
}
