/** Test data: the demo banks, a valid feed row, CSV rendering, a vault on a local key, stored-shape cases. */

import { randomBytes } from 'node:crypto';
import { bankDirectoryFromConfig } from '../../../lambdas/adapters/bank-directory-from-config';
import { EnvelopePiiVault } from '../../../lambdas/adapters/envelope-pii-vault';
import { LocalDataKeyProvider } from '../../../lambdas/adapters/local/local-data-key-provider';
import { type CollectionCase, caseIdOf } from '../../../lambdas/domain/collection-case';
import { bucketOf } from '../../../lambdas/domain/delinquency';
import { FEED_COLUMNS } from '../../../lambdas/domain/feed-row';
import { validateLadderVersions } from '../../../lambdas/domain/ladder-validation';
import { maskEmail, maskName, maskPhone } from '../../../lambdas/domain/masking';
import type { BankDirectory } from '../../../lambdas/ports/bank-directory';
import type { PiiVault } from '../../../lambdas/ports/pii-vault';

export const DEMO_BANK_ID = 'demo-bank';

/** The test bank as BANKS_CONFIG holds it: pack cn, CNY, Asia/Shanghai, zh-CN, default ladder. */
export const DEMO_BANK_CONFIG = {
  bankId: DEMO_BANK_ID,
  displayName: 'Demo Bank',
  policyPack: 'cn',
  defaults: { currency: 'CNY', timeZone: 'Asia/Shanghai', language: 'zh-CN' },
  contact: { phone: '400-000-0000', address: '上海市浦东新区示例路1号' },
} as const;

/** A second bank on pack us: USD, America/New_York, English, default ladder. */
export const US_BANK_CONFIG = {
  bankId: 'us-bank',
  displayName: 'US Bank',
  policyPack: 'us',
  defaults: { currency: 'USD', timeZone: 'America/New_York', language: 'en' },
  contact: { phone: '1-800-555-0100', address: '1 Example Plaza, New York, NY 10001' },
} as const;

/** demo-bank (cn, CNY, Asia/Shanghai, zh-CN) and us-bank (us, USD, America/New_York, en), built for real. */
export function testBanks(): BankDirectory {
  return bankDirectoryFromConfig(JSON.stringify([DEMO_BANK_CONFIG, US_BANK_CONFIG]), validateLadderVersions);
}

/** A BankDirectory built the production way, as PlanNextStep builds it (ladders checked); demo-bank by default. */
export function bankDirectory(...banks: readonly object[]): BankDirectory {
  return bankDirectoryFromConfig(
    JSON.stringify(banks.length > 0 ? banks : [DEMO_BANK_CONFIG]),
    validateLadderVersions,
  );
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
