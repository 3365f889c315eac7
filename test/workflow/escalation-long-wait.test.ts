/**
 * An escalation waits on the virtual clock for longer than a minute of real time — longer than the 60-second
 * task timeout aws-local-stepfunctions applies by default — and still acts when the clock reaches its step.
 * Takes about 65 s: run alone with `npx vitest run --project workflow test/workflow/escalation-long-wait.test.ts`.
 */

import { describe, expect, it } from 'vitest';
import { DAY, runWithStubs, START } from '../support/stub-escalation';

const REAL_WAIT_MS = 65_000;

describe('an escalation waiting on the virtual clock', () => {
  it(
    'outlasts a minute of real time asleep, then acts at its planned instant when the clock gets there',
    async () => {
      const planned = new Date(START.getTime() + DAY).toISOString();
      const run = await runWithStubs({
        plans: [
          {
            action: 'sms',
            stepId: 'sms-1',
            template: 'courtesy-reminder',
            templateVersion: 1,
            at: planned,
          },
        ],
      });

      await new Promise((resolve) => setTimeout(resolve, REAL_WAIT_MS));

      expect(run.record()).toMatchObject({
        status: 'RUNNING',
        lastState: 'WaitForMessage',
        waitingUntil: planned,
      });
      expect(run.callsOf('RecordFault')).toHaveLength(0);
      expect(run.callsOf('ActMessage')).toHaveLength(0);

      await run.advance(DAY);
      const record = await run.finished();

      expect(run.callsOf('ActMessage').map((call) => call.at)).toEqual([planned]);
      expect(record).toMatchObject({ status: 'SUCCEEDED', lastState: 'Finished' });
    },
    REAL_WAIT_MS + 90_000,
  );
});
