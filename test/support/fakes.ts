/**
 * In-memory stand-ins for the ports, with the semantics of the AWS adapters, for unit and workflow tests.
 *
 * Typical use:
 *   const world = createFakeWorld({ now: '2026-03-02T02:00:00Z' });
 *   world.storage.files.set('incoming/demo-bank/feed.csv', csvOf([feedRow()]));
 *   await ingestFeed(world, { key: 'incoming/demo-bank/feed.csv' });
 * `world` satisfies IngestFeedDeps, PlanNextStepDeps, SendReminderDeps and GetCaseDeps at once.
 */

import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { bankDirectoryFromConfig } from '../../lambdas/adapters/bank-directory-from-config';
import { EnvelopePiiVault } from '../../lambdas/adapters/envelope-pii-vault';
import { HmacBlindIndex } from '../../lambdas/adapters/hmac-blind-index';
import { LocalDataKeyProvider } from '../../lambdas/adapters/local/local-data-key-provider';
import { LocalIndexKeySource } from '../../lambdas/adapters/local/local-index-key-source';
import { type CollectionCase, caseIdOf } from '../../lambdas/domain/collection-case';
import { bucketOf } from '../../lambdas/domain/delinquency';
import { FEED_COLUMNS } from '../../lambdas/domain/feed-row';
import { LOOKUP_ATTRIBUTE, type LookupKind } from '../../lambdas/domain/lookup';
import { maskEmail, maskName, maskPhone } from '../../lambdas/domain/masking';
import type { Payment } from '../../lambdas/domain/payment-row';
import type { BankDirectory } from '../../lambdas/ports/bank-directory';
import type { CaseStore, UpsertOutcome } from '../../lambdas/ports/case-store';
import type { Clock } from '../../lambdas/ports/clock';
import type { FeedStorage } from '../../lambdas/ports/feed-storage';
import type { SmsMessage, SmsSender } from '../../lambdas/ports/notifier';
import type { PaymentLedger, PostingOutcome } from '../../lambdas/ports/payment-ledger';
import type { PiiVault } from '../../lambdas/ports/pii-vault';
import type { Trail, TrailEntry } from '../../lambdas/ports/trail';
import type { EscalationInput, EscalationStarter, EscalationStopper } from '../../lambdas/ports/workflow';

// ---------------------------------------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------------------------------------

/** Attributes a feed row never overwrites, as in DynamoCaseStore. */
const PRESERVED = ['caseId', 'completedSteps', 'lastStepAt', 'createdAt'] as const;
/** Optional feed attributes DynamoCaseStore REMOVEs when a newer row leaves them out. */
const OPTIONAL_FROM_FEED = ['cardLast4', 'mobileIndex', 'nationalIdIndex', 'cardLast4Index'] as const;

/**
 * CaseStore with DynamoCaseStore's semantics: `created` when absent; `updated` when the stored `asOf` is
 * earlier (completedSteps and createdAt kept, attributes the new case leaves undefined kept too, as a
 * DynamoDB SET would, except the optional feed attributes, which are removed as its REMOVE does;
 * completedSteps reset when the cycle changes); `unchanged` on the same `asOf`;
 * `stale` when the stored `asOf` is later. Stored cases are copies: mutating a returned case changes nothing.
 */
export class InMemoryCaseStore implements CaseStore {
  readonly cases = new Map<string, CollectionCase>();
  /** Every call to `get`, so a test can prove the store was never touched. */
  readonly reads: string[] = [];

  async get(caseId: string): Promise<CollectionCase | undefined> {
    this.reads.push(caseId);
    const found = this.cases.get(caseId);
    return found ? structuredClone(found) : undefined;
  }

  async upsertFromFeed(collectionCase: CollectionCase): Promise<UpsertOutcome> {
    const previous = this.cases.get(collectionCase.caseId);
    if (!previous) {
      // The adapter's SET never writes progress from a feed row: a new case starts with none.
      const { lastStepAt: _progress, ...fromFeed } = collectionCase;
      this.cases.set(collectionCase.caseId, structuredClone({ ...fromFeed, completedSteps: [] }));
      return 'created';
    }
    if (previous.asOf > collectionCase.asOf) return 'stale';
    if (previous.asOf === collectionCase.asOf) return 'unchanged';
    const incoming = Object.fromEntries(
      Object.entries(collectionCase).filter(
        ([attribute, value]) => value !== undefined && !(PRESERVED as readonly string[]).includes(attribute),
      ),
    );
    const newCycle = previous.cycle !== collectionCase.cycle;
    const updated: Record<string, unknown> = {
      ...previous,
      ...incoming,
      completedSteps: newCycle ? [] : previous.completedSteps,
    };
    // A newer row that leaves one out removes it (no mobile any more: no mobile index either).
    for (const attribute of OPTIONAL_FROM_FEED) {
      if (collectionCase[attribute] === undefined) delete updated[attribute];
    }
    this.cases.set(collectionCase.caseId, structuredClone(updated as unknown as CollectionCase));
    return 'updated';
  }

