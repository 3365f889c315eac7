// Per-stage settings of the Overdue infrastructure: one typed record, read by both stacks.
import type { App } from 'aws-cdk-lib';
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/**
 * The shape the functions parse from `BANKS_CONFIG` (lambdas/adapters/bank-directory-from-config.ts).
 * Declared here rather than imported: infrastructure never imports runtime modules.
 */
export interface BankDefaults {
  readonly currency: string;
  readonly timeZone: string;
  readonly language: 'zh-CN' | 'en';
}
export type PackId = 'cn' | 'us';

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/** One bank served by the deployment, as the functions read it from `BANKS_CONFIG`. */
export interface BankConfig {
  readonly bankId: string;
  readonly displayName: string;
  readonly policyPack: PackId;
  readonly defaults: BankDefaults;
}

export interface StageConfig {
  readonly stage: Stage;
  /** Whether tables, keys and buckets survive `cdk destroy` (they hold personal data in prod). */
  readonly retainData: boolean;
  readonly removalPolicy: RemovalPolicy;
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
  readonly functionTimeout: Duration;
  readonly functionMemoryMb: number;
  readonly banks: readonly BankConfig[];
  /** Alarm when a single feed file rejects more than this share of its rows (percent). */
  readonly feedRejectAlarmPercent: number;
  /** Plain UTF-8 CSV feeds larger than this go to a Distributed Map run instead of one Lambda invocation. */
  readonly largeFeedBytes: number;
}

const demoBank: BankConfig = {
  bankId: 'demo-bank',
  displayName: 'Demo Bank',
  policyPack: 'cn',
  defaults: { currency: 'CNY', timeZone: 'Asia/Shanghai', language: 'zh-CN' },
};

export const stageConfigs: Record<Stage, StageConfig> = {
  dev: {
    stage: 'dev',
    retainData: false,
    removalPolicy: RemovalPolicy.DESTROY,
    logRetention: RetentionDays.TWO_WEEKS,
    pointInTimeRecovery: true,
    email: {
      identityDomain: 'collections.dev.overdue.example',
      fromAddress: 'reminders@collections.dev.overdue.example',
      configurationSetName: 'overdue-dev-reminders',
    },
    smsSenderId: 'OVERDUE',
    api: { throttlingRateLimit: 20, throttlingBurstLimit: 40 },
    functionTimeout: Duration.seconds(30),
    functionMemoryMb: 512,
    banks: [demoBank],
    feedRejectAlarmPercent: 5,
    largeFeedBytes: 100 * 1024 * 1024,
  },
  prod: {
    stage: 'prod',
    retainData: true,
    removalPolicy: RemovalPolicy.RETAIN,
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
    functionTimeout: Duration.seconds(60),
    functionMemoryMb: 1024,
    banks: [demoBank],
    feedRejectAlarmPercent: 2,
    largeFeedBytes: 100 * 1024 * 1024,
  },
};

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

/** The exact JSON the functions parse from `BANKS_CONFIG`. */
export function banksConfigJson(config: StageConfig): string {
  return JSON.stringify(config.banks);
}

/**
 * The drop bucket's name, derived rather than passed between stacks: grants written against it stay
 * readable (`…/incoming/*`) and the stateless stack needs no cross-stack token for it.
 */
export function dropBucketName(stage: Stage): string {
  return `overdue-${stage}-drop-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** Table names, derived for the same reason as the bucket's: grants on them (and their indexes) stay readable. */
export function tableNames(stage: Stage): { readonly cases: string; readonly trail: string } {
  return { cases: `overdue-${stage}-cases`, trail: `overdue-${stage}-trail` };
}
