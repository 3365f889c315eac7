// Per-stage settings of the Overdue infrastructure: one typed record, read by both stacks, checked before use.
import type { App } from 'aws-cdk-lib';
import { Aws } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { BankContact } from '../lambdas/domain/bank';
import { DEFAULT_LADDERS } from '../lambdas/domain/default-ladders';
import type { Ladder } from '../lambdas/domain/escalation-ladder';
import { validateLadderVersions } from '../lambdas/domain/ladder-validation';

/**
 * The shape the functions parse from `BANKS_CONFIG` (lambdas/adapters/bank-directory-from-config.ts).
 * Declared here rather than imported: infrastructure imports no runtime module except the pure domain, and
 * that only for the ladder rules, so that synth and cold start refuse a ladder by the very same code.
 */
export interface BankDefaults {
  readonly currency: string;
  readonly timeZone: string;
  readonly language: 'zh-CN' | 'en';
}
export type PackId = 'cn' | 'us';

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/** One bank served by the deployment. */
export interface BankConfig {
  readonly bankId: string;
  readonly displayName: string;
  readonly policyPack: PackId;
  readonly defaults: BankDefaults;
  /** Printed on every letter (CN-6) and named in every message: required to deploy. */
  readonly contact?: BankContact;
  /**
   * Every escalation ladder version the bank has used (a running escalation keeps its own); the highest is
   * current. Absent: the pack's default ladder, version 1. Never edit a version in use: add the next one.
   */
  readonly ladders?: readonly Ladder[];
  /**
   * Who may assume the bank's writer role, the only principal allowed to put objects under
   * `incoming/<bankId>/` and `payments/<bankId>/`: the bank's account (`arn:aws:iam::<account>:root`) or
   * roles in it. Absent: this deployment's own account (an operator uploads on the bank's behalf).
   * Not passed to the functions: they take the bank from the key, which this role makes trustworthy.
   */
  readonly writerPrincipals?: readonly string[];
}

/** The functions of the stateless stack, each sized by its stage. */
export const FUNCTION_NAMES = [
  'ingestFeed',
  'feedLoadSegment',
  'feedLoadFinish',
  'startEscalations',
  'planNextStep',
  'actMessage',
  'actLetter',
  'actBank',
  'actOnWorkItem',
  'openTask',
  'recordFault',
  'getCase',
  'findCases',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];
/** Functions behind API Gateway, whose integration gives up after 29 seconds. */
export const API_FUNCTIONS: readonly FunctionName[] = ['getCase', 'findCases'];

export interface FunctionSizing {
  readonly timeoutSeconds: number;
  /** 1769 MB is one full vCPU; intake's row loop is single-threaded, so more buys nothing. */
  readonly memoryMb: number;
}

/**
 * The longest record retention of any policy pack: 3 years (RULES.md CN-5 keeps 3 to cover PIPL processing
 * records and the limitation period; US-8 keeps 3 years). 1096 days holds three years with a leap day.
 */
export const RECORD_RETENTION_DAYS = 3 * 365 + 1;

/** The prefixes of the drop bucket, each with its own retention. */
/** How long a message given up on waits in a dead-letter queue to be redriven: SQS's maximum. */
export const DEAD_LETTER_RETENTION_DAYS = 14;

export const DROP_PREFIXES = ['incoming', 'payments', 'reports', 'rejects', 'feed-loads'] as const;
export type DropPrefix = (typeof DROP_PREFIXES)[number];

