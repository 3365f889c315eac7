/** The drop bucket's contract: what S3 (s3rver offline) does, and what the in-memory bucket must do too. */

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { FeedStorage } from '../../lambdas/ports/feed-storage';

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

export function feedStorageContract(name: string, storage: () => FeedStorage): void {
  describe(`FeedStorage contract: ${name}`, () => {
    it('writes text and reads it back, streamed or whole; a missing object reads as undefined', async () => {
      await storage().put('reports/incoming/demo-bank/a.csv.json', '{"读":1}\n', 'application/json');
      expect(await storage().readText('reports/incoming/demo-bank/a.csv.json')).toBe('{"读":1}\n');
      expect(
        (await bytesOf(await storage().open('reports/incoming/demo-bank/a.csv.json'))).toString('utf8'),
      ).toBe('{"读":1}\n');
      expect(await storage().readText('reports/incoming/demo-bank/missing.json')).toBeUndefined();
    });

    it('fails to open a missing object with NoSuchKey', async () => {
      await expect(storage().open('incoming/demo-bank/missing.csv')).rejects.toMatchObject({
        name: 'NoSuchKey',
      });
    });

    it('reads a byte range [start, end), an empty one included', async () => {
      await storage().put('feed-loads/x/range.txt', 'header\nrow-1\nrow-2\n', 'text/plain');
      const range = await bytesOf(
        await storage().open('feed-loads/x/range.txt', { range: { start: 7, end: 13 } }),
      );
      expect(range.toString()).toBe('row-1\n');
      expect(
        (await bytesOf(await storage().open('feed-loads/x/range.txt', { range: { start: 5, end: 5 } })))
          .length,
      ).toBe(0);
    });

    it('writes a stream of unknown length larger than one multipart part, byte for byte', async () => {
      const line = 'line,ACC-1,field,reason\n';
      const count = 300_000; // 7.2 MB: more than S3's 5 MiB minimum part
      await storage().putStream(
        'rejects/incoming/demo-bank/big.csv',
        Readable.from(
          (function* () {
            for (let i = 0; i < count; i++) yield line;
          })(),
        ),
        'text/csv',
      );
      const text = await storage().readText('rejects/incoming/demo-bank/big.csv');
      expect(text?.length).toBe(line.length * count);
      expect(text?.endsWith(line)).toBe(true);
    });
  });
}
