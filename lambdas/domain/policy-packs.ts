/** The collection rule packs (RULES.md) as data: what the compliance guard reads, never scattered over handlers. */

export type PackId = 'cn' | 'us';
export type ContactChannel = 'sms' | 'email' | 'call' | 'letter' | 'visit';

export interface ContactWindow {
  /** First local hour at which contact is lawful (inclusive). */
  readonly startHour: number;
  /** Local hour from which contact is unlawful again (exclusive). */
  readonly endHour: number;
  readonly rule: string;
}

export interface PolicyPack {
  readonly id: PackId;
  readonly contactWindow: ContactWindow;
  /** Channels the quiet-hours rule covers; a letter is posted, not delivered at night, so it is exempt. */
  readonly quietHoursChannels: readonly ContactChannel[];
  /** Account flags that stop automated collection while they hold (停催), with the rule that says so. */
  readonly ceaseFlags: Readonly<Record<string, string>>;
  /** Per-channel opt-out flags. */
  readonly channelOptOutFlags: Readonly<Partial<Record<ContactChannel, string>>>;
  readonly recordRetentionYears: number;
}

const sharedCeaseFlags = {
  deceased: 'SHARED-CEASE',
  dispute: 'SHARED-CEASE',
  bankruptcy: 'SHARED-CEASE',
  litigation: 'SHARED-CEASE',
  hardship: 'SHARED-CEASE',
} as const;

export const POLICY_PACKS: Readonly<Record<PackId, PolicyPack>> = {
  cn: {
    id: 'cn',
    contactWindow: { startHour: 8, endHour: 22, rule: 'CN-1' },
    quietHoursChannels: ['sms', 'email', 'call', 'visit'],
    ceaseFlags: sharedCeaseFlags,
    channelOptOutFlags: { sms: 'do_not_sms', email: 'do_not_email', call: 'do_not_call' },
    recordRetentionYears: 3,
  },
  us: {
    id: 'us',
    contactWindow: { startHour: 8, endHour: 21, rule: 'US-1' },
    quietHoursChannels: ['sms', 'email', 'call', 'visit'],
    ceaseFlags: sharedCeaseFlags,
    channelOptOutFlags: { sms: 'do_not_sms', email: 'do_not_email', call: 'do_not_call' },
    recordRetentionYears: 3,
  },
};

export function policyPack(id: PackId): PolicyPack {
  return POLICY_PACKS[id];
}