export interface StageConfig {
  readonly stage: Stage;
  /** Whether tables, keys, buckets, the user pool and logs survive `cdk destroy` (they hold personal data in prod). */
  readonly retainData: boolean;
  readonly logRetention: RetentionDays;
  /** Always true: the brief allows no stage without point-in-time recovery. */
  readonly pointInTimeRecovery: true;
  readonly email: {
    /** Domain verified as an SES identity; reminders are sent from an address on it. */
    readonly identityDomain: string;
    readonly fromAddress: string;
    readonly configurationSetName: string;
  };
  /** Alphanumeric SMS sender id where the destination country allows one. */
  readonly smsSenderId: string;
  /** Subscribed to the alarm topic when set. */
  readonly alarmEmail?: string;
  readonly api: {
    readonly throttlingRateLimit: number;
    readonly throttlingBurstLimit: number;
  };
  /** Staff sign-in through the Cognito app client (SRP): how long each token lives. */
  readonly staffSignIn: {
    readonly accessTokenMinutes: number;
    readonly idTokenMinutes: number;
    readonly refreshTokenHours: number;
  };
  readonly functions: Readonly<Record<FunctionName, FunctionSizing>>;
  readonly banks: readonly BankConfig[];
  /** Alarm when a single feed file rejects more than this share of its rows (percent). */
  readonly feedRejectAlarmPercent: number;
  /**
   * Alarm when the oldest feed event has waited this long (minutes). A message being worked on counts
   * too, so this must exceed intake's timeout: beyond it a file is waiting, not loading.
   */
  readonly feedEventAgeAlarmMinutes: number;
  /**
   * Feeds larger than this (not gzipped) are cut into segments and loaded by a Distributed Map run, several
   * Lambdas at once, instead of one invocation. One invocation is bound by the SDK's CPU per write (npm run
   * bench:cloud: ~800 rows/s a vCPU), so 32 MiB (~220,000 rows) is about five minutes of one invocation;
   * anything larger goes wide. A gzipped file streams in one invocation and continues in the next if need be.
   */
  readonly largeFeedBytes: number;
  readonly feedLoad: {
    /** Segments loaded at once by one Distributed Map run. */
    readonly maxConcurrency: number;
  };
  /**
   * Feed files loaded at once by intake (the feed-events queue's consumers). Files share the cases table's
   * write rate with each other and with the map runs: a day of many files queues them rather than
   * throttling every one.
   */
  readonly intakeMaxConcurrency: number;
  /**
   * Escalation starts are queued and started at a steady rate: Step Functions refills StartExecution
   * tokens at 300/s in the large regions (less elsewhere), shared by everything in the account.
   */
  readonly escalationStarts: {
    /** Starts per second across all consumers; each of the `maxConcurrency` consumers takes its share. */
    readonly ratePerSecond: number;
    readonly batchSize: number;
    readonly maxConcurrency: number;
    /**
     * Alarm when the oldest request has waited longer: escalations, and large feeds handed to their map run,
     * are starting late (a day's burst at the configured rate takes minutes, not this long).
     */
    readonly waitAlarmMinutes: number;
  };
  /**
   * How long letters (`letters/<bank>/…`, the evidence of a formal contact) stay in the drop bucket, counted
   * from the day each was written; their noncurrent versions (a deleted or replaced letter) stay as long.
   */
  readonly storedLetters: { readonly expireAfterDays: number };
  /** How long objects stay in the drop bucket (days), per prefix, then as noncurrent versions. */
  readonly storedFeeds: {
    readonly expireAfterDays: Readonly<Record<DropPrefix, number>>;
    readonly noncurrentVersionDays: number;
    readonly abortIncompleteUploadDays: number;
  };
}

const demoBank: BankConfig = {
  bankId: 'demo-bank',
  displayName: 'Demo Bank',
  policyPack: 'cn',
  defaults: { currency: 'CNY', timeZone: 'Asia/Shanghai', language: 'zh-CN' },
  contact: { phone: '400-000-0000', address: '上海市浦东新区示例路1号 Demo Bank 信用卡中心' },
};

