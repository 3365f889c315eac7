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

export function rejectsCsv(rejects: readonly RowReject[]): string {
  const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const lines = rejects.map((r) => [String(r.line), r.accountId, r.field, r.reason].map(quote).join(','));
  return `${['line,account_id,field,reason', ...lines].join('\n')}\n`;
}
