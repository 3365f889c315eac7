/**
 * The Step Functions execution name of a case's escalation in one delinquency cycle and run. Step Functions'
 * own rules live here, not in the domain: at most 80 characters of A–Z a–z 0–9 _ -. The same name for the
 * same case, cycle and run is what makes a repeated start harmless; two of them never share one:
 * `<bankId>_<accountId>_<cycle>` for run 0 and `<bankId>_<accountId>_<cycle>_r<run>` after, unambiguous
 * because a bank id holds no `_`, a cycle is a date (fixed length) and a run suffix never ends like one. An
 * account id too long (or not shaped like one) is replaced by a digest of the case id.
 */

import { createHash } from 'node:crypto';
import type { EscalationInput } from '../ports/workflow';

const NAME_LIMIT = 80;
const PLAIN_ACCOUNT = /^[A-Za-z0-9_-]+$/;

export function executionName({ caseId, cycle, run }: EscalationInput): string {
  if (!Number.isSafeInteger(run) || run < 0) throw new RangeError('an escalation run is a whole number ≥ 0');
  // caseId is `<bankId>:<accountId>`.
  const separator = caseId.indexOf(':');
  const bankId = caseId.slice(0, separator);
  const accountId = caseId.slice(separator + 1);
  const suffix = run === 0 ? '' : `_r${run}`;
  const plain = `${bankId}_${accountId}_${cycle}${suffix}`;
  if (plain.length <= NAME_LIMIT && PLAIN_ACCOUNT.test(accountId)) return plain;
  const digest = createHash('sha256').update(caseId).digest('hex').slice(0, 24);
  return `${bankId}_h${digest}_${cycle}${suffix}`;
}
