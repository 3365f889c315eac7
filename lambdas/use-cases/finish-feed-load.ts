/**
 * Ends the Distributed Map run of a large overdue feed: adds up what each segment did and writes the
 * file's report and rejects, as a file loaded in one go gets them.
 * Input: the run's input and where its result writer put its manifest. Output: the feed report.
 * 1. Read the result manifest; every child must have succeeded (a failed child fails the run, and its
 *    segment can be loaded again: the row writes are idempotent).
 * 2. Sum the counts; join the segments' rejects parts in segment order (lines ascending) into one file.
 * 3. Write `reports/<key>.json` and `rejects/<key>.csv`.
 */

import { writeJoinedRejects } from '../feeds/feed-file';
import type { Clock } from '../ports/clock';
import type { FeedStorage } from '../ports/feed-storage';
import type { FeedLoadInput } from '../ports/workflow';
import { emptyRowCounts, type FeedReport } from './ingest-feed';
import { readSegments, type SegmentResult, segmentRejectsKey } from './load-feed-segment';

interface ResultManifest {
  readonly ResultFiles?: Partial<Record<'SUCCEEDED' | 'FAILED' | 'PENDING', ReadonlyArray<{ Key: string }>>>;
}

export async function finishFeedLoad(
  deps: { readonly storage: FeedStorage; readonly clock: Clock },
  input: FeedLoadInput & { readonly resultManifestKey: string },
): Promise<FeedReport> {
  const resultText = await deps.storage.readText(input.resultManifestKey);
  if (resultText === undefined) throw new Error(`no result manifest at ${input.resultManifestKey}`);
  const results = JSON.parse(resultText) as ResultManifest;
  const failed = (results.ResultFiles?.FAILED?.length ?? 0) + (results.ResultFiles?.PENDING?.length ?? 0);
  if (failed > 0) throw new Error(`${failed} result file(s) of failed or pending segments`);
  const counts = emptyRowCounts();
  const done = new Set<number>();
  for (const { Key } of results.ResultFiles?.SUCCEEDED ?? []) {
    const executions = JSON.parse((await deps.storage.readText(Key)) ?? '[]') as Array<{ Output?: string }>;
    for (const execution of executions) {
      const result = JSON.parse(execution.Output ?? '{}') as Partial<SegmentResult>;
      // A child retried by the map reports once in the results; count each segment once all the same.
      if (typeof result.index !== 'number' || done.has(result.index)) continue;
      done.add(result.index);
      for (const name of Object.keys(counts) as Array<keyof typeof counts>) {
        counts[name] += Number(result.counts?.[name]) || 0;
      }
    }
  }
  const segments = await readSegments(deps.storage, input.manifestKey);
  const missing = segments.filter((segment) => !done.has(segment.index)).length;
  if (missing > 0) throw new Error(`${missing} segment(s) have no result`);
  await writeJoinedRejects(
    deps.storage,
    `rejects/${input.key}.csv`,
    segments.map((segment) => segmentRejectsKey(input.manifestKey, segment.index)),
  );
  const report: FeedReport = {
    key: input.key,
    ...(input.version ? { sourceVersion: input.version } : {}),
    bankId: input.bankId,
    ...counts,
    quarantined: false,
    durationMs: deps.clock.now().getTime() - new Date(input.startedAt).getTime(),
  };
  await deps.storage.put(
    `reports/${input.key}.json`,
    `${JSON.stringify(report, null, 2)}\n`,
    'application/json',
  );
  return report;
}
