/** Which Act function carries out each ladder action: every action exactly one. */

import { describe, expect, it } from 'vitest';
import { ACT_FUNCTIONS, ACTIONS_CARRIED_BY, actFunctionOf } from '../../../lambdas/domain/act-functions';
import { LADDER_ACTIONS, TASK_ACTIONS } from '../../../lambdas/domain/escalation-ladder';

describe('the Act functions', () => {
  it('carry out every ladder action, each in exactly one function', () => {
    const carried = ACT_FUNCTIONS.flatMap((name) => ACTIONS_CARRIED_BY[name]);
    expect([...carried].sort()).toEqual([...LADDER_ACTIONS].sort());
  });

  it('send a credit-report notice with the messages (it goes by SMS or email) and leave work items to ActOnWorkItem', () => {
    expect(actFunctionOf('credit-report-notice')).toBe('ActMessage');
    expect(ACTIONS_CARRIED_BY.ActOnWorkItem).toEqual(TASK_ACTIONS);
    expect(LADDER_ACTIONS.map(actFunctionOf)).toEqual([
      'ActMessage',
      'ActMessage',
      'ActLetter',
      'ActOnWorkItem',
      'ActMessage',
      'ActBank',
      'ActOnWorkItem',
    ]);
  });
});
