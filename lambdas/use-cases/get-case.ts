/**
 * Shows a case to a member of staff, personal data masked, and records the access.
 * Input: case id and the staff member asking. Output: the case view.
 * 1. Refuse staff of another bank before touching the store (no existence oracle across banks).
 * 2. Load the case (404 when absent).
 * 3. Append a `case.viewed` audit entry, then return the masked view.
 */

import { randomUUID } from 'node:crypto';
import { ForbiddenError, NotFoundError } from '../domain/errors';
import { canReadCase, type StaffMember } from '../domain/staff';
import type { CaseStore } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { Trail } from '../ports/trail';
import { type CaseView, toCaseView } from './case-view';

export type { CaseView };

export interface GetCaseDeps {
  readonly cases: CaseStore;
  readonly trail: Trail;
  readonly clock: Clock;
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
    // Every view is its own record, however close in time to the last (two in one millisecond, or offline,
    // where the clock stands still between advances): an id made of the instant and the user alone dropped them.
    entryId: `case.viewed#${now.toISOString()}#${input.staff.userId}#${randomUUID()}`,
    detail: { view: 'masked' },
  });
  return toCaseView(found);
}
