/** Execution names: Step Functions' rules, and never one name for two cases or cycles. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executionName } from '../../../lambdas/adapters/execution-name';

const bankId = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,31}$/);
const accountId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const cycle = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('executionName', () => {
  it('reads as bank, account and cycle when they fit', () => {
    expect(executionName({ caseId: 'demo-bank:ACC-001', cycle: '2026-02-17' })).toBe(
      'demo-bank_ACC-001_2026-02-17',
    );
  });

  it('keeps to 80 characters of the allowed set, the cycle always whole at the end', () => {
    fc.assert(
      fc.property(bankId, fc.string({ maxLength: 90 }), cycle, (bank, account, day) => {
        const name = executionName({ caseId: `${bank}:${account}`, cycle: day });
        expect(name.length).toBeLessThanOrEqual(80);
        expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(name.endsWith(`_${day}`)).toBe(true);
      }),
    );
  });

  it('gives different cases or cycles different names, the longest ids and look-alikes included', () => {
    fc.assert(
      fc.property(bankId, accountId, cycle, bankId, accountId, cycle, (b1, a1, c1, b2, a2, c2) => {
        const same = b1 === b2 && a1 === a2 && c1 === c2;
        const one = executionName({ caseId: `${b1}:${a1}`, cycle: c1 });
        const two = executionName({ caseId: `${b2}:${a2}`, cycle: c2 });
        expect(one === two).toBe(same);
      }),
    );
    // Found in review: a hyphen in the bank id and in the account id, and a cycle cut off by the limit.
    expect(executionName({ caseId: 'ab-c:d', cycle: '2026-01-01' })).not.toBe(
      executionName({ caseId: 'ab:c-d', cycle: '2026-01-01' }),
    );
    const long = `${'x'.repeat(32)}:${'A'.repeat(64)}`;
    expect(executionName({ caseId: long, cycle: '2026-01-01' })).not.toBe(
      executionName({ caseId: long, cycle: '2026-02-01' }),
    );
  });
});
