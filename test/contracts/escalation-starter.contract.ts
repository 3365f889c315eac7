/**
 * The escalation starter's contract, as Step Functions Standard workflows answer StartExecution:
 * same name and same input while running → the running execution; a closed execution's name, or another
 * input → ExecutionAlreadyExists; a name is free again 90 days after its execution closed.
 */

import { describe, expect, it } from 'vitest';
import {
  type EscalationStarter,
  type EscalationStopper,
  StartThrottledError,
} from '../../lambdas/ports/workflow';

export interface StarterParts {
  readonly starter: EscalationStarter & EscalationStopper;
  /** Moves the service's clock on. */
  passDays(days: number): Promise<void> | void;
}

const input = { caseId: 'demo-bank:ACC-1', cycle: '2026-11-10' };

export function escalationStarterContract(
  name: string,
  parts: () => Promise<StarterParts> | StarterParts,
): void {
  describe(`EscalationStarter contract: ${name}`, () => {
    it('answers a repeated start of a running execution with that execution, not an error', async () => {
      const { starter } = await parts();
      expect(await starter.start('exec-repeat', input)).toBe('running');
      expect(await starter.start('exec-repeat', input)).toBe('running');
    });

    it('refuses the running name with another input', async () => {
      const { starter } = await parts();
      expect(await starter.start('exec-other', input)).toBe('running');
      expect(await starter.start('exec-other', { ...input, cycle: '2026-12-01' })).toBe('name-taken');
    });

    it('refuses a closed execution’s name for 90 days, then starts it again', async () => {
      const { starter, passDays } = await parts();
      expect(await starter.start('exec-closed', input)).toBe('running');
      await starter.stopEscalation('exec-closed');
      expect(await starter.start('exec-closed', input)).toBe('name-taken');
      await passDays(89);
      expect(await starter.start('exec-closed', input)).toBe('name-taken');
      await passDays(2);
      expect(await starter.start('exec-closed', input)).toBe('running');
    });

    it('stops an unknown or finished execution without complaint', async () => {
      const { starter } = await parts();
      await expect(starter.stopEscalation('never-started')).resolves.toBeUndefined();
      await starter.start('exec-twice-stopped', input);
      await starter.stopEscalation('exec-twice-stopped');
      await expect(starter.stopEscalation('exec-twice-stopped')).resolves.toBeUndefined();
    });
  });
}

/** Quotas, where the part models them: a start beyond the token bucket throws and starts nothing. */
export function startThrottlingContract(
  name: string,
  parts: (bucket: { burst: number; perSecond: number }) => StarterParts & { passSeconds(s: number): void },
): void {
  describe(`EscalationStarter throttling: ${name}`, () => {
    it('throws StartThrottledError beyond the bucket and starts nothing, then starts after the refill', async () => {
      const { starter, passSeconds } = parts({ burst: 2, perSecond: 1 });
      expect(await starter.start('a', input)).toBe('running');
      expect(await starter.start('b', input)).toBe('running');
      await expect(starter.start('c', input)).rejects.toBeInstanceOf(StartThrottledError);
      passSeconds(1);
      // 'c' was never started: it starts now rather than being a repeat.
      expect(await starter.start('c', { ...input, cycle: 'other' })).toBe('running');
    });
  });
}