export const stageConfigs: Record<Stage, StageConfig> = {
  dev: {
    stage: 'dev',
    retainData: false,
    logRetention: RetentionDays.TWO_WEEKS,
    pointInTimeRecovery: true,
    email: {
      identityDomain: 'collections.dev.overdue.example',
      fromAddress: 'reminders@collections.dev.overdue.example',
      configurationSetName: 'overdue-dev-reminders',
    },
    smsSenderId: 'OVERDUE',
    api: { throttlingRateLimit: 20, throttlingBurstLimit: 40 },
    staffSignIn: { accessTokenMinutes: 60, idTokenMinutes: 60, refreshTokenHours: 24 },
    functions: {
      ingestFeed: { timeoutSeconds: 900, memoryMb: 1769 },
      feedLoadSegment: { timeoutSeconds: 900, memoryMb: 1769 },
      feedLoadFinish: { timeoutSeconds: 300, memoryMb: 512 },
      startEscalations: { timeoutSeconds: 60, memoryMb: 256 },
      planNextStep: { timeoutSeconds: 30, memoryMb: 256 },
      actMessage: { timeoutSeconds: 30, memoryMb: 256 },
      actLetter: { timeoutSeconds: 30, memoryMb: 256 },
      actBank: { timeoutSeconds: 30, memoryMb: 256 },
      actOnWorkItem: { timeoutSeconds: 30, memoryMb: 256 },
      openTask: { timeoutSeconds: 30, memoryMb: 256 },
      recordFault: { timeoutSeconds: 30, memoryMb: 256 },
      getCase: { timeoutSeconds: 10, memoryMb: 512 },
      findCases: { timeoutSeconds: 10, memoryMb: 512 },
    },
    banks: [demoBank],
    feedRejectAlarmPercent: 5,
    feedEventAgeAlarmMinutes: 30,
    largeFeedBytes: 32 * 1024 * 1024,
    feedLoad: { maxConcurrency: 4 },
    intakeMaxConcurrency: 2,
    // A development account is shared with other work: leave it most of the StartExecution refill.
    escalationStarts: { ratePerSecond: 100, batchSize: 50, maxConcurrency: 2, waitAlarmMinutes: 30 },
    storedLetters: { expireAfterDays: RECORD_RETENTION_DAYS },
    storedFeeds: {
      expireAfterDays: { incoming: 30, payments: 30, reports: 30, rejects: 30, 'feed-loads': 14 },
      noncurrentVersionDays: 7,
      abortIncompleteUploadDays: 1,
    },
  },
  prod: {
    stage: 'prod',
    retainData: true,
    // Collection records must be kept for years (RULES.md); logs carry ids only, a year is enough to audit.
    logRetention: RetentionDays.ONE_YEAR,
    pointInTimeRecovery: true,
    email: {
      identityDomain: 'collections.overdue.example',
      fromAddress: 'reminders@collections.overdue.example',
      configurationSetName: 'overdue-prod-reminders',
    },
    smsSenderId: 'OVERDUE',
    api: { throttlingRateLimit: 100, throttlingBurstLimit: 200 },
    // Short-lived access on shared office machines; a refresh token lasts a working day.
    staffSignIn: { accessTokenMinutes: 15, idTokenMinutes: 15, refreshTokenHours: 10 },
    functions: {
      ingestFeed: { timeoutSeconds: 900, memoryMb: 1769 },
      feedLoadSegment: { timeoutSeconds: 900, memoryMb: 1769 },
      feedLoadFinish: { timeoutSeconds: 300, memoryMb: 1024 },
      startEscalations: { timeoutSeconds: 60, memoryMb: 512 },
      planNextStep: { timeoutSeconds: 30, memoryMb: 512 },
      actMessage: { timeoutSeconds: 30, memoryMb: 512 },
      actLetter: { timeoutSeconds: 30, memoryMb: 512 },
      actBank: { timeoutSeconds: 30, memoryMb: 512 },
      actOnWorkItem: { timeoutSeconds: 30, memoryMb: 512 },
      openTask: { timeoutSeconds: 30, memoryMb: 512 },
      recordFault: { timeoutSeconds: 30, memoryMb: 512 },
      getCase: { timeoutSeconds: 10, memoryMb: 1024 },
      findCases: { timeoutSeconds: 15, memoryMb: 1024 },
    },
    banks: [demoBank],
    feedRejectAlarmPercent: 2,
    feedEventAgeAlarmMinutes: 30,
    largeFeedBytes: 32 * 1024 * 1024,
    feedLoad: { maxConcurrency: 8 },
    intakeMaxConcurrency: 4,
    escalationStarts: { ratePerSecond: 250, batchSize: 50, maxConcurrency: 2, waitAlarmMinutes: 30 },
    // Letters are records of contact: every pack's retention, whatever the stage (dev holds no real letters,
    // but a shorter rule there would be a rule no test of prod exercises).
    storedLetters: { expireAfterDays: RECORD_RETENTION_DAYS },
    storedFeeds: {
      // Feeds hold personal data: kept a quarter for disputes over what was delivered, then gone. Reports
      // and rejects hold counts and ids only, kept past a year of audits.
      expireAfterDays: { incoming: 90, payments: 90, reports: 400, rejects: 400, 'feed-loads': 14 },
      noncurrentVersionDays: 7,
      abortIncompleteUploadDays: 1,
    },
  },
};

