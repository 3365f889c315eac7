/** A deterministic sample feed of synthetic debtors (fake names, fictional numbers) for the offline demo. */

import { addDays } from '../../lambdas/domain/delinquency';
import { FEED_COLUMNS } from '../../lambdas/domain/feed-row';
import { seeded } from '../simulation/prng';

export { FEED_COLUMNS };

export type FeedColumn = (typeof FEED_COLUMNS)[number];
export type FeedRecord = Partial<Record<FeedColumn, string>>;

export interface SampleFeedOptions {
  /** The feed's as-of date (YYYY-MM-DD), the bank's business date. */
  readonly asOf: string;
  /** How many accounts (1–99); one more row, deliberately bad, is appended. */
  readonly count?: number;
  readonly seed?: number;
}

const STEMS = Array.from('甲乙丙丁戊己庚辛壬癸');
const DAYS_PAST_DUE = [1, 3, 7, 12, 15, 21, 30, 34, 45, 61, 95, 151];

function amount(random: () => number, max: number): string {
  return (Math.floor(random() * max * 100) / 100).toFixed(2);
}

/** The sample accounts as feed records (all valid), then one row that the feed contract rejects. */
export function sampleFeedRecords(options: SampleFeedOptions): FeedRecord[] {
  const count = Math.min(99, Math.max(1, options.count ?? 12));
  const random = seeded(options.seed ?? 20_260_101);
  const records: FeedRecord[] = [];
  for (let i = 0; i < count; i++) {
    const n = String(i + 1).padStart(4, '0');
    const english = i % 4 === 3;
    const dpd = DAYS_PAST_DUE[i % DAYS_PAST_DUE.length] ?? 1;
    records.push({
      account_id: `SAMPLE-${n}`,
      as_of: options.asOf,
      // Obviously synthetic: "测试" (test) plus a cyclic stem, or "Sample Debtor NNNN".
      customer_name: english ? `Sample Debtor ${n}` : `测试${STEMS[i % STEMS.length]}${i >= 10 ? '二' : ''}`,
      // The NANP range 555-0100…0199 is reserved for fiction: no real subscriber has these numbers.
      mobile: `+1202555${String(100 + i).padStart(4, '0')}`,
      email: `sample.debtor.${n}@example.test`,
      card_last4: String(1000 + Math.floor(random() * 9000)),
      currency: 'CNY',
      overdue_principal: amount(random, 20_000),
      overdue_interest: amount(random, 800),
      overdue_fees: i % 3 === 0 ? '50.00' : '',
      due_date: addDays(options.asOf, -dpd),
      days_past_due: String(dpd),
      timezone: 'Asia/Shanghai',
      language: english ? 'en' : 'zh-CN',
      flags: i === 5 ? 'dispute' : i === 8 ? 'do_not_sms' : '',
    });
  }
  records.push({
    account_id: `SAMPLE-${String(count + 1).padStart(4, '0')}`,
    as_of: options.asOf,
    customer_name: '测试坏行',
    mobile: '+12025550199',
    currency: 'CNY',
    // Deliberately bad: an amount the feed contract cannot read, so the demo shows a reject.
    overdue_principal: 'twelve hundred',
    days_past_due: '9',
    timezone: 'Asia/Shanghai',
  });
  return records;
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Renders feed records as a feed contract v1 CSV (header line, then one line per record). */
export function toFeedCsv(records: readonly FeedRecord[]): string {
  const lines = records.map((record) =>
    FEED_COLUMNS.map((column) => csvField(record[column] ?? '')).join(','),
  );
  return `${[FEED_COLUMNS.join(','), ...lines].join('\n')}\n`;
}

export function generateSampleFeed(options: SampleFeedOptions): string {
  return toFeedCsv(sampleFeedRecords(options));
}
