/** What `drop` says about an upload, and its exit code: counts, quarantine, nothing changed, where to read more. */

import { describe, expect, it } from 'vitest';
import { describeDrop, EXIT } from '../../bin/offline/drop-summary';
import type { FeedDrop } from '../../bin/offline/feed-drop';

const KEY = 'incoming/demo-bank/feed.csv';

function dropOf(report: Partial<FeedDrop['report']>, overrides: Partial<FeedDrop> = {}): FeedDrop {
  return {
    bucket: 'overdue-local-drop',
    key: KEY,
    eTag: '5dd402aaa76daaf890d3ed4f0d5d48ef',
    report: {
      key: KEY,
      bankId: 'demo-bank',
      quarantined: false,
      durationMs: 0,
      read: 2,
      created: 2,
      updated: 0,
      cured: 0,
      stale: 0,
      unchanged: 0,
      rejected: 0,
      escalationsRequested: 2,
      ...report,
    } as FeedDrop['report'],
    alreadyLoaded: false,
    reportKey: `reports/${KEY}.json`,
    rejectsKey: `rejects/${KEY}.csv`,
    reportUrl: `http://127.0.0.1:4569/overdue-local-drop/reports/${KEY}.json`,
    rejectsUrl: `http://127.0.0.1:4569/overdue-local-drop/rejects/${KEY}.csv`,
    rejectsShown: [],
    ...overrides,
  };
}

describe('drop summary', () => {
  it('gives the counts, the wall time and where the report and rejects are, and exits 0', () => {
    const { lines, exitCode } = describeDrop(dropOf({}), 1234);

    expect(exitCode).toBe(EXIT.ok);
    expect(lines[0]).toBe(
      `dropped s3://overdue-local-drop/${KEY}  (ETag 5dd402aaa76daaf890d3ed4f0d5d48ef, 1.23 s wall time)`,
    );
    expect(lines).toContain(
      'overdue feed: 2 read, 2 created, 0 updated, 0 cured, 0 stale, 0 unchanged, 0 rejected, 2 escalations requested',
    );
    expect(lines).toContain(`report   s3://overdue-local-drop/reports/${KEY}.json`);
    expect(lines).toContain(`rejects  s3://overdue-local-drop/rejects/${KEY}.csv`);
    expect(lines.join('\n')).toContain(
      `curl -s 'http://127.0.0.1:4569/overdue-local-drop/reports/${KEY}.json'`,
    );
    expect(lines.join('\n')).not.toContain('nothing changed');
  });

  it('exits 1 with the quarantine reason and no counts', () => {
    const { lines, exitCode } = describeDrop(
      dropOf({ quarantined: true, quarantineReason: 'undecodable bytes', read: 0 }),
      10,
    );

    expect(exitCode).toBe(EXIT.quarantined);
    expect(lines).toContain('QUARANTINED: undecodable bytes');
    expect(lines.join('\n')).not.toContain('overdue feed:');
  });

  it('says nothing changed when the same bytes were already loaded under the key', () => {
    const { lines } = describeDrop(dropOf({}, { alreadyLoaded: true }), 10);

    expect(lines[1]).toBe(
      'nothing changed: these exact bytes were already loaded under this key; the report below is of that load.',
    );
  });

  it('says nothing changed when every row of a new file matched what is stored', () => {
    const { lines } = describeDrop(
      dropOf({ read: 3, created: 0, unchanged: 3, escalationsRequested: 0 }),
      10,
    );

    expect(lines).toContain(
      "nothing changed: each row's account already holds a row of the same or a later as_of (a row changes a case only with a later as_of: send a correction in the next day's feed).",
    );
  });

  it('counts payments in their own terms and lists the first rejects, saying how many there are in all', () => {
    const report = {
      key: 'payments/demo-bank/paid.csv',
      bankId: 'demo-bank',
      quarantined: false,
      durationMs: 0,
      read: 9,
      applied: 1,
      duplicate: 0,
      paidInFull: 1,
      rejected: 8,
    };
    const shown = ['2,ACC-1,account_id,unknown account', '3,ACC-2,account_id,unknown account'];
    const { lines, exitCode } = describeDrop(dropOf({}, { report, rejectsShown: shown }), 10);

    expect(exitCode).toBe(EXIT.ok);
    expect(lines).toContain('payments feed: 9 read, 1 applied, 0 duplicate, 1 paid in full, 8 rejected');
    expect(lines).toContain('  2,ACC-1,account_id,unknown account');
    expect(lines).toContain('  … 8 in all');
  });
});
