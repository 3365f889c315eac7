/**
 * The Step Functions execution name of a case's escalation in one delinquency cycle. Step Functions' own
 * rules live here, not in the domain: at most 80 characters of A–Z a–z 0–9 _ - (others become `_`).
 * The same name for the same case and cycle is what makes a repeated start harmless.
 */

import type { EscalationInput } from '../ports/workflow';

const NOT_NAME_CHARACTER = /[^A-Za-z0-9_-]/;
const NOT_NAME_CHARACTERS = /[^A-Za-z0-9_-]/g;

export function executionName({ caseId, cycle }: EscalationInput): string {
  // caseId is `<bankId>:<accountId>`.
  const name = `${caseId.replace(':', '-')}-${cycle}`;
  return (NOT_NAME_CHARACTER.test(name) ? name.replace(NOT_NAME_CHARACTERS, '_') : name).slice(0, 80);
}