  async markStepCompleted(caseId: string, stepId: string, at: Date): Promise<void> {
    const found = this.cases.get(caseId);
    if (!found || found.completedSteps.includes(stepId)) return;
    this.cases.set(caseId, {
      ...found,
      completedSteps: [...found.completedSteps, stepId],
      lastStepAt: at.toISOString(),
      updatedAt: at.toISOString(),
    });
  }

  async findByLookup(kind: LookupKind, index: string): Promise<CollectionCase[]> {
    const attribute = LOOKUP_ATTRIBUTE[kind] as keyof CollectionCase;
    return [...this.cases.values()].filter((c) => c[attribute] === index).map((c) => structuredClone(c));
  }

  /** Puts a case in the store as it is, bypassing the feed rules (test arrangement only). */
  seed(collectionCase: CollectionCase): void {
    this.cases.set(collectionCase.caseId, structuredClone(collectionCase));
  }

  /** Same as `seed`: stores a case as it is, bypassing the feed rules. */
  put(collectionCase: CollectionCase): this {
    this.seed(collectionCase);
    return this;
  }

  /** Copies of every stored case, in insertion order. */
  all(): CollectionCase[] {
    return [...this.cases.values()].map((c) => structuredClone(c));
  }
}

/** Trail with DynamoTrail's semantics: keyed by (caseId, entryId); a repeated entry id appends nothing. */
export class InMemoryTrail implements Trail {
  readonly entries: TrailEntry[] = [];

  async append(entry: TrailEntry): Promise<boolean> {
    if (this.entries.some((e) => e.caseId === entry.caseId && e.entryId === entry.entryId)) return false;
    this.entries.push(structuredClone(entry));
    return true;
  }

  async list(caseId: string): Promise<TrailEntry[]> {
    return this.entries
      .filter((entry) => entry.caseId === caseId)
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .map((entry) => structuredClone(entry));
  }

  /** Entries of one kind, in the order they were appended. */
  ofKind(kind: TrailEntry['kind']): TrailEntry[] {
    return this.entries.filter((entry) => entry.kind === kind);
  }
}

/** A clock that reads what it was set to; moves only by `set` or `advance`. Also exported as SettableClock. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-03-02T02:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: Date | string): Date {
    this.current = new Date(at).getTime();
    return this.now();
  }

  advance(ms: number): Date {
    this.current += ms;
    return this.now();
  }
}

/** The name the test briefs use for FakeClock. */
export { FakeClock as SettableClock };

/** PaymentLedger with DynamoPaymentLedger's semantics, over the in-memory case store and trail. */
export class InMemoryPaymentLedger implements PaymentLedger {
  constructor(
    private readonly cases: InMemoryCaseStore,
    private readonly trail: InMemoryTrail,
  ) {}

  async post(caseId: string, payment: Payment, at: Date): Promise<PostingOutcome> {
    const found = this.cases.cases.get(caseId);
    if (!found) return { outcome: 'unknown-account' };
    if (found.overdue.currency !== payment.amount.currency) return { outcome: 'currency-mismatch' };
    const remaining = Math.max(0, found.overdue.amountMinor - payment.amount.amountMinor);
    const fresh = await this.trail.append({
      caseId,
      kind: 'payment.posted',
      at,
      actor: 'system:post-payments',
      entryId: `payment#${payment.paymentId}`,
      detail: {
        amountMinor: payment.amount.amountMinor,
        currency: payment.amount.currency,
        remainingMinor: remaining,
      },
    });
    if (!fresh) return { outcome: 'duplicate' };
    const paidInFull = found.overdue.amountMinor > 0 && remaining === 0;
    this.cases.cases.set(caseId, {
      ...found,
      overdue: { ...found.overdue, amountMinor: remaining },
      updatedAt: at.toISOString(),
      ...(paidInFull ? { status: 'closed' as const } : {}),
    });
    return { outcome: 'applied', remainingMinor: remaining, paidInFull, cycle: found.cycle };
  }
}

/**
 * Records every SMS; after `failWith(error)` every send throws that error (and records nothing);
 * after `failNext(error?)` only the next send does.
 */
export class RecordingSmsSender implements SmsSender {
  readonly sent: SmsMessage[] = [];
  private failure: Error | undefined;
  private readonly oneShotFailures: Error[] = [];

  failWith(error: Error | undefined): this {
    this.failure = error;
    return this;
  }

