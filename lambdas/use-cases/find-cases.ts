/**
 * Finds a bank's cases by mobile, national ID or card last four, without decrypting anything.
 * Input: the staff member and one identifier. Output: the matching cases, masked.
 * 1. Normalise the identifier (a malformed one is a ValidationError naming its field).
 * 2. Compute its blind index under the staff member's bank key and query the index.
 * 3. Keep only that bank's cases, record a `case.viewed` audit entry for each, return the masked views.
 */

import { randomUUID } from 'node:crypto';
import { ValidationError } from '../domain/errors';
import { type LookupKind, normaliseLookup } from '../domain/lookup';
import { canReadCase, type StaffMember } from '../domain/staff';
import type { BlindIndex } from '../ports/blind-index';
import type { CaseStore } from '../ports/case-store';
import type { Clock } from '../ports/clock';
import type { Trail } from '../ports/trail';
import { type CaseView, toCaseView } from './case-view';

export interface FindCasesDeps {
  readonly cases: CaseStore;
  readonly trail: Trail;
  readonly blindIndex: BlindIndex;
  readonly clock: Clock;
}

export async function findCases(
  deps: FindCasesDeps,
  input: { staff: StaffMember; kind: LookupKind; value: string },
): Promise<CaseView[]> {
  const normalised = normaliseLookup(input.kind, input.value);
  if (!normalised) throw new ValidationError(input.kind, `not a valid ${input.kind}`);
  if (!canReadCase(input.staff, input.staff.bankId)) throw new ValidationError('staff', 'no staff group');
  const index = await deps.blindIndex.compute(input.staff.bankId, input.kind, normalised);
  const found = (await deps.cases.findByLookup(input.kind, index)).filter(
    (c) => c.bankId === input.staff.bankId,
  );
  const now = deps.clock.now();
  for (const collectionCase of found) {
    await deps.trail.append({
      caseId: collectionCase.caseId,
      kind: 'case.viewed',
      at: now,
      actor: input.staff.userId,
      // Every view is its own record, however close in time to the last (two in one millisecond, or offline,
      // where the clock stands still between advances): an id made of the instant and the user alone dropped them.
      entryId: `case.viewed#${now.toISOString()}#${input.staff.userId}#search#${randomUUID()}`,
      detail: { view: 'masked', via: `search:${input.kind}` },
    });
  }
  return found.map(toCaseView).sort((a, b) => a.caseId.localeCompare(b.caseId));
}
