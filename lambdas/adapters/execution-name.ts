/**
 * The Step Functions execution name of a case's escalation in one delinquency cycle. Step Functions' own
 * rules live here, not in the domain: at most 80 characters of A–Z a–z 0–9 _ -. The same name for the same
 * case and cycle is what makes a repeated start harmless; two cases or cycles never share one:
 * `<bankId>_<accountId>_<cycle>`, unambiguous because a bank id holds no `_` and a cycle is a date at the
 * end. An account id too long (or not shaped like one) is replaced by a digest of the case id.
 */

import { createHash } from 'node:crypto';
import type { EscalationInput } from '../ports/workflow';

const NAME_LIMIT = 80;
const PLAIN_ACCOUNT = /^[A-Za-z0-9_-]+$/;

export function executionName({ caseId, cycle }: EscalationInput): string {
  // caseId is `<bankId>:<accountId>`.
  const separator = caseId.indexOf(':');
  const bankId = caseId.slice(0, separator);
  const accountId = caseId.slice(separator + 1);
  const plain = `${bankId}_${accountId}_${cycle}`;
  if (plain.length <= NAME_LIMIT && PLAIN_ACCOUNT.test(accountId)) return plain;
  const digest = createHash('sha256').update(caseId).digest('hex').slice(0, 24);
  return `${bankId}_h${digest}_${cycle}`;
}
