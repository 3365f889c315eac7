/**
 * The S3 notification, offline: s3rver's object events under incoming/ and payments/ go to the ingest handler,
 * one at a time (a Lambda with reserved concurrency 1), and the outcome of each upload can be awaited by its ETag.
 */

import type { S3Event, S3EventRecord } from 'aws-lambda';
import type { FeedReport as OverdueFeedReport } from '../../lambdas/use-cases/ingest-feed';
import type { PaymentsReport } from '../../lambdas/use-cases/post-payments';

export type FeedReport = OverdueFeedReport | PaymentsReport;

/** What became of one upload: its report (quarantined or not), or the name of the error its ingest threw. */
export type IngestOutcome =
  | { readonly loaded: true; readonly report: FeedReport }
  | { readonly loaded: false; readonly errorName: string };

export interface S3EventBridgeOptions {
  readonly bucket: string;
  /** The ingest Lambda's handler: the same function the S3 notification invokes in AWS. */
  readonly ingest: (event: S3Event) => Promise<FeedReport[]>;
  /** One line per upload: key, counts, outcome; never the file's content. */
  readonly log: (line: string) => void;
}

/** The outcomes of the uploads of one key, collected from before the upload so that none is missed. */
export interface UploadWatch {
  /** Resolves with the outcome of the upload whose ETag is `eTag`; rejects if no event for it came in time. */
  outcome(eTag: string, eventTimeoutMs?: number): Promise<IngestOutcome>;
  close(): void;
}

export class S3EventBridge {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly watches = new Set<KeyWatch>();
  private closed = false;

  constructor(private readonly options: S3EventBridgeOptions) {}

  /**
   * The one entry point: an event as s3rver emits it (raw keys). Objects of other buckets or prefixes, and
   * removals, are not feeds and are ignored. Each record is handed over as its own event, as S3 sends them.
   */
  deliver(event: S3Event): void {
    for (const record of event.Records ?? []) {
      if (!this.isFeedUpload(record)) continue;
      const { key } = record.s3.object;
      if (this.closed) {
        this.options.log(`[overdue] stopping: the upload of ${key} arrived too late and was not loaded`);
        continue;
      }
      const eTag = record.s3.object.eTag ?? '';
      for (const watch of this.watches) watch.seen(key, eTag);
      this.queue = this.queue.then(() => this.invoke(record, key, eTag));
    }
  }

  /** Starts collecting outcomes for `key`; call it before uploading. */
  watch(key: string): UploadWatch {
    const watch = new KeyWatch(key, () => this.watches.delete(watch));
    this.watches.add(watch);
    return watch;
  }

  /** Resolves when every ingest queued so far has finished. */
  async idle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.queue;
      await seen;
    } while (seen !== this.queue);
  }

  /** Takes no more events and waits for those already queued. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }

  private isFeedUpload(record: S3EventRecord): boolean {
    const key = record.s3?.object?.key ?? '';
    return (
      record.eventName?.startsWith('ObjectCreated:') === true &&
      record.s3.bucket?.name === this.options.bucket &&
      (key.startsWith('incoming/') || key.startsWith('payments/'))
    );
  }

  private async invoke(record: S3EventRecord, key: string, eTag: string): Promise<void> {
    // s3rver gives raw keys; S3 notifications URL-encode them ('+' for spaces), which the handler decodes.
    const event: S3Event = {
      Records: [
        { ...record, s3: { ...record.s3, object: { ...record.s3.object, key: encodeS3EventKey(key) } } },
      ],
    };
    let outcome: IngestOutcome;
    try {
      const [report] = await this.options.ingest(event);
      outcome = report ? { loaded: true, report } : { loaded: false, errorName: 'NoReport' };
      this.options.log(`[overdue] ${report ? describeReport(report) : `no report for ${key}`}`);
    } catch (error) {
      // The error's class only: messages of unexpected errors may quote feed content.
      outcome = { loaded: false, errorName: (error as Error)?.name ?? 'Error' };
      this.options.log(`[overdue] ingest of ${key} failed: ${outcome.errorName}`);
    }
    for (const watch of this.watches) watch.settle(key, eTag, outcome);
  }
}

class KeyWatch implements UploadWatch {
  private readonly seenTags = new Set<string>();
  private readonly outcomes = new Map<string, IngestOutcome>();
  private readonly waiting = new Map<string, Array<(outcome: IngestOutcome) => void>>();

  constructor(
    private readonly key: string,
    readonly close: () => void,
  ) {}

  seen(key: string, eTag: string): void {
    if (key === this.key) this.seenTags.add(eTag);
  }

  settle(key: string, eTag: string, outcome: IngestOutcome): void {
    if (key !== this.key) return;
    this.outcomes.set(eTag, outcome);
    for (const resolve of this.waiting.get(eTag) ?? []) resolve(outcome);
    this.waiting.delete(eTag);
  }

  outcome(eTag: string, eventTimeoutMs = 10_000): Promise<IngestOutcome> {
    const known = this.outcomes.get(eTag);
    if (known) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      // Only the event's arrival is timed: the ingest itself takes as long as the file needs.
      const timer = setTimeout(() => {
        if (!this.seenTags.has(eTag)) reject(new Error(`no S3 event for ${this.key} (ETag ${eTag})`));
      }, eventTimeoutMs);
      this.waiting.set(eTag, [
        ...(this.waiting.get(eTag) ?? []),
        (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
      ]);
    });
  }
}

/** The URL encoding S3 notifications use for object keys: like a form, '/' kept, spaces as '+'. */
export function encodeS3EventKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');
}

function describeReport(report: FeedReport): string {
  if (report.quarantined) return `feed ${report.key} quarantined: ${report.quarantineReason}`;
  if (!('created' in report)) {
    return (
      `payments ${report.key}: ${report.read} read, ${report.applied} applied, ${report.duplicate} duplicate, ` +
      `${report.paidInFull} paid in full, ${report.rejected} rejected`
    );
  }
  return (
    `feed ${report.key}: ${report.read} read, ${report.created} created, ${report.updated} updated, ` +
    `${report.cured} cured, ${report.stale} stale, ${report.unchanged} unchanged, ${report.rejected} rejected, ` +
    `${report.escalationsRequested} escalation(s) requested`
  );
}
