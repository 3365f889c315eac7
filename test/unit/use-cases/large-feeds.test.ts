/**
 * Large feeds: intake cuts them into segments (byte ranges) and hands them to a Distributed Map run whose
 * children read their range with the same reader. The same file loads identically either way, and nothing
 * the map carries (items, results, manifests) holds a row.
 */

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CollectionCase } from '../../../lambdas/domain/collection-case';
import type { Segment } from '../../../lambdas/feeds/segments';
import { makeFeedLoadFinishHandler } from '../../../lambdas/handlers/feed-load-finish';
import { makeFeedLoadSegmentHandler } from '../../../lambdas/handlers/feed-load-segment';
import type { FeedLoadInput } from '../../../lambdas/ports/workflow';
import { type FeedReport, ingestFeed } from '../../../lambdas/use-cases/ingest-feed';
import { createFakeWorld, csvOf, DEBTOR, type FakeWorld, feedRow } from '../../support/fakes';
import { encodeGb18030 } from '../../support/gb18030';

const KEY = 'incoming/demo-bank/huge.csv';
const SEGMENT_ROWS = 40;

function worldWithLoader() {
  const world = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
  const handedOver: FeedLoadInput[] = [];
  const deps = {
    ...world,
    largeFeeds: {
      thresholdBytes: 100,
      segmentRows: SEGMENT_ROWS,
      loader: { startFeedLoad: async (input: FeedLoadInput) => void handedOver.push(input) },
    },
  };
  return { world, deps, handedOver };
}

/** What the Distributed Map run does with a hand-over: one child per segment, then the last step. */
async function runMap(
  world: FakeWorld,
  input: FeedLoadInput,
): Promise<{ report: FeedReport; carried: string }> {
  // The item reader iterates the manifest, a JSON array: anything else makes the run fail in AWS.
  const manifest = JSON.parse(world.storage.files.get(input.manifestKey) ?? 'null') as Segment[];
  expect(Array.isArray(manifest)).toBe(true);
  const loadSegment = makeFeedLoadSegmentHandler(() => world);
  const executions: Array<{ Input: string; Output: string }> = [];
  for (const segment of manifest) {
    // The item selector's shape (lib/constructs/feed-load-state-machine.ts).
    const item = {
      segment,
      key: input.key,
      version: input.version,
      bankId: input.bankId,
      manifestKey: input.manifestKey,
    };
    executions.push({ Input: JSON.stringify(item), Output: JSON.stringify(await loadSegment(item)) });
  }
  // What the result writer leaves: a manifest and result files of child executions (last first: any order).
  world.storage.files.set('feed-loads/run/SUCCEEDED_0.json', JSON.stringify(executions.reverse()));
  world.storage.files.set(
    'feed-loads/run/manifest.json',
    JSON.stringify({ ResultFiles: { SUCCEEDED: [{ Key: 'feed-loads/run/SUCCEEDED_0.json' }], FAILED: [] } }),
  );
  const finishInput = { ...input, resultManifestKey: 'feed-loads/run/manifest.json' };
  const report = await makeFeedLoadFinishHandler(() => world)(finishInput);
  const carried = [
    JSON.stringify(input),
    world.storage.files.get(input.manifestKey),
    world.storage.files.get(input.manifestKey.replace(/manifest\.json$/, 'file.json')),
    world.storage.files.get('feed-loads/run/SUCCEEDED_0.json'),
    JSON.stringify(finishInput),
  ].join('\n');
  return { report, carried };
}

/** A feed that exercises the reader: quoted commas and line breaks, CRLF, blank lines, a BOM, bad rows. */
function trickyFeed(rows = 300): string {
  const body = Array.from({ length: rows }, (_, i) => {
    const name = i % 7 === 0 ? `"${DEBTOR.name},\r\n第${i}号"` : i % 5 === 0 ? `Li "Lei"` : `欧阳${i}`;
    return {
      ...feedRow({
        account_id: `ACC-${i}`,
        customer_name: name,
        mobile: `1390000${String(i).padStart(4, '0')}`,
        as_of: i % 31 === 0 ? '2026-02-30' : '2026-03-01',
      }),
      address: i % 11 === 0 ? 'line one\nline two' : '',
    };
  });
  const csv = csvOf(body, [...Object.keys(feedRow()), 'address']);
  // Quote-free names that csvOf left raw become quoted here; CRLF line ends with some blank lines between.
  const lines = csv.replace(/Li "Lei"/g, '"Li ""Lei"""').split('\n');
  return `\uFEFF${lines.map((line, i) => (i % 50 === 25 ? `${line}\r\n` : line)).join('\r\n')}`;
}

