/** `drop`, offline: a feed's bytes into the drop bucket through the S3 API as they are, then the report of that very upload. */

import type { Readable } from 'node:stream';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { formatOfKey } from '../../lambdas/feeds/records';
import type { FeedStorage } from '../../lambdas/ports/feed-storage';
import { BadRequestError } from './http';
import type { FeedReport, S3EventBridge } from './s3-event-bridge';

export const FEED_PREFIXES = ['incoming', 'payments'] as const;
export type FeedPrefix = (typeof FEED_PREFIXES)[number];

/** The largest file `drop` takes: a guard against filling the disk by mistake, far above any bank's daily feed. */
export const MAX_DROP_BYTES = 1024 ** 3;

/** How many rejects the answer quotes (line, account_id, field, reason: no personal data). */
const REJECTS_SHOWN = 5;

/**
 * A file's own name, kept as the last part of the key: letters and digits of any script, then also space
 * . _ - + ( ). No '/', no leading dot or space; at most 200 characters.
 */
const FILE_NAME = /^[\p{L}\p{N}_][\p{L}\p{N} ._()+-]{0,199}$/u;

export interface FeedUpload {
  readonly feed: FeedPrefix;
  readonly bank: string;
  readonly name: string;
}

export interface FeedDrop {
  readonly bucket: string;
  readonly key: string;
  /** The upload's ETag (the MD5 of its bytes): the version intake records in the report. */
  readonly eTag: string;
  readonly report: FeedReport;
  /** The same bytes had already been loaded under this key: the report is that load's, nothing changed. */
  readonly alreadyLoaded: boolean;
  readonly reportKey: string;
  readonly rejectsKey: string;
  /** Where s3rver serves the report and the rejects without signing (`curl` reads them). */
  readonly reportUrl: string;
  readonly rejectsUrl: string;
  /** The first rejects, as lines of the rejects file. */
  readonly rejectsShown: string[];
}

/** A failure of the load that is not the file's fault (the ingest threw): the upload is in the bucket. */
export class IngestFailedError extends Error {
  constructor(
    readonly key: string,
    readonly errorName: string,
  ) {
    super(`the ingest of ${key} failed (${errorName}); see the log of npm start`);
    this.name = 'IngestFailedError';
  }
}

/** The key an upload goes to, or a BadRequestError saying what is wrong with the request. */
export function feedKey(upload: FeedUpload): string {
  const { feed, bank, name } = upload;
  if (!(FEED_PREFIXES as readonly string[]).includes(feed))
    throw new BadRequestError(`the feed is one of ${FEED_PREFIXES.join(', ')}`);
  if (!/^[a-z0-9-]{2,32}$/.test(bank))
    throw new BadRequestError('the bank must be a bank id: 2 to 32 of a-z, 0-9 and -');
  if (!FILE_NAME.test(name)) {
    throw new BadRequestError(
      'the file name must start with a letter or digit and hold only letters, digits, space and . _ - + ( ) ' +
        '(at most 200 characters)',
    );
  }
  if (!formatOfKey(name))
    throw new BadRequestError(`${name} is not a feed file: name it .csv, .csv.gz, .jsonl or .jsonl.gz`);
  return `${feed}/${bank}/${name}`;
}

export interface FeedDropDeps {
  readonly s3: S3Client;
  readonly s3Endpoint: string;
  readonly bucket: string;
  readonly storage: FeedStorage;
  readonly bridge: S3EventBridge;
}

/**
 * 1. Reads the report the key has now, to tell a re-drop of the same bytes from a new load.
 * 2. Watches the key on the event bridge, then puts the bytes with PutObject (s3rver emits the event).
 * 3. Waits for the outcome of the event carrying this upload's ETag, and returns its report.
 */
export async function dropFeed(
  deps: FeedDropDeps,
  key: string,
  body: Readable | Uint8Array | string,
  size?: number,
): Promise<FeedDrop> {
  const reportKey = `reports/${key}.json`;
  const rejectsKey = `rejects/${key}.csv`;
  const before = await previousVersion(deps.storage, reportKey);
  const watch = deps.bridge.watch(key);
  try {
    const put = await deps.s3.send(
      new PutObjectCommand({
        Bucket: deps.bucket,
        Key: key,
        Body: body,
        ...(size === undefined ? {} : { ContentLength: size }),
        ContentType: contentTypeOf(key),
      }),
    );
    const eTag = (put.ETag ?? '').replace(/"/g, '');
    const outcome = await watch.outcome(eTag);
    if (!outcome.loaded) throw new IngestFailedError(key, outcome.errorName);
    const rejects = (await deps.storage.readText(rejectsKey)) ?? '';
    return {
      bucket: deps.bucket,
      key,
      eTag,
      report: outcome.report,
      alreadyLoaded: before === eTag,
      reportKey,
      rejectsKey,
      reportUrl: objectUrl(deps, reportKey),
      rejectsUrl: objectUrl(deps, rejectsKey),
      rejectsShown: rejects
        .split('\n')
        .slice(1, 1 + REJECTS_SHOWN)
        .filter(Boolean),
    };
  } finally {
    watch.close();
  }
}

async function previousVersion(storage: FeedStorage, reportKey: string): Promise<string | undefined> {
  const text = await storage.readText(reportKey);
  if (text === undefined) return undefined;
  try {
    return (JSON.parse(text) as { sourceVersion?: string }).sourceVersion;
  } catch {
    return undefined;
  }
}

function objectUrl(deps: FeedDropDeps, key: string): string {
  return `${deps.s3Endpoint}/${deps.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

function contentTypeOf(key: string): string {
  if (/\.gz$/i.test(key)) return 'application/gzip';
  return /\.jsonl$/i.test(key) ? 'application/jsonl' : 'text/csv';
}
