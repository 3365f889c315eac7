/** The offline runtime and workflow tests run what CDK synthesizes: check the extraction they rely on. */

import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { synthesizeForLocal } from '../../bin/offline/synthesized';

describe('synthesizeForLocal', () => {
  const { stateMachineDefinition, tables } = synthesizeForLocal();
  const states = stateMachineDefinition.States as Record<string, Record<string, unknown>>;

  it('returns the escalation loop with the state names the local overrides use', () => {
    expect(Object.keys(states).sort()).toEqual(
      [
        'ActBank',
        'ActLetter',
        'ActMessage',
        'ActOnWorkItem',
        'Finished',
        'InvalidPlan',
        'OpenTask',
        'Parked',
        'Paused',
        'PlanNextStep',
        'RecordFault',
        'Route',
        'TaskTimedOut',
        'WaitForBank',
        'WaitForLetter',
        'WaitForMessage',
        'WaitForWorkItem',
      ].sort(),
    );
    for (const [wait, next] of [
      ['WaitForMessage', 'ActMessage'],
      ['WaitForLetter', 'ActLetter'],
      ['WaitForBank', 'ActBank'],
      ['WaitForWorkItem', 'OpenTask'],
    ]) {
      expect(states[wait as string]).toMatchObject({ Type: 'Wait', TimestampPath: '$.plan.at', Next: next });
    }
    for (const act of ['ActMessage', 'ActLetter', 'ActBank', 'ActOnWorkItem']) {
      expect(states[act]?.Next).toBe('PlanNextStep');
    }
  });

  it('resolves task resources to valid Lambda ARNs and stays in JSONPath', () => {
    for (const name of [
      'PlanNextStep',
      'ActMessage',
      'ActLetter',
      'ActBank',
      'ActOnWorkItem',
      'RecordFault',
    ]) {
      expect(states[name]?.Resource).toMatch(/^arn:aws:lambda:us-east-1:123456789012:function:[A-Za-z0-9]+$/);
    }
    expect(stateMachineDefinition.QueryLanguage).toBe('JSONPath');
    expect(stateMachineDefinition.TimeoutSeconds).toBeUndefined();
    expect(() => new StateMachine(stateMachineDefinition as never)).not.toThrow();
  });

  it('returns the table key schemas as declared', () => {
    expect(tables.cases.KeySchema).toEqual([{ AttributeName: 'caseId', KeyType: 'HASH' }]);
    expect(tables.trail.KeySchema).toEqual([
      { AttributeName: 'caseId', KeyType: 'HASH' },
      { AttributeName: 'entryId', KeyType: 'RANGE' },
    ]);
    expect(tables.contactLedger.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    expect(tables.contactLedger.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['by-case']);
  });
});
