/**
 * Loads one segment of a large overdue feed, as a Distributed Map run hands it over: a reference to bytes
 * of the file, never its rows (no personal data passes through Step Functions).
 * Input: the file, the bank, the manifest the check pass wrote, and one of its segments.
 * Output: the segment's counts (the run's result writer keeps them); its rejects go to a part object.
 * 1. Read the file plan beside the manifest: the file's format, encoding and where its header is.
 * 2. Read the header's bytes and the segment's bytes with the same reader as a whole file, lines numbered
 *    as in the file.
 * 3. Apply the rows through the same row loop as a whole file (applyFeedRows).
 * 4. Write the segment's rejects as `feed-loads/<key>/<tag>/rejects/seg-<index>.csv` (no header).
 */

import { PassThrough, type Readable } from 'node:stream';
import { feedRecords } from '../feeds/records';
import { type RowReject, rejectLines } from '../feeds/rejects';
import type { FeedFilePlan, Segment } from '../feeds/segments';
import type { BankDirectory } from '../ports/bank-directory';
import type { FeedStorage } from '../ports/feed-storage';
import { applyFeedRows, emptyRowCounts, type RowCounts, type RowDeps } from './ingest-feed';

export interface LoadFeedSegmentDeps extends RowDeps {
  readonly storage: FeedStorage;
  readonly banks: BankDirectory;
}

export interface SegmentInput {
  readonly key: string;
  readonly bankId: string;
  readonly manifestKey: string;
  readonly segment: Segment;
}

export interface SegmentResult {
  readonly index: number;
  readonly counts: RowCounts;
}

const REQUIRED_COLUMNS = ['account_id', 'as_of', 'customer_name'] as const;

export async function loadFeedSegment(
  deps: LoadFeedSegmentDeps,
  input: SegmentInput,
): Promise<SegmentResult> {
  const bank = deps.banks.get(input.bankId);
  if (!bank) throw new Error(`bank ${input.bankId} is not served`);
  const plan = await readFilePlan(deps.storage, input.manifestKey);
  if (plan.key !== input.key) throw new Error('the manifest describes another file');
  const { segment } = input;
  const counts = emptyRowCounts();
  const rejects: RowReject[] = [];
  const records = feedRecords(
    await segmentBytes(deps.storage, plan, segment),
    plan.format,
    REQUIRED_COLUMNS,
    {
      ...(plan.encoding ? { presetEncoding: plan.encoding } : {}),
      // The reader numbers the header's lines first; the segment's first record is on `segment.line`.
      lineOffset: segment.line - plan.header.endLine,
    },
  );
  await applyFeedRows(deps, bank, records, counts, {
    reject: (reject) => rejects.push(reject),
    timeShort: () => false,
    checkpoint: async () => 'go-on',
    // A segment is loaded in one go: a failed child is run again whole.
    checkpointRows: Number.POSITIVE_INFINITY,
  });
  await deps.storage.put(
    segmentRejectsKey(input.manifestKey, segment.index),
    rejectLines(rejects),
    'text/csv',
  );
  return { index: segment.index, counts };
}

/** The manifest: the JSON array of segments the map's item reader iterates. */
export async function readSegments(storage: FeedStorage, manifestKey: string): Promise<Segment[]> {
  const text = await storage.readText(manifestKey);
  if (text === undefined) throw new Error(`no manifest at ${manifestKey}`);
  return JSON.parse(text) as Segment[];
}

/** How to read any segment of the file: beside the manifest. */
export function filePlanKey(manifestKey: string): string {
  return `${manifestKey.replace(/\/manifest\.json$/, '')}/file.json`;
}

async function readFilePlan(storage: FeedStorage, manifestKey: string): Promise<FeedFilePlan> {
  const text = await storage.readText(filePlanKey(manifestKey));
  if (text === undefined) throw new Error(`no file plan beside ${manifestKey}`);
  return JSON.parse(text) as FeedFilePlan;
}

/** Where a segment's rejects go: beside the manifest. */
export function segmentRejectsKey(manifestKey: string, index: number): string {
  return `${manifestKey.replace(/\/manifest\.json$/, '')}/rejects/seg-${String(index).padStart(6, '0')}.csv`;
}

/** The header's bytes, then the segment's, as one stream. */
async function segmentBytes(storage: FeedStorage, plan: FeedFilePlan, segment: Segment): Promise<Readable> {
  const versionId = plan.versionId;
  const parts = [plan.header, segment];
  const joined = new PassThrough();
  (async () => {
    for (const range of parts) {
      if (range.end <= range.start) continue;
      const body = await storage.open(plan.key, { ...(versionId ? { versionId } : {}), range });
      for await (const chunk of body)
        if (!joined.write(chunk)) await new Promise((resolve) => joined.once('drain', resolve));
    }
    joined.end();
  })().catch((error: unknown) => joined.destroy(error as Error));
  return joined;
}
