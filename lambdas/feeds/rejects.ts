/** The rejects file of a feed: line, account id, field and reason per rejected row, never personal data. */

import { containsCardNumber } from '../domain/card-number';

export interface RowReject {
  readonly line: number;
  readonly accountId: string;
  readonly field: string;
  readonly reason: string;
}

/** Account ids go into the rejects file only when they look like ids, so a misplaced name never does. */
export function safeAccountId(value: string | undefined): string {
  const id = value?.trim() ?? '';
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) && !containsCardNumber(id) ? id : '';
}

/**
 * One field of the rejects file. Banks open it in a spreadsheet, which runs a cell starting with `=`, `+`,
 * `-` or `@` (or a tab or CR before one) as a formula: such a field is written after a `'`, which makes it
 * text (OWASP, CSV injection). A field holding a comma, quote, CR or LF is quoted, `""` for a quote.
 */
export function rejectsField(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const REJECTS_HEADER = 'line,account_id,field,reason\n';

/** The rejects file in one piece: for a file whose rejects are few enough to hold. */
export function rejectsCsv(rejects: readonly RowReject[]): string {
  return REJECTS_HEADER + rejectLines(rejects);
}

/** Rejects as CSV lines without the header, each ending in a line break: one part of a rejects file. */
export function rejectLines(rejects: readonly RowReject[]): string {
  let text = '';
  for (const r of rejects) {
    text += `${[String(r.line), r.accountId, r.field, r.reason].map(rejectsField).join(',')}\n`;
  }
  return text;
}