  failNext(error: Error = new Error('SMS provider unavailable')): this {
    this.oneShotFailures.push(error);
    return this;
  }

  async sendSms(message: SmsMessage): Promise<{ providerMessageId: string }> {
    const oneShot = this.oneShotFailures.shift();
    if (oneShot) throw oneShot;
    if (this.failure) throw this.failure;
    this.sent.push(message);
    return { providerMessageId: `fake-${this.sent.length}` };
  }
}

/** Records escalation starts; a name already started returns false, like ExecutionAlreadyExists. */
export class RecordingEscalationStarter implements EscalationStarter, EscalationStopper {
  readonly started = new Map<string, EscalationInput>();
  /** Every call, including the refused repeats. */
  readonly calls: Array<{ name: string; input: EscalationInput }> = [];

  /** Names of the escalations stopped, in order. */
  readonly stopped: string[] = [];

  async stopEscalation(name: string): Promise<void> {
    this.stopped.push(name);
  }

  async start(name: string, input: EscalationInput): Promise<boolean> {
    this.calls.push({ name, input });
    if (this.started.has(name)) return false;
    this.started.set(name, input);
    return true;
  }
}

/**
 * The drop bucket in memory: `files` holds text bodies by key, `bytes` binary ones (gzip, GB18030 …);
 * `open` streams one, `put` writes one.
 */
export class InMemoryFeedStorage implements FeedStorage {
  readonly files = new Map<string, string>();
  readonly bytes = new Map<string, Buffer>();
  readonly contentTypes = new Map<string, string>();
  /** Keys written by `put`, in order. */
  readonly writes: string[] = [];

  /** Drops an object as a bank would: text (a CSV built with `csvOf`) or raw bytes. */
  drop(key: string, body: string | Buffer): this {
    if (typeof body === 'string') this.files.set(key, body);
    else this.bytes.set(key, body);
    return this;
  }

  async open(key: string): Promise<Readable> {
    const body = this.bytes.get(key) ?? this.files.get(key);
    if (body === undefined) throw new Error(`NoSuchKey: ${key}`);
    return Readable.from([body]);
  }

  async readText(key: string): Promise<string | undefined> {
    return this.files.get(key) ?? this.bytes.get(key)?.toString('utf8');
  }

