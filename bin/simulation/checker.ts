/**
 * The independent checker: reads what was sent (the recording senders, with the virtual instant of each send)
 * and what the simulation fed in, and checks the contact rules with its own simple code. It never calls the
 * compliance guard or the engine's helpers: a bug shared by the guard and its own tests shows up here.
 */

import type { SentEmail, SentLetter, SentSms } from './senders';

export interface CaseFacts {
  readonly personId: string;
  readonly pack: 'cn' | 'us';
  readonly timeZone: string;
  /**
   * Intervals (epoch ms) during which the feed carried a cease flag: from the instant of the feed that raised it
   * (inclusive: the harness loads a feed before the steps due at its instant) to that of the feed that lifted it
   * (exclusive).
   */
  readonly ceased: Array<{ from: number; to: number; flag: string }>;
  /** When the feed closed the case (epoch ms); nothing may be sent from then on. */
  closedAt?: number;
}

export interface Violation {
  readonly rule: string;
  readonly caseId: string;
  readonly at: string;
  readonly detail: string;
}

export interface CheckInput {
  readonly sms: readonly SentSms[];
  readonly emails: readonly SentEmail[];
  readonly letters: readonly SentLetter[];
  readonly cases: ReadonlyMap<string, CaseFacts>;
}

export interface CheckResult {
  readonly checked: number;
  readonly violations: Violation[];
  readonly byRule: Record<string, number>;
}

/** The checker's own reading of the default ladders: which steps are automated reminders or validation notices. */
const REMINDER_STEPS: Record<'cn' | 'us', ReadonlySet<string>> = {
  cn: new Set(['sms-courtesy', 'email-statement', 'sms-second', 'sms-firm']),
  us: new Set(['sms-reminder', 'email-reminder', 'sms-second']),
};
const VALIDATION_STEPS: ReadonlySet<string> = new Set(['validation-letter', 'validation-email']);
/** Contact hours [start, end) in the debtor's local time: CN-1 08–22, US-1 08–21. */
const HOURS = { cn: { start: 8, end: 22, rule: 'CN-1' }, us: { start: 8, end: 21, rule: 'US-1' } } as const;
const DAY_MS = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();
/** Local calendar date and hour of an instant in a zone, by Intl (not the engine's zoned-time helpers). */
export function localParts(at: Date, timeZone: string): { date: string; hour: number } {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

interface Sent {
  readonly channel: 'sms' | 'email' | 'letter';
  readonly caseId: string;
  readonly stepId: string;
  readonly at: string;
  readonly text?: string;
}

function parseContactId(contactId: string): { caseId: string; stepId: string } {
  const parts = contactId.split('#');
  return { caseId: parts[0] ?? '', stepId: parts[parts.length - 1] ?? '' };
}

export function checkContacts(input: CheckInput): CheckResult {
  const violations: Violation[] = [];
  const flag = (rule: string, sent: Sent, detail: string) =>
    violations.push({
      rule,
      caseId: sent.caseId,
      at: sent.at,
      detail: `${sent.channel} ${sent.stepId}: ${detail}`,
    });
  const all: Sent[] = [
    ...input.sms.map((m) => ({
      channel: 'sms' as const,
      ...parseContactId(m.contactId),
      at: m.at,
      text: m.body,
    })),
    ...input.emails.map((m) => ({
      channel: 'email' as const,
      ...parseContactId(m.contactId),
      at: m.at,
      text: `${m.subject}\n${m.text}`,
    })),
    ...input.letters.map((l) => ({ channel: 'letter' as const, ...parseContactId(l.contactId), at: l.at })),
  ].sort((a, b) => a.at.localeCompare(b.at));

  const remindersPerPersonDay = new Map<string, number>();
  const firstValidation = new Map<string, string>();
  const lettersByCase = new Map<string, string[]>();
  for (const sent of all) {
    const facts = input.cases.get(sent.caseId);
    if (!facts) {
      flag('UNKNOWN-CASE', sent, 'sent to a case the simulation never fed');
      continue;
    }
    const at = new Date(sent.at);
    const t = at.getTime();
    const local = localParts(at, facts.timeZone);
    const reminder = sent.channel !== 'letter' && REMINDER_STEPS[facts.pack].has(sent.stepId);

    // CN-1 / US-1: texts and emails only inside the hours, in the debtor's zone (letters are posted).
    if (sent.channel !== 'letter') {
      const hours = HOURS[facts.pack];
      if (local.hour < hours.start || local.hour >= hours.end)
        flag(hours.rule, sent, `sent at ${local.hour}h local (${facts.timeZone})`);
    }
    // One automated reminder per person per local day.
    if (reminder) {
      const key = `${facts.personId}|${local.date}`;
      const count = (remindersPerPersonDay.get(key) ?? 0) + 1;
      remindersPerPersonDay.set(key, count);
      if (count > 1) flag('AUTO-DAILY', sent, `reminder no. ${count} to ${facts.personId} on ${local.date}`);
    }
    // Nothing while the day's feed carried a cease flag: from the feed that raised it to the feed that lifted it.
    // At either instant the feed comes first (the harness loads it, then lets escalations act), so a send at the
    // raising instant would have read the flag, and one at the lifting instant comes after the lift.
    const ceased = facts.ceased.find((c) => t >= c.from && t < c.to);
    if (ceased) flag('CEASE', sent, `sent while the feed flagged ${ceased.flag}`);
    // Nothing once the case closed: from the instant of the feed that closed it (the feed comes first there too).
    if (facts.closedAt !== undefined && t >= facts.closedAt)
      flag('CLOSED', sent, 'sent after the case closed');
    if (facts.pack === 'us') {
      if (VALIDATION_STEPS.has(sent.stepId) && !firstValidation.has(sent.caseId))
        firstValidation.set(sent.caseId, sent.at);
      // US-3: no reminder before the validation notice of the same debt.
      if (reminder && !firstValidation.has(sent.caseId))
        flag('US-3', sent, 'reminder before the validation notice');
      // US-6 and §1006.18(e): every text and email says debt collector and offers an opt-out.
      if (sent.text !== undefined) {
        if (!/debt collector/i.test(sent.text)) flag('US-DISCLOSURE', sent, 'no debt-collector line');
        const optOut = sent.channel === 'sms' ? /reply stop/i : /unsubscribe|opt out/i;
        if (!optOut.test(sent.text)) flag('US-6', sent, 'no opt-out');
      }
    }
    if (sent.channel === 'letter') {
      const list = lettersByCase.get(sent.caseId) ?? [];
      list.push(sent.at);
      lettersByCase.set(sent.caseId, list);
    }
  }
  // CN-9: letters of one case at least 30 days apart.
  for (const [caseId, times] of lettersByCase) {
    if (input.cases.get(caseId)?.pack !== 'cn') continue;
    for (let i = 1; i < times.length; i++) {
      const gap =
        (new Date(times[i] as string).getTime() - new Date(times[i - 1] as string).getTime()) / DAY_MS;
      if (gap < 30)
        violations.push({
          rule: 'CN-9',
          caseId,
          at: times[i] as string,
          detail: `letter ${gap.toFixed(1)} days after the previous one`,
        });
    }
  }
  const byRule: Record<string, number> = {};
  for (const v of violations) byRule[v.rule] = (byRule[v.rule] ?? 0) + 1;
  return { checked: all.length, violations, byRule };
}
