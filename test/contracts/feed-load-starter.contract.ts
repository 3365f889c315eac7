/**
 * The feed-load starter's contract, as Step Functions Standard answers StartExecution: one run per file
 * version, however often intake hands it over (a repeat while running, with the same input or a later
 * start time, or after the run finished, starts nothing and does not fail); another version, or another file
 * of the same version, gets a run of its own; the run's name (shown in the console and in logs) carries no
 * part of the key; a start refused for the rate fails with WorkflowThrottledError, for the consumer to wait
 * it out and try again.
 */

import { describe, expect, it } from 'vitest';
import {
  type FeedLoadInput,
  type FeedLoadStarter,
  WorkflowThrottledError,
} from '../../lambdas/ports/workflow';

export interface FeedLoadParts {
  readonly starter: FeedLoadStarter;
  /** Every execution the service holds, with the input it started with. */
  executions(): Array<{ readonly name: string; readonly input: FeedLoadInput }>;
  /** Every run ends, as a finished map does. */
  finishRuns(): void;
  /** The next start is refused for the account's rate. */
  throttleNextStart(): void;
}

const KEY = 'incoming/demo-bank/张三 逾期名单 huge.csv';
const load = (overrides: Partial<FeedLoadInput> = {}): FeedLoadInput => ({
  key: KEY,
  bankId: 'demo-bank',
  version: '"9b2cf535f27731c974343645a3985328-12"',
  manifestKey: `feed-loads/${KEY}/0123456789abcdef/manifest.json`,
  startedAt: '2026-03-01T02:00:00.000Z',
  ...overrides,
});

export function feedLoadStarterContract(name: string, parts: () => FeedLoadParts): void {
  describe(`FeedLoadStarter contract: ${name}`, () => {
    it('starts one run of a file version with its input whole, named without any part of the key', async () => {
      const { starter, executions } = parts();

      await starter.startFeedLoad(load());

      expect(executions().map((run) => run.input)).toEqual([load()]);
      const runName = executions()[0]?.name ?? '';
      expect(runName).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
      // Every word of the key that a digest's hex could not spell by chance.
      const words = KEY.split(/[/ ._-]/).filter((word) => word.length > 1 && /[^0-9a-f]/i.test(word));
      expect(words).toEqual(['incoming', 'demo', 'bank', '张三', '逾期名单', 'huge', 'csv']);
      for (const word of words) expect(runName.toLowerCase()).not.toContain(word.toLowerCase());
    });

    it('starts nothing more when the same version is handed over again while its run goes on', async () => {
      const { starter, executions } = parts();

      await starter.startFeedLoad(load());
      await starter.startFeedLoad(load());
      await starter.startFeedLoad(load({ startedAt: '2026-03-01T02:15:00.000Z' }));

      expect(executions().map((run) => run.input)).toEqual([load()]);
    });

    it('starts nothing and does not fail when the version is handed over after its run finished', async () => {
      const { starter, executions, finishRuns } = parts();
      await starter.startFeedLoad(load());
      finishRuns();

      await expect(
        starter.startFeedLoad(load({ startedAt: '2026-03-02T02:00:00.000Z' })),
      ).resolves.toBeUndefined();

      expect(executions()).toHaveLength(1);
    });

    it('starts a run of its own for another version, and for another file of the same version', async () => {
      const { starter, executions } = parts();

      await starter.startFeedLoad(load());
      await starter.startFeedLoad(load({ version: '"5d41402abc4b2a76b9719d911017c592-12"' }));
      // The same bytes uploaded under another name have the same ETag.
      await starter.startFeedLoad(load({ key: 'incoming/demo-bank/copy.csv' }));

      expect(new Set(executions().map((run) => run.name)).size).toBe(3);
    });

    it('fails when the start is throttled, starting nothing, and starts the run when retried', async () => {
      const { starter, executions, throttleNextStart } = parts();
      throttleNextStart();

      await expect(starter.startFeedLoad(load())).rejects.toBeInstanceOf(WorkflowThrottledError);
      expect(executions()).toEqual([]);

      await starter.startFeedLoad(load());
      expect(executions()).toHaveLength(1);
    });
  });
}