/** Lambda's own limit. */
const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
/** API Gateway REST answers 504 after 29 seconds, whatever the function goes on doing. */
const API_GATEWAY_TIMEOUT_SECONDS = 29;
/** The largest visibility timeout SQS accepts (12 hours). */
export const SQS_MAX_VISIBILITY_SECONDS = 12 * 60 * 60;
/** Lambda's advice for an SQS source: at least six times the function timeout, so a throttled retry fits. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** StartEscalations waits up to a second to fill a batch: fewer, fuller invocations at a steady rate. */
export const ESCALATION_STARTS_BATCHING_WINDOW_SECONDS = 1;
/** Step Functions StartExecution refill per second in the large regions; no stage may plan for more. */
const START_EXECUTION_REFILL_PER_SECOND = 300;
const BANK_ID = /^[a-z0-9-]{2,32}$/;
const ACCOUNT_OR_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@/-]+)$/;

/** Everything wrong with a stage's settings, in words an operator can act on; empty when it may deploy. */
export function stageConfigProblems(config: StageConfig): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  const wholeIn = (value: number, min: number, max: number) =>
    Number.isInteger(value) && value >= min && value <= max;

  for (const name of FUNCTION_NAMES) {
    const { timeoutSeconds, memoryMb } = config.functions[name];
    const limit = API_FUNCTIONS.includes(name) ? API_GATEWAY_TIMEOUT_SECONDS : LAMBDA_MAX_TIMEOUT_SECONDS;
    check(
      wholeIn(timeoutSeconds, 1, limit),
      `functions.${name}.timeoutSeconds must be a whole number of seconds from 1 to ${limit}` +
        (limit === API_GATEWAY_TIMEOUT_SECONDS ? ' (API Gateway gives up after 29 s)' : ''),
    );
    check(wholeIn(memoryMb, 128, 10_240), `functions.${name}.memoryMb must be from 128 to 10240`);
  }
  for (const [consumer, window] of [
    ['ingestFeed', 0],
    ['startEscalations', ESCALATION_STARTS_BATCHING_WINDOW_SECONDS],
  ] as const) {
    check(
      queueVisibilitySeconds(config.functions[consumer].timeoutSeconds, window) <= SQS_MAX_VISIBILITY_SECONDS,
      `functions.${consumer}.timeoutSeconds × ${VISIBILITY_TIMEOUT_FACTOR} must fit the 12-hour SQS visibility limit`,
    );
  }

  const starts = config.escalationStarts;
  check(
    starts.ratePerSecond > 0 && starts.ratePerSecond <= START_EXECUTION_REFILL_PER_SECOND,
    `escalationStarts.ratePerSecond must be above 0 and at most ${START_EXECUTION_REFILL_PER_SECOND} (the StartExecution refill)`,
  );
  // Lambda's SQS event sources accept a maximum concurrency from 2 to 1000.
  check(wholeIn(starts.maxConcurrency, 2, 1000), 'escalationStarts.maxConcurrency must be from 2 to 1000');
  check(wholeIn(starts.batchSize, 1, 10_000), 'escalationStarts.batchSize must be from 1 to 10000');
  check(
    startsPerSecondPerConsumer(config) >= 1,
    'escalationStarts.ratePerSecond / maxConcurrency must leave each consumer at least one start per second',
  );
  check(
    wholeIn(starts.waitAlarmMinutes, 1, 1440),
    'escalationStarts.waitAlarmMinutes must be from 1 to 1440',
  );
  check(wholeIn(config.feedLoad.maxConcurrency, 1, 1000), 'feedLoad.maxConcurrency must be from 1 to 1000');
  // An SQS event source's maximum concurrency is 2 at the least.
  check(wholeIn(config.intakeMaxConcurrency, 2, 1000), 'intakeMaxConcurrency must be from 2 to 1000');
  check(
    config.feedEventAgeAlarmMinutes * 60 > config.functions.ingestFeed.timeoutSeconds,
    'feedEventAgeAlarmMinutes must exceed the intake timeout, or every long load would alarm',
  );

  const signIn = config.staffSignIn;
  check(wholeIn(signIn.accessTokenMinutes, 5, 1440), 'staffSignIn.accessTokenMinutes must be from 5 to 1440');
  check(wholeIn(signIn.idTokenMinutes, 5, 1440), 'staffSignIn.idTokenMinutes must be from 5 to 1440');
  check(
    wholeIn(signIn.refreshTokenHours, 1, 87_600) &&
      signIn.refreshTokenHours * 60 > Math.max(signIn.accessTokenMinutes, signIn.idTokenMinutes),
    'staffSignIn.refreshTokenHours must be from 1 to 87600 and outlive the access and id tokens',
  );

  const stored = config.storedFeeds;
  for (const prefix of DROP_PREFIXES) {
    check(
      wholeIn(stored.expireAfterDays[prefix], 1, 36_500),
      `storedFeeds.expireAfterDays.${prefix} must be a whole number of days`,
    );
  }
  // A large feed's hand-over waits in a dead-letter queue up to its retention; redriven, its run reads the
  // segment manifest under feed-loads/, which must still be there.
  check(
    stored.expireAfterDays['feed-loads'] >= DEAD_LETTER_RETENTION_DAYS,
    `storedFeeds.expireAfterDays.feed-loads must be at least ${DEAD_LETTER_RETENTION_DAYS} (a dead-letter queue's retention)`,
  );
  // Intake reads a feed's report to recognise a redelivered event: the report must outlive the feed.
  for (const answer of ['reports', 'rejects'] as const) {
    for (const feed of ['incoming', 'payments'] as const) {
      check(
        stored.expireAfterDays[answer] >= stored.expireAfterDays[feed],
        `storedFeeds.expireAfterDays.${answer} must be at least ${feed}'s: a feed's answer outlives the feed`,
      );
    }
  }
  check(wholeIn(stored.noncurrentVersionDays, 1, 36_500), 'storedFeeds.noncurrentVersionDays must be ≥ 1');
  check(
    wholeIn(config.storedLetters.expireAfterDays, RECORD_RETENTION_DAYS, 36_500),
    `storedLetters.expireAfterDays must be at least ${RECORD_RETENTION_DAYS} (3 years, RULES.md CN-5/US-8)`,
  );
  check(
    wholeIn(stored.abortIncompleteUploadDays, 1, 36_500),
    'storedFeeds.abortIncompleteUploadDays must be ≥ 1',
  );

  check(config.banks.length > 0, 'banks must name at least one bank');
  const seen = new Set<string>();
  for (const bank of config.banks) {
    check(BANK_ID.test(bank.bankId), `bank id '${bank.bankId}' must be 2–32 of a–z, 0–9 and '-'`);
    check(!seen.has(bank.bankId), `bank id '${bank.bankId}' is configured twice`);
    seen.add(bank.bankId);
    for (const principal of bank.writerPrincipals ?? []) {
      check(
        ACCOUNT_OR_ROLE_ARN.test(principal),
        `banks.${bank.bankId}.writerPrincipals: '${principal}' is not an account root or role ARN`,
      );
    }
    check(
      bank.writerPrincipals === undefined || bank.writerPrincipals.length > 0,
      `banks.${bank.bankId}.writerPrincipals must name someone, or be left out for this account`,
    );
    check(
      (bank.contact?.phone.trim() ?? '') !== '' && (bank.contact?.address.trim() ?? '') !== '',
      `banks.${bank.bankId}.contact needs a phone and a postal address: every letter carries them (CN-6)`,
    );
    for (const problem of validateLadderVersions(
      bank.ladders ?? [DEFAULT_LADDERS[bank.policyPack]],
      bank.policyPack,
    )) {
      problems.push(`banks.${bank.bankId}: ${problem}`);
    }
  }
  return problems;
}

