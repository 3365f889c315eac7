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
  /** Steps of the cycle no longer due: carried out, or passed over (the trail says which, and why). */
  readonly completedSteps: readonly string[];
  /** Where the escalation stands (running, paused, parked, ended), why, and the ladder version it keeps. */
  readonly escalation: {
    readonly state: NonNullable<CollectionCase['escalationState']>;
    readonly run: number;
    readonly reason?: string;
    readonly ladderVersion?: number;
  };
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
    escalation: {
      // A closed case's escalation is over, whatever its last run recorded before it stopped.
      state: found.status === 'closed' ? 'ended' : (found.escalationState ?? 'running'),
      run: found.escalationRun ?? 0,
      ...(found.escalationReason ? { reason: found.escalationReason } : {}),
      ...(found.ladderVersion !== undefined ? { ladderVersion: found.ladderVersion } : {}),
    },
    updatedAt: found.updatedAt,
  };
}
