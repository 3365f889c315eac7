/**
 * Ends the Distributed Map run of a large overdue feed: adds up what each batch did and writes the
 * file's report and rejects, as a file loaded in one go gets them.
 * Input: the run's input and where its ResultWriter put the manifest. Output: the feed report.
 * 1. Read the manifest; every batch must have succeeded (a failed batch fails the run, and Lambda-side
 *    retries of the whole file are idempotent).
 * 2. Sum the counts, gather the rejects in line order, write `reports/<key>.json` and `rejects/<key>.csv`.
 */

import { writeFeedOutputs } from '../feeds/feed-file';
import type { RowReject } from '../feeds/rejects';
import type { Clock } from '../ports/clock';
import type { FeedStorage } from '../ports/feed-storage';
import type { FeedLoadInput } from '../ports/workflow';
import type { FeedReport } from './ingest-feed';
import { emptyRowCounts } from './ingest-feed';
import type { BatchResult } from './load-feed-batch';

interface Manifest {
  readonly ResultFiles?: Partial<Record<'SUCCEEDED' | 'FAILED' | 'PENDING', ReadonlyArray<{ Key: string }>>>;
}

export async function finishFeedLoad(
  deps: { readonly storage: FeedStorage; readonly clock: Clock },
  input: FeedLoadInput & { readonly manifestKey: string },
): Promise<FeedReport> {
  const manifestText = await deps.storage.readText(input.manifestKey);
  if (manifestText === undefined) throw new Error(`no manifest at ${input.manifestKey}`);
  const manifest = JSON.parse(manifestText) as Manifest;
  const failed = (manifest.ResultFiles?.FAILED?.length ?? 0) + (manifest.ResultFiles?.PENDING?.length ?? 0);
  if (failed > 0) throw new Error(`${failed} result file(s) of failed or pending batches`);
  const counts = emptyRowCounts();
  const rejects: RowReject[] = [];
  for (const { Key } of manifest.ResultFiles?.SUCCEEDED ?? []) {
    const executions = JSON.parse((await deps.storage.readText(Key)) ?? '[]') as Array<{ Output?: string }>;
    for (const execution of executions) {
      const batch = JSON.parse(execution.Output ?? '{}') as Partial<BatchResult>;
      for (const name of Object.keys(counts) as Array<keyof typeof counts>) {
        counts[name] += Number(batch.counts?.[name]) || 0;
      }
      rejects.push(...(batch.rejects ?? []));
    }
  }
  rejects.sort((a, b) => a.line - b.line);
  const report: FeedReport = {
    key: input.key,
    ...(input.version ? { sourceVersion: input.version } : {}),
    bankId: input.bankId,
    ...counts,
    quarantined: false,
    durationMs: deps.clock.now().getTime() - new Date(input.startedAt).getTime(),
  };
  await writeFeedOutputs(deps.storage, input.key, report, rejects);
  return report;
}
