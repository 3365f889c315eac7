/**
 * Shows a case to a member of staff, personal data masked, and records the access.
 * Input: case id and the staff member asking. Output: the case view.
 * 1. Refuse staff of another bank before touching the store (no existence oracle across banks).
 * 2. Load the case (404 when absent).
 * 3. Append a `case.viewed` audit entry, then return the masked view.
 */

import type { CollectionCase } from '../domain/collection-case';
import { ForbiddenError, NotFoundError } from '../domain/errors';
import { formatMoney } from '../domain/money';
import { canReadCase, type StaffMember } from '../domain/staff';
import type { CaseStore } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { Trail } from '../ports/trail';

export interface GetCaseDeps {
  readonly cases: CaseStore;
  readonly trail: Trail;
  readonly clock: Clock;
}

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

export async function getCase(
  deps: GetCaseDeps,
  input: { caseId: string; staff: StaffMember },
): Promise<CaseView> {
  const bankOfCase = input.caseId.split(':')[0] ?? '';
  if (!canReadCase(input.staff, bankOfCase)) throw new ForbiddenError('this case belongs to another bank');
  const found = await deps.cases.get(input.caseId);
  if (!found) throw new NotFoundError(`case ${input.caseId} not found`);
  const now = deps.clock.now();
  await deps.trail.append({
    caseId: found.caseId,
    kind: 'case.viewed',
    at: now,
    actor: input.staff.userId,
    entryId: `case.viewed#${now.toISOString()}#${input.staff.userId}`,
    detail: { view: 'masked' },
  });
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
