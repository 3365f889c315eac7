/**
 * The feed continuation's contract: a file handed over comes back to the next intake run as the same file,
 * read by the intake handler from what the queue delivers (`filesOfMessage`): key (whatever its characters),
 * version, version id and size, nothing lost, nothing added.
 */

import { describe, expect, it } from 'vitest';
import type { FeedFile } from '../../lambdas/handlers/ingest-feed';
import type { FeedContinuation } from '../../lambdas/ports/workflow';

export interface ContinuationParts {
  readonly continuation: FeedContinuation;
  /** The files the next intake runs load, as the handler reads them from what was handed over. */
  nextRuns(): FeedFile[];
}

export function feedContinuationContract(name: string, parts: () => ContinuationParts): void {
  describe(`FeedContinuation contract: ${name}`, () => {
    it('hands a file over as the same file: key, version, version id and size', async () => {
      const { continuation, nextRuns } = parts();
      const file = {
        // Spaces, '+' and '%20' stay as they are: only S3's own events URL-encode keys.
        key: 'incoming/demo-bank/逾期 名单+2026%2003.csv',
        version: '"9b2cf535f27731c974343645a3985328"',
        versionId: '3sL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo',
        size: 5 * 1024 ** 3,
      };

      await continuation.continueLater(file);

      expect(nextRuns()).toEqual([file]);
    });

    it('hands a file without version id or size over as key and version only', async () => {
      const { continuation, nextRuns } = parts();

      await continuation.continueLater({ key: 'payments/demo-bank/p.jsonl.gz', version: 'etag-1' });

      expect(nextRuns()).toEqual([{ key: 'payments/demo-bank/p.jsonl.gz', version: 'etag-1' }]);
    });

    it('hands over a key holding characters a queue message may not carry, intact', async () => {
      const { continuation, nextRuns } = parts();
      // Valid UTF-8, so an S3 key may hold them; SQS refuses U+FFFE, U+FFFF and most control characters.
      const key = 'incoming/demo-bank/a\u0001b\ufffe\uffff\u007f\u{1f4b3}.csv';

      await continuation.continueLater({ key, version: 'v1', size: 12 });

      expect(nextRuns()).toEqual([{ key, version: 'v1', size: 12 }]);
    });
  });
}