/** Throws, listing every problem, when a stage's settings may not deploy. */
export function assertValidStageConfig(config: StageConfig): StageConfig {
  const problems = stageConfigProblems(config);
  if (problems.length > 0) {
    throw new Error(`Stage '${config.stage}' is misconfigured:\n- ${problems.join('\n- ')}`);
  }
  return config;
}

/**
 * The visibility timeout of a queue a function consumes: six times its timeout (Lambda's advice, so that a
 * message is not handed to a second invocation while a throttled or retried first one may still hold it),
 * plus the batching window, during which messages are already invisible.
 */
export function queueVisibilitySeconds(functionTimeoutSeconds: number, batchingWindowSeconds = 0): number {
  return VISIBILITY_TIMEOUT_FACTOR * functionTimeoutSeconds + batchingWindowSeconds;
}

/** Each concurrent StartEscalations consumer's share of the stage's start rate, rounded down. */
export function startsPerSecondPerConsumer(config: StageConfig): number {
  return Math.floor(config.escalationStarts.ratePerSecond / config.escalationStarts.maxConcurrency);
}

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}

/** Reads `-c stage=dev|prod`; dev when absent, an error for anything else so a typo never deploys prod. */
export function stageFromContext(app: App): Stage {
  const requested: unknown = app.node.tryGetContext('stage') ?? 'dev';
  if (!isStage(requested)) {
    throw new Error(`Unknown stage '${String(requested)}': use -c stage=${STAGES.join('|')}`);
  }
  return requested;
}

