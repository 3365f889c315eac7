/** What `npm run local -- drop` prints about one upload, and the exit code it ends with. */

import type { FeedDrop } from './feed-drop';

export const EXIT = {
  /** Done; for drop: loaded (rows may have been rejected: they are listed and in the rejects file). */
  ok: 0,
  /** The file was quarantined: nothing in it was applied. */
  quarantined: 1,
  /** The command was wrong: unknown command or option, unreadable file, file name not accepted. */
  usage: 2,
  /** The runtime is not running, or the load failed for a reason that is not the file's. */
  runtime: 3,
} as const;

/** The lines to print and the exit code, from the runtime's answer and the wall time the command measured. */
export function describeDrop(drop: FeedDrop, wallMs: number): { lines: string[]; exitCode: number } {
  const { report } = drop;
  const lines = [
    `dropped s3://${drop.bucket}/${drop.key}  (ETag ${drop.eTag}, ${(wallMs / 1000).toFixed(2)} s wall time)`,
  ];
  if (drop.alreadyLoaded) {
    lines.push(
      'nothing changed: these exact bytes were already loaded under this key; the report below is of that load.',
    );
  }
  if (report.quarantined) {
    lines.push(
      `QUARANTINED: ${report.quarantineReason ?? 'no reason given'}`,
      'nothing in the file was applied.',
    );
  } else {
    lines.push(`${'created' in report ? 'overdue feed' : 'payments feed'}: ${counts(report)}`);
    if (!drop.alreadyLoaded && changedNothing(report)) {
      lines.push(
        'created' in report
          ? "nothing changed: each row's account already holds a row of the same or a later as_of (a row changes a case only with a later as_of: send a correction in the next day's feed)."
          : 'nothing changed: every payment id in the file was posted before.',
      );
    }
  }
  if (drop.rejectsShown.length > 0) {
    lines.push(
      'rejected rows (line,account_id,field,reason):',
      ...drop.rejectsShown.map((row) => `  ${row}`),
    );
    if (drop.rejectsShown.length < report.rejected) lines.push(`  … ${report.rejected} in all`);
  }
  lines.push(
    `report   s3://${drop.bucket}/${drop.reportKey}`,
    `rejects  s3://${drop.bucket}/${drop.rejectsKey}`,
    `read them with: curl -s '${drop.reportUrl}'`,
    `                curl -s '${drop.rejectsUrl}'`,
  );
  return { lines, exitCode: report.quarantined ? EXIT.quarantined : EXIT.ok };
}

function counts(report: FeedDrop['report']): string {
  const parts: Array<[string, number]> =
    'created' in report
      ? [
          ['read', report.read],
          ['created', report.created],
          ['updated', report.updated],
          ['cured', report.cured],
          ['stale', report.stale],
          ['unchanged', report.unchanged],
          ['rejected', report.rejected],
          ['escalations requested', report.escalationsRequested],
        ]
      : [
          ['read', report.read],
          ['applied', report.applied],
          ['duplicate', report.duplicate],
          ['paid in full', report.paidInFull],
          ['rejected', report.rejected],
        ];
  return parts.map(([name, count]) => `${count} ${name}`).join(', ');
}

/** A load whose rows all matched what was stored (the same rows under another name, or payments seen before). */
function changedNothing(report: FeedDrop['report']): boolean {
  if (report.read === 0 || report.rejected > 0) return false;
  return 'created' in report ? report.unchanged === report.read : report.duplicate === report.read;
}
