/** Execution names: Step Functions' rules, and never one name for two cases, cycles or runs. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executionName } from '../../../lambdas/adapters/execution-name';

const bankId = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,31}$/);
const accountId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const cycle = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
/** Mostly small runs (what happens), sometimes very large ones (what must still fit). */
const run = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 999_999 }));

describe('executionName', () => {
  it('reads as bank, account and cycle when they fit', () => {
    expect(executionName({ caseId: 'demo-bank:ACC-001', cycle: '2026-02-17', run: 0 })).toBe(
      'demo-bank_ACC-001_2026-02-17',
    );
  });

  it('adds the run after the cycle from the second run on', () => {
    expect(executionName({ caseId: 'demo-bank:ACC-001', cycle: '2026-02-17', run: 1 })).toBe(
      'demo-bank_ACC-001_2026-02-17_r1',
    );
    expect(executionName({ caseId: 'demo-bank:ACC-001', cycle: '2026-02-17', run: 12 })).toBe(
      'demo-bank_ACC-001_2026-02-17_r12',
    );
  });

  it('refuses a run that is not a whole number ≥ 0', () => {
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => executionName({ caseId: 'demo-bank:ACC-001', cycle: '2026-02-17', run: bad })).toThrow(
        RangeError,
      );
    }
  });

  it('keeps to 80 characters of the allowed set, the cycle (and run) always whole at the end', () => {
    fc.assert(
      fc.property(bankId, fc.string({ maxLength: 90 }), cycle, run, (bank, account, day, r) => {
        const name = executionName({ caseId: `${bank}:${account}`, cycle: day, run: r });
        expect(name.length).toBeLessThanOrEqual(80);
        expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(name.endsWith(r === 0 ? `_${day}` : `_${day}_r${r}`)).toBe(true);
      }),
    );
  });

  it('gives different cases or cycles different names, the longest ids and look-alikes included', () => {
    fc.assert(
      fc.property(bankId, accountId, cycle, bankId, accountId, cycle, (b1, a1, c1, b2, a2, c2) => {
        const same = b1 === b2 && a1 === a2 && c1 === c2;
        const one = executionName({ caseId: `${b1}:${a1}`, cycle: c1, run: 0 });
        const two = executionName({ caseId: `${b2}:${a2}`, cycle: c2, run: 0 });
        expect(one === two).toBe(same);
      }),
    );
    // Found in review: a hyphen in the bank id and in the account id, and a cycle cut off by the limit.
    expect(executionName({ caseId: 'ab-c:d', cycle: '2026-01-01', run: 0 })).not.toBe(
      executionName({ caseId: 'ab:c-d', cycle: '2026-01-01', run: 0 }),
    );
    const long = `${'x'.repeat(32)}:${'A'.repeat(64)}`;
    expect(executionName({ caseId: long, cycle: '2026-01-01', run: 0 })).not.toBe(
      executionName({ caseId: long, cycle: '2026-02-01', run: 0 }),
    );
  });

  it('never gives two (case, cycle, run) the same name, whatever the bank/account split, cycle or run', () => {
    // Account ids shaped to imitate another name's tail: an embedded cycle, an `_r<n>` suffix, a digest form.
    const lookAlike = fc.oneof(
      accountId,
      fc.tuple(accountId, cycle).map(([a, c]) => `${a}_${c}`),
      fc.tuple(accountId, cycle, fc.nat(20)).map(([a, c, r]) => `${a}_${c}_r${r}`),
      fc.stringMatching(/^h[0-9a-f]{24}$/),
      fc.string({ maxLength: 90 }),
    );
    const escalation = fc.record({ bank: bankId, account: lookAlike, cycle, run });
    fc.assert(
      fc.property(escalation, escalation, (one, two) => {
        const same =
          one.bank === two.bank &&
          one.account === two.account &&
          one.cycle === two.cycle &&
          one.run === two.run;
        const nameOne = executionName({
          caseId: `${one.bank}:${one.account}`,
          cycle: one.cycle,
          run: one.run,
        });
        const nameTwo = executionName({
          caseId: `${two.bank}:${two.account}`,
          cycle: two.cycle,
          run: two.run,
        });
        expect(nameOne === nameTwo).toBe(same);
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps apart the collisions a naive suffix would make', () => {
    const name = (caseId: string, cycle: string, run: number) => executionName({ caseId, cycle, run });
    const names = [
      // Run 1 of a cycle vs run 0 of an account whose id ends like a cycle and run.
      name('demo-bank:ACC', '2026-02-17', 1),
      name('demo-bank:ACC_2026-02-17', '2026-02-17', 0),
      name('demo-bank:ACC_2026-02-17_r1', '2026-02-17', 0),
      // The bank/account split moved by a hyphen or an underscore.
      name('demo-bank:ACC', '2026-02-17', 0),
      name('demo:bank-ACC', '2026-02-17', 0),
      name('demo-bank:_ACC', '2026-02-17', 0),
      // Same case, runs 0, 1, 10 and 11; and the next cycle's run 0.
      name('demo-bank:ACC', '2026-02-17', 10),
      name('demo-bank:ACC', '2026-02-17', 11),
      name('demo-bank:ACC', '2026-03-17', 0),
      // The digest form (an account with a character Step Functions refuses) in runs 0 and 1.
      name('demo-bank:ACC/1', '2026-02-17', 0),
      name('demo-bank:ACC/1', '2026-02-17', 1),
    ];
    expect(new Set(names).size).toBe(names.length);
  });
});
