/**
 * The offline starter's task slots (as a function's concurrency bounds its invocations): tasks beyond them
 * wait their turn, none times out meanwhile, and a task still waiting when its execution stops never runs.
 */

import { describe, expect, it } from 'vitest';
import { synthesizeForLocal } from '../../bin/offline/synthesized';
import {
  LocalEscalationStarter,
  type TaskHandler,
} from '../../lambdas/adapters/local/local-escalation-starter';
import { VirtualClock } from '../../lambdas/adapters/local/virtual-clock';
import { ACT_FUNCTIONS } from '../../lambdas/domain/act-functions';
import type { EscalationInput } from '../../lambdas/ports/workflow';

const escalation = (account: string): EscalationInput => ({
  caseId: `demo-bank:${account}`,
  cycle: '2026-03-01',
  run: 0,
});

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function starterWith(planNextStep: TaskHandler, taskConcurrency: number) {
  const ended: TaskHandler = async () => ({ outcome: 'sent' });
  return new LocalEscalationStarter({
    definition: synthesizeForLocal().stateMachineDefinition,
    clock: new VirtualClock(new Date('2026-03-02T00:00:00Z')),
    retryIntervalMs: 0,
    taskConcurrency,
    planNextStep,
    act: Object.fromEntries(ACT_FUNCTIONS.map((name) => [name, ended])) as never,
    openTask: async () => ({ itemId: 'x', dueBy: '2099-01-01T00:00:00Z' }),
    recordFault: async () => ({ state: 'parked' }),
  });
}

describe('offline task slots', () => {
  it('runs no more handlers at once than its slots, and a task still waiting when its execution stops never runs', async () => {
    let running = 0;
    let most = 0;
    const planned: string[] = [];
    let releaseFirst: () => void = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const starter = starterWith(async (event) => {
      const caseId = (event as { caseId: string }).caseId;
      planned.push(caseId);
      running++;
      most = Math.max(most, running);
      if (caseId.endsWith('A')) await firstHeld;
      running--;
      return { action: 'end', reason: 'ladder complete' };
    }, 1);

    for (const account of ['A', 'B', 'C']) await starter.start(escalation(account));
    await until(() => planned.length === 1);
    await starter.stopEscalation(escalation('B'));
    releaseFirst();
    await until(() => !starter.busy);

    expect(planned).toEqual(['demo-bank:A', 'demo-bank:C']);
    expect(most).toBe(1);
    const status = Object.fromEntries(starter.executions().map((run) => [run.input.caseId, run.status]));
    expect(status).toEqual({
      'demo-bank:A': 'SUCCEEDED',
      'demo-bank:B': 'ABORTED',
      'demo-bank:C': 'SUCCEEDED',
    });
    await starter.stop();
  });
});