function comparable(world: FakeWorld): Array<Partial<CollectionCase>> {
  return world.cases.all().map(({ pii, createdAt, updatedAt, ...rest }) => ({
    ...rest,
    pii: { ...pii, ciphertext: '', wrappedKey: '' },
  }));
}

async function loadBothWays(bytes: Buffer, key = KEY) {
  const inline = createFakeWorld({ now: '2026-03-01T02:00:00Z' });
  inline.storage.drop(key, bytes);
  const inlineReport = await ingestFeed(inline, { key, version: 'v1', size: bytes.length });

  const { world, deps, handedOver } = worldWithLoader();
  world.storage.drop(key, bytes);
  const handOver = await ingestFeed(deps, { key, version: 'v1', size: bytes.length });
  expect(handOver).toMatchObject({ handedOver: true, read: 0 });
  expect(world.cases.cases.size, 'nothing applied by intake itself').toBe(0);
  const [input] = handedOver;
  if (!input) throw new Error('not handed over');
  const { report, carried } = await runMap(world, input);
  return { inline, inlineReport, world, report, carried, input };
}

const COUNTS = [
  'read',
  'created',
  'updated',
  'cured',
  'stale',
  'unchanged',
  'rejected',
  'escalationsRequested',
] as const;

describe('a large feed loads the same through the Distributed Map as in one invocation', () => {
  it('gives the same cases, counts and rejects (lines as in the file) for a tricky UTF-8 CSV', async () => {
    const { inline, inlineReport, world, report } = await loadBothWays(Buffer.from(trickyFeed(), 'utf8'));

    expect(inlineReport.rejected).toBeGreaterThan(0);
    for (const count of COUNTS) expect(report[count], count).toBe(inlineReport[count]);
    expect(comparable(world)).toEqual(comparable(inline));
    expect(world.storage.files.get(`rejects/${KEY}.csv`)).toBe(
      inline.storage.files.get(`rejects/${KEY}.csv`),
    );
    expect(world.escalationQueue.sent.map((r) => r.caseId).sort()).toEqual(
      inline.escalationQueue.sent.map((r) => r.caseId).sort(),
    );
  });

  it('reads a GBK file in segments with the encoding the whole-file check found', async () => {
    // The first segments are ASCII: read alone they could be taken for anything; the check pass decided.
    const rows = Array.from({ length: 200 }, (_, i) =>
      feedRow({ account_id: `ACC-${i}`, customer_name: i < 150 ? 'Li Lei' : `张${i}` }),
    );
    const bytes = encodeGb18030(csvOf(rows));
    const { inline, inlineReport, world, report } = await loadBothWays(bytes);

    expect(report).toMatchObject({ created: 200, rejected: 0 });
    for (const count of COUNTS) expect(report[count], count).toBe(inlineReport[count]);
    expect(comparable(world)).toEqual(comparable(inline));
    expect(world.cases.cases.get('demo-bank:ACC-199')?.masked.name).toBe('张***');
  });

  it('reads JSON Lines in segments too, BOM and blank lines included', async () => {
    const lines = Array.from({ length: 150 }, (_, i) => JSON.stringify(feedRow({ account_id: `ACC-${i}` })));
    lines.splice(40, 0, '', 'not json');
    const key = 'incoming/demo-bank/huge.jsonl';
    const { inline, inlineReport, world, report } = await loadBothWays(
      Buffer.from(`\uFEFF${lines.join('\n')}\n`),
      key,
    );

    expect(report).toMatchObject({ created: 150, rejected: 1 });
    for (const count of COUNTS) expect(report[count], count).toBe(inlineReport[count]);
    expect(comparable(world)).toEqual(comparable(inline));
    expect(world.storage.files.get(`rejects/${key}.csv`)).toBe(
      inline.storage.files.get(`rejects/${key}.csv`),
    );
  });

  it('carries no row through Step Functions: items, results and manifests hold ids, offsets and counts', async () => {
    const { carried, world, input } = await loadBothWays(Buffer.from(trickyFeed(), 'utf8'));

    for (const plain of [DEBTOR.name, '欧阳', '13900000', 'Lei', 'line two', DEBTOR.email, '4321']) {
      expect(carried).not.toContain(plain);
    }
    expect(input.manifestKey).toMatch(
      /^feed-loads\/incoming\/demo-bank\/huge\.csv\/[0-9a-f]{16}\/manifest\.json$/,
    );
    for (const [key, text] of world.storage.files) {
      if (key === KEY) continue;
      for (const plain of [DEBTOR.name, '欧阳', '13900000']) expect(text, key).not.toContain(plain);
    }
  });

  it('hands a redelivered event for the same version over only once, and loads nothing itself', async () => {
    const { world, deps, handedOver } = worldWithLoader();
    world.storage.drop(
      KEY,
      csvOf(Array.from({ length: 100 }, (_, i) => feedRow({ account_id: `ACC-${i}` }))),
    );

    await ingestFeed(deps, { key: KEY, version: 'v1', size: 5_000 });
    const again = await ingestFeed(deps, { key: KEY, version: 'v1', size: 5_000 });

    expect(again).toMatchObject({ handedOver: true });
    expect(handedOver).toHaveLength(1);
    expect(world.cases.cases.size).toBe(0);
  });

  it('still quarantines a large file with a fault before handing anything over', async () => {
    const { world, deps, handedOver } = worldWithLoader();
    world.storage.drop(KEY, `${csvOf([feedRow()])}ACC-9,"open quote\n`);
    const report = await ingestFeed(deps, { key: KEY, size: 5_000 });
    expect(report.quarantined).toBe(true);
    expect(handedOver).toEqual([]);
  });

  it('loads a large gzipped file in the invocation (a gzip cannot be read from the middle)', async () => {
    const { world, deps, handedOver } = worldWithLoader();
    world.storage.drop(KEY, gzipSync(csvOf([feedRow({ account_id: 'ACC-GZ' })])));
    expect(await ingestFeed(deps, { key: KEY, size: 5_000 })).toMatchObject({ created: 1 });
    expect(handedOver).toEqual([]);
  });
});