  async put(key: string, body: string, contentType = 'text/plain'): Promise<void> {
    this.files.set(key, body);
    this.contentTypes.set(key, contentType);
    this.writes.push(key);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Test data
// ---------------------------------------------------------------------------------------------------------

export const DEMO_BANK_ID = 'demo-bank';

/** The test bank as BANKS_CONFIG holds it: pack cn, CNY, Asia/Shanghai, zh-CN, default ladder. */
export const DEMO_BANK_CONFIG = {
  bankId: DEMO_BANK_ID,
  displayName: 'Demo Bank',
  policyPack: 'cn',
  defaults: { currency: 'CNY', timeZone: 'Asia/Shanghai', language: 'zh-CN' },
} as const;

/** A second bank on pack us: USD, America/New_York, English, default ladder. */
export const US_BANK_CONFIG = {
  bankId: 'us-bank',
  displayName: 'US Bank',
  policyPack: 'us',
  defaults: { currency: 'USD', timeZone: 'America/New_York', language: 'en' },
} as const;

/** demo-bank (cn, CNY, Asia/Shanghai, zh-CN) and us-bank (us, USD, America/New_York, en), built for real. */
export function testBanks(): BankDirectory {
  return bankDirectoryFromConfig(JSON.stringify([DEMO_BANK_CONFIG, US_BANK_CONFIG]));
}

/** A BankDirectory built the production way (bankDirectoryFromConfig); demo-bank by default. */
export function bankDirectory(...banks: readonly object[]): BankDirectory {
  return bankDirectoryFromConfig(JSON.stringify(banks.length > 0 ? banks : [DEMO_BANK_CONFIG]));
}

/** Plain personal data of the default debtor, to seed and then search for in outputs. */
export const DEBTOR = {
  name: '张三丰',
  mobile: '13812345678',
  mobileE164: '+8613812345678',
  email: 'zhang.sanfeng@example.test',
} as const;

/** Header of a full feed (contract v1), in the order `csvOf` writes columns by default. */
export { FEED_COLUMNS };

export type FeedRowFields = Partial<Record<(typeof FEED_COLUMNS)[number], string>>;

/** A valid feed row (12 days past due on 2026-03-01, 1500.00 CNY); override any field. */
export function feedRow(overrides: FeedRowFields = {}): Record<string, string> {
  const row: Record<string, string> = {
    account_id: 'ACC-001',
    as_of: '2026-03-01',
    customer_name: DEBTOR.name,
    mobile: DEBTOR.mobile,
    email: DEBTOR.email,
    card_last4: '4321',
    currency: 'CNY',
    overdue_principal: '1500.00',
    overdue_interest: '',
    overdue_fees: '',
    due_date: '2026-02-17',
    days_past_due: '12',
    timezone: '',
    language: '',
    flags: '',
  };
  for (const [field, value] of Object.entries(overrides)) if (value !== undefined) row[field] = value;
  return row;
}

/** Renders rows as CSV (quoting where needed); columns default to the keys of the first row. */
export function csvOf(rows: readonly Record<string, string>[], columns?: readonly string[]): string {
  const header = columns ?? Object.keys(rows[0] ?? {});
  const quote = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const lines = rows.map((row) => header.map((column) => quote(row[column] ?? '')).join(','));
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

/** CSV text whose header is the union of the rows' keys, in first-seen order (a missing value is empty). */
export function feedCsv(rows: readonly Record<string, string>[]): string {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return csvOf(rows, columns);
}

/**
 * A fresh vault on a random 32-byte local master key; `provider.calls` counts data-key requests
 * (`keys` is the same provider under its older name).
 */
export function localVault(): {
  vault: EnvelopePiiVault;
  provider: LocalDataKeyProvider;
  keys: LocalDataKeyProvider;
} {
  const provider = new LocalDataKeyProvider(randomBytes(32));
  return { vault: new EnvelopePiiVault(provider), provider, keys: provider };
}

export interface CaseOptions extends Partial<Omit<CollectionCase, 'pii' | 'masked'>> {
  /** Plain personal data to seal; defaults to DEBTOR (name and mobile). */
  readonly personal?: Readonly<Record<string, string>>;
}

/**
 * Builds a stored-shape case (sealed with `vault`, masked as intake masks) for demo-bank account ACC-001,
 * open, due 2026-02-17, as of 2026-03-01, 1500.00 CNY, Asia/Shanghai, zh-CN; override any field.
 */
export async function sealedCase(vault: PiiVault, options: CaseOptions = {}): Promise<CollectionCase> {
  const { personal = { name: DEBTOR.name, mobile: DEBTOR.mobileE164 }, ...overrides } = options;
  const bankId = overrides.bankId ?? DEMO_BANK_ID;
  const accountId = overrides.accountId ?? 'ACC-001';
  const daysPastDue = overrides.daysPastDue ?? 12;
  const dueDate = overrides.dueDate ?? '2026-02-17';
  return {
    caseId: caseIdOf(bankId, accountId),
    bankId,
    accountId,
    status: 'open',
    asOf: '2026-03-01',
    cycle: dueDate,
    dueDate,
    daysPastDue,
    bucket: bucketOf(daysPastDue),
    overdue: { amountMinor: 150_000, currency: 'CNY' },
    cardLast4: '4321',
    timeZone: 'Asia/Shanghai',
    language: 'zh-CN',
    flags: [],
    policyPack: 'cn',
    completedSteps: [],
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
    ...overrides,
    pii: await vault.seal({ bankId, accountId }, personal),
    masked: {
      name: maskName(personal.name ?? ''),
      ...(personal.mobile ? { mobile: maskPhone(personal.mobile) } : {}),
      ...(personal.email ? { email: maskEmail(personal.email) } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Everything at once
// ---------------------------------------------------------------------------------------------------------

export interface FakeWorld {
  readonly storage: InMemoryFeedStorage;
  readonly cases: InMemoryCaseStore;
  readonly trail: InMemoryTrail;
  readonly vault: EnvelopePiiVault;
  readonly keys: LocalDataKeyProvider;
  readonly blindIndex: HmacBlindIndex;
  readonly escalations: RecordingEscalationStarter;
  readonly ledger: InMemoryPaymentLedger;
  readonly sms: RecordingSmsSender;
  readonly banks: BankDirectory;
  readonly clock: FakeClock;
}

/** Every fake wired together, with the real envelope vault on a local key; usable as any use case's deps. */
export function createFakeWorld(options: { now?: Date | string; banks?: readonly object[] } = {}): FakeWorld {
  const { vault, keys } = localVault();
  const cases = new InMemoryCaseStore();
  const trail = new InMemoryTrail();
  return {
    storage: new InMemoryFeedStorage(),
    cases,
    ledger: new InMemoryPaymentLedger(cases, trail),
    trail,
    vault,
    keys,
    blindIndex: new HmacBlindIndex(new LocalIndexKeySource(Buffer.alloc(32, 9))),
    escalations: new RecordingEscalationStarter(),
    sms: new RecordingSmsSender(),
    banks: bankDirectory(...(options.banks ?? [])),
    clock: new FakeClock(options.now),
  };
}