/** The exact JSON the functions parse from `BANKS_CONFIG` (who may write a bank's feeds is not theirs to know). */
export function banksConfigJson(config: StageConfig): string {
  return JSON.stringify(config.banks.map(({ writerPrincipals: _, ...bank }) => bank));
}

/**
 * The drop bucket's name, derived rather than passed between stacks: grants written against it stay
 * readable (`…/incoming/*`) and the stateless stack needs no cross-stack token for it.
 */
export function dropBucketName(stage: Stage): string {
  return `overdue-${stage}-drop-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** Table names, derived for the same reason as the bucket's: grants on them (and their indexes) stay readable. */
export function tableNames(stage: Stage): {
  readonly cases: string;
  readonly trail: string;
  readonly contactLedger: string;
  readonly workItems: string;
} {
  return {
    cases: `overdue-${stage}-cases`,
    trail: `overdue-${stage}-trail`,
    contactLedger: `overdue-${stage}-contact-ledger`,
    workItems: `overdue-${stage}-work-items`,
  };
}

/** The custom EventBridge bus events to the banks (freeze requests) are put on; each bank's rule picks its own. */
export function bankEventsBusName(stage: Stage): string {
  return `overdue-${stage}-bank-events`;
}

/** State machine names, fixed so that execution ARNs (and grants on them) can be written down. */
export function stateMachineNames(stage: Stage): { readonly escalation: string; readonly feedLoad: string } {
  return { escalation: `overdue-${stage}-escalation`, feedLoad: `overdue-${stage}-feed-load` };
}

/**
 * What every alarm of the stage is named with: the data key lets CloudWatch use it (for the encrypted alarm
 * topic) only for alarms whose names start so.
 */
export function alarmNamePrefix(stage: Stage): string {
  return `overdue-${stage}-`;
}

/** The role a bank's feeds are written with; named so that the bucket policy can name it without a token. */
export function bankWriterRoleName(stage: Stage, bankId: string): string {
  return `overdue-${stage}-writer-${bankId}`;
}