describe('the last step of the map run', () => {
  it('fails rather than write a report that misses rows when a child failed or a segment has no result', async () => {
    const { world, deps, handedOver } = worldWithLoader();
    world.storage.drop(
      KEY,
      csvOf(Array.from({ length: 100 }, (_, i) => feedRow({ account_id: `ACC-${i}` }))),
    );
    await ingestFeed(deps, { key: KEY, version: 'v1', size: 5_000 });
    const input = handedOver[0] as FeedLoadInput;
    const finish = makeFeedLoadFinishHandler(() => world);
    world.storage.files.set(
      'feed-loads/run-2/manifest.json',
      JSON.stringify({ ResultFiles: { SUCCEEDED: [], FAILED: [{ Key: 'feed-loads/run-2/FAILED_0.json' }] } }),
    );
    await expect(finish({ ...input, resultManifestKey: 'feed-loads/run-2/manifest.json' })).rejects.toThrow(
      'failed or pending',
    );
    world.storage.files.set(
      'feed-loads/run-3/manifest.json',
      JSON.stringify({ ResultFiles: { SUCCEEDED: [] } }),
    );
    await expect(finish({ ...input, resultManifestKey: 'feed-loads/run-3/manifest.json' })).rejects.toThrow(
      'have no result',
    );
    expect(world.storage.files.has(`reports/${KEY}.json`)).toBe(false);
  });

  it('counts a segment once when the result files list a retried child twice', async () => {
    const { world, deps, handedOver } = worldWithLoader();
    world.storage.drop(
      KEY,
      csvOf(Array.from({ length: 100 }, (_, i) => feedRow({ account_id: `ACC-${i}` }))),
    );
    await ingestFeed(deps, { key: KEY, version: 'v1', size: 5_000 });
    const { report } = await runMap(world, handedOver[0] as FeedLoadInput);
    const results = JSON.parse(world.storage.files.get('feed-loads/run/SUCCEEDED_0.json') ?? '[]');
    world.storage.files.set('feed-loads/run/SUCCEEDED_0.json', JSON.stringify([...results, ...results]));

    const again = await makeFeedLoadFinishHandler(() => world)({
      ...(handedOver[0] as FeedLoadInput),
      resultManifestKey: 'feed-loads/run/manifest.json',
    });

    expect(again).toMatchObject({ read: report.read, created: report.created });
  });
});
