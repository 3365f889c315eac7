/** The collection rule packs (RULES.md) as data: what the compliance guard reads, never scattered over handlers. */

import type { ContactPurpose } from './contact-record';

export type PackId = 'cn' | 'us';
export type ContactChannel = 'sms' | 'email' | 'call' | 'letter' | 'visit';

export interface ContactWindow {
  /** First local hour at which contact is lawful (inclusive). */
  readonly startHour: number;
  /** Local hour from which contact is unlawful again (exclusive). */
  readonly endHour: number;
  readonly rule: string;
  /**
   * Where the debtor may be when the location is unknown: the window must hold in every one of these zones
   * (US-1, "convenient in every possible zone").
   */
  readonly unknownLocationZones: readonly string[];
}

/** A state that stops collection while it holds (停催), and the contacts it still lets through. */
export interface CeaseState {
  readonly rule: string;
  /** Purposes still lawful while the state holds (US-4: the verification; US-5: the confirmation). */
  readonly stillAllowed: readonly ContactPurpose[];
}

/** A cap on counted contacts per debtor-local day. */
export interface DailyCap {
  readonly rule: string;
  readonly max: number;
}

export interface PolicyPack {
  readonly id: PackId;
  /** The zone whose calendar days the per-day caps count in when the debtor's location is unknown. */
  readonly referenceZone: string;
  readonly contactWindow: ContactWindow;
  /** Channels the quiet-hours rule covers; a letter is posted, not delivered at night, so it is exempt. */
  readonly quietHoursChannels: readonly ContactChannel[];
  /** Flags that stop collection while they hold (feed flags and case states), with the rule that says so. */
  readonly ceaseFlags: Readonly<Record<string, CeaseState>>;
  /** Staff holds arrive as flags `<prefix><reason>`; each pauses collection like a cease flag. */
  readonly staffHold: { readonly flagPrefix: string } & CeaseState;
  /** Per-channel opt-out flags. */
  readonly channelOptOutFlags: Readonly<Partial<Record<ContactChannel, string>>>;
  /** Contact with someone other than the debtor: never automated; by a person only for these purposes. */
  readonly thirdParty: { readonly rule: string; readonly personPurposes: readonly ContactPurpose[] };
  /** Call attempts per number (blind index) per day, whoever was called on it (CN-2). */
  readonly callAttemptsPerNumberPerDay?: DailyCap;
  /** Connected conversations per debtor per day (CN-3). */
  readonly conversationsPerDebtorPerDay?: DailyCap;
  /** US-2: calls about one debt within any `windowDays` consecutive days, and the quiet days after a conversation. */
  readonly callFrequency?: {
    readonly rule: string;
    readonly maxCalls: number;
    readonly windowDays: number;
    /** Days barred after a conversation, its own day counting as day 1. */
    readonly daysAfterConversation: number;
  };
  /** Automated reminders per person per day across their accounts. */
  readonly automatedReminders: DailyCap & {
    readonly channels: readonly ContactChannel[];
    readonly purposes: readonly ContactPurpose[];
  };
  /** US-3: no collection communication before the validation notice (except these purposes). */
  readonly validationNotice?: { readonly rule: string; readonly exemptPurposes: readonly ContactPurpose[] };
  /** Never sue or threaten suit on a time-barred debt (US-9). */
  readonly timeBarred?: { readonly rule: string; readonly flag: string };
  /** Letters of one case at least `minDays` apart (CN-9's effective notices). */
  readonly letterSpacing?: {
    readonly rule: string;
    readonly purpose: ContactPurpose;
    readonly minDays: number;
  };
  /**
   * Credit reporting only after the debtor was told: the notice counts from its delivery, or `waitDays` after
   * it was sent if it was not returned undeliverable; with `conversationSuffices`, a telephone conversation
   * with the debtor counts too (US-7 "speaking to the consumer").
   */
  readonly creditReporting: {
    readonly rule: string;
    readonly waitDays: number;
    readonly conversationSuffices: boolean;
  };
  /** CN-9's evidence pack for a legal referral. */
  readonly legalReferralEvidence?: {
    readonly rule: string;
    readonly minDeliveredNotices: number;
    readonly minDaysBetweenNotices: number;
    /** Unpaid for more than this many calendar months since the first missed due date. */
    readonly minMonthsUnpaid: number;
  };
  readonly recordRetentionYears: number;
}

