/**
 * The escalation starter's contract, as Step Functions Standard workflows answer StartExecution:
 * same name and same input while running → the running execution; a closed execution's name, or another
 * input → ExecutionAlreadyExists; a name is free again 90 days after its execution closed.
 */

import { describe, expect, it } from 'vitest';
import {
  type EscalationStarter,
  type EscalationStopper,
  WorkflowThrottledError,
} from '../../lambdas/ports/workflow';

export interface StarterParts {
  readonly starter: EscalationStarter & EscalationStopper;
  /** Moves the service's clock on. */
  passDays(days: number): Promise<void> | void;
}

const escalation = (account: string, cycle = '2026-11-10') => ({
  caseId: `demo-bank:${account}`,
  cycle,
  run: 0,
});

export function escalationStarterContract(
  name: string,
  parts: () => Promise<StarterParts> | StarterParts,
): void {
  describe(`EscalationStarter contract: ${name}`, () => {
    it('answers a repeated start of a running execution with that execution, not an error', async () => {
      const { starter } = await parts();
      expect(await starter.start(escalation('REPEAT'))).toBe('running');
      expect(await starter.start(escalation('REPEAT'))).toBe('running');
    });

    it('gives two cases whose ids read alike two executions (no name is shared)', async () => {
      const { starter } = await parts();
      expect(await starter.start(escalation('A/B'))).toBe('running');
      expect(await starter.start(escalation('A_B'))).toBe('running');
      await starter.stopEscalation(escalation('A/B'));
      // A_B's execution is another one: still running, so a repeat of its start is that execution.
      expect(await starter.start(escalation('A_B'))).toBe('running');
      expect(await starter.start(escalation('A/B'))).toBe('name-taken');
    });

    it('refuses a closed execution’s name for 90 days, then starts it again', async () => {
      const { starter, passDays } = await parts();
      expect(await starter.start(escalation('CLOSED'))).toBe('running');
      await starter.stopEscalation(escalation('CLOSED'));
      expect(await starter.start(escalation('CLOSED'))).toBe('name-taken');
      await passDays(89);
      expect(await starter.start(escalation('CLOSED'))).toBe('name-taken');
      await passDays(2);
      expect(await starter.start(escalation('CLOSED'))).toBe('running');
    });

    it('stops an unknown or finished execution without complaint', async () => {
      const { starter } = await parts();
      await expect(starter.stopEscalation(escalation('NEVER'))).resolves.toBeUndefined();
      await starter.start(escalation('TWICE'));
      await starter.stopEscalation(escalation('TWICE'));
      await expect(starter.stopEscalation(escalation('TWICE'))).resolves.toBeUndefined();
    });
  });
}

/**
 * Quotas, where the part models them: a start beyond the StartExecution bucket throws and starts nothing; a
 * stop beyond the StopExecution bucket throws and stops nothing.
 */
export function startThrottlingContract(
  name: string,
  parts: (bucket: { burst: number; perSecond: number }) => StarterParts & { passSeconds(s: number): void },
): void {
  describe(`EscalationStarter throttling: ${name}`, () => {
    it('throws WorkflowThrottledError beyond the bucket and starts nothing, then starts after the refill', async () => {
      const { starter, passSeconds } = parts({ burst: 2, perSecond: 1 });
      expect(await starter.start(escalation('A'))).toBe('running');
      expect(await starter.start(escalation('B'))).toBe('running');
      await expect(starter.start(escalation('C'))).rejects.toBeInstanceOf(WorkflowThrottledError);
      passSeconds(1);
      // C was never started: with another cycle it is a new execution, not a repeat.
      expect(await starter.start(escalation('C', '2026-12-01'))).toBe('running');
    });

    it('throws WorkflowThrottledError for a stop beyond its own bucket, stopping nothing', async () => {
      const { starter, passSeconds } = parts({ burst: 2, perSecond: 1 });
      expect(await starter.start(escalation('A'))).toBe('running');
      await starter.stopEscalation(escalation('GONE-1'));
      await starter.stopEscalation(escalation('GONE-2'));
      await expect(starter.stopEscalation(escalation('A'))).rejects.toBeInstanceOf(WorkflowThrottledError);
      passSeconds(1);
      // A still runs: a repeat of its start is that execution. Stopped now, its name is taken.
      expect(await starter.start(escalation('A'))).toBe('running');
      await starter.stopEscalation(escalation('A'));
      expect(await starter.start(escalation('A'))).toBe('name-taken');
    });
  });
}
