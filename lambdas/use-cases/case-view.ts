/** What staff see of a case: everything needed to work it, personal data masked. */

import type { CollectionCase } from '../domain/collection-case';
import { formatMoney } from '../domain/money';

export interface CaseView {
  readonly caseId: string;
  readonly bankId: string;
  readonly accountId: string;
  readonly status: CollectionCase['status'];
  readonly asOf: string;
  readonly dueDate: string;
  readonly daysPastDue: number;
  readonly bucket: CollectionCase['bucket'];
  readonly overdue: { readonly amountMinor: number; readonly currency: string; readonly display: string };
  readonly customer: CollectionCase['masked'];
  readonly cardLast4?: string;
  readonly timeZone: string;
  readonly language: CollectionCase['language'];
  readonly flags: CollectionCase['flags'];
  readonly completedSteps: readonly string[];
  readonly updatedAt: string;
}

export function toCaseView(found: CollectionCase): CaseView {
  return {
    caseId: found.caseId,
    bankId: found.bankId,
    accountId: found.accountId,
    status: found.status,
    asOf: found.asOf,
    dueDate: found.dueDate,
    daysPastDue: found.daysPastDue,
    bucket: found.bucket,
    overdue: { ...found.overdue, display: formatMoney(found.overdue) },
    customer: found.masked,
    ...(found.cardLast4 ? { cardLast4: found.cardLast4 } : {}),
    timeZone: found.timeZone,
    language: found.language,
    flags: found.flags,
    completedSteps: found.completedSteps,
    updatedAt: found.updatedAt,
  };
}