/**
 * US-1 with the location unknown: every zone of the 50 states (Aleutian Islands and Hawaii included).
 * Territories are left out on purpose: Guam and the Northern Marianas (UTC+10) are 20 hours from Hawaii, and
 * no 13-hour window fits both, so with them no moment would ever be lawful; a bank collecting there must know
 * the location. The lawful intersection is 08:00–15:00 in Honolulu (13:00–20:00 in New York, winter).
 */
const US_STATE_ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'America/Adak',
  'Pacific/Honolulu',
] as const;

const ceased: CeaseState = { rule: 'SHARED-CEASE', stillAllowed: [] };

const sharedCeaseFlags = {
  deceased: ceased,
  // An objection is verified and answered (CN-6, US-4): that answer is the one contact a dispute allows.
  dispute: { rule: 'SHARED-CEASE', stillAllowed: ['verification'] },
  bankruptcy: ceased,
  litigation: ceased,
  hardship: ceased,
} as const satisfies Record<string, CeaseState>;

const sharedOptOuts = { sms: 'do_not_sms', email: 'do_not_email', call: 'do_not_call' } as const;

const automatedReminders = {
  rule: 'AUTO-DAILY',
  max: 1,
  channels: ['sms', 'email'],
  purposes: ['reminder'],
} as const satisfies PolicyPack['automatedReminders'];

export const POLICY_PACKS: Readonly<Record<PackId, PolicyPack>> = {
  cn: {
    id: 'cn',
    referenceZone: 'Asia/Shanghai',
    contactWindow: { startHour: 8, endHour: 22, rule: 'CN-1', unknownLocationZones: ['Asia/Shanghai'] },
    quietHoursChannels: ['sms', 'email', 'call', 'visit'],
    ceaseFlags: sharedCeaseFlags,
    staffHold: { flagPrefix: 'hold:', rule: 'SHARED-CEASE', stillAllowed: [] },
    channelOptOutFlags: sharedOptOuts,
    // Third parties only to get contact details or ask for a call back, by a person, by telephone.
    thirdParty: { rule: 'CN-4', personPurposes: ['call'] },
    callAttemptsPerNumberPerDay: { rule: 'CN-2', max: 6 },
    conversationsPerDebtorPerDay: { rule: 'CN-3', max: 3 },
    automatedReminders,
    letterSpacing: { rule: 'CN-9', purpose: 'collection-letter', minDays: 30 },
    creditReporting: { rule: 'CN-11', waitDays: 0, conversationSuffices: false },
    legalReferralEvidence: {
      rule: 'CN-9',
      minDeliveredNotices: 2,
      minDaysBetweenNotices: 30,
      minMonthsUnpaid: 3,
    },
    recordRetentionYears: 3,
  },
  us: {
    id: 'us',
    // Instants lawful in every state zone fall on one calendar day in each of them, so any of them would do.
    referenceZone: 'America/New_York',
    contactWindow: { startHour: 8, endHour: 21, rule: 'US-1', unknownLocationZones: US_STATE_ZONES },
    quietHoursChannels: ['sms', 'email', 'call', 'visit'],
    ceaseFlags: {
      ...sharedCeaseFlags,
      dispute: { rule: 'US-4', stillAllowed: ['verification'] },
      'cease-communication': { rule: 'US-5', stillAllowed: ['cease-confirmation'] },
    },
    staffHold: { flagPrefix: 'hold:', rule: 'SHARED-CEASE', stillAllowed: [] },
    channelOptOutFlags: sharedOptOuts,
    // §1006.10 location communications: not in RULES.md's table; the pack keeps CN-4's shape (a tightening).
    thirdParty: { rule: 'US-THIRD-PARTY', personPurposes: ['call'] },
    callFrequency: { rule: 'US-2', maxCalls: 7, windowDays: 7, daysAfterConversation: 7 },
    automatedReminders,
    validationNotice: {
      rule: 'US-3',
      exemptPurposes: ['validation-notice', 'verification', 'cease-confirmation'],
    },
    timeBarred: { rule: 'US-9', flag: 'time-barred' },
    creditReporting: { rule: 'US-7', waitDays: 14, conversationSuffices: true },
    recordRetentionYears: 3,
  },
};

export function policyPack(id: PackId): PolicyPack {
  return POLICY_PACKS[id];
}
