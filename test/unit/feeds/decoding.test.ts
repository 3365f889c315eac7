/** Decoding a feed's bytes: a gzip is capped on what it inflates to, whatever its own size. */

import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipIfNeeded, MAX_GUNZIPPED_BYTES } from '../../../lambdas/feeds/decoding';
import { QuarantineError } from '../../../lambdas/feeds/quarantine';
import { feedRecords } from '../../../lambdas/feeds/records';

async function drain(stream: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return bytes;
}

/** The gzip in chunks, counting how many of them were read. */
function counted(bytes: Buffer, chunk = 1024): { stream: Readable; read: () => number } {
  let read = 0;
  const stream = Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += chunk) {
        read++;
        yield bytes.subarray(at, at + chunk);
      }
    })(),
  );
  return { stream, read: () => read };
}

describe('gunzipIfNeeded', () => {
  it('caps the inflated size at 2 GiB by default', () => {
    expect(MAX_GUNZIPPED_BYTES).toBe(2 * 1024 ** 3);
  });

  it('inflates a gzip up to the cap', async () => {
    const packaging = { gzipped: false };
    const inflated = await drain(
      await gunzipIfNeeded(Readable.from([gzipSync(Buffer.alloc(4096))]), packaging, 4096),
    );
    expect(inflated).toBe(4096);
    expect(packaging.gzipped).toBe(true);
  });

  it('quarantines a gzip that inflates past the cap, and stops reading it', async () => {
    // 64 gzip members of 16 MiB of zeros each: 1 GiB inflated from 1 MiB, a small bomb.
    const member = gzipSync(Buffer.alloc(16 * 1024 ** 2));
    const bomb = Buffer.concat(Array.from({ length: 64 }, () => member));
    const { stream, read } = counted(bomb);
    const inflating = await gunzipIfNeeded(stream, { gzipped: false }, 1024 ** 2);
    const error = await drain(inflating).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(QuarantineError);
    expect((error as Error).message).toBe('gzip inflates to more than 1048576 bytes');
    expect(read()).toBeLessThan(bomb.length / 1024 / 10);
  });

  it('leaves bytes that are not gzip alone, however many', async () => {
    expect(
      await drain(await gunzipIfNeeded(Readable.from([Buffer.alloc(4096, 0x41)]), { gzipped: false }, 10)),
    ).toBe(4096);
  });

  it('makes the cap a quarantine of the whole feed, before any record, its reason naming no data', async () => {
    const feed = gzipSync(Buffer.from(`account_id,as_of\n${'ACC-1,2026-03-01\n'.repeat(10_000)}`));
    const records: unknown[] = [];
    const reading = (async () => {
      for await (const batch of feedRecords(Readable.from([feed]), 'csv', ['account_id'], {
        check: true,
        maxGunzippedBytes: 64 * 1024,
      }))
        records.push(...batch);
    })();
    await expect(reading).rejects.toBeInstanceOf(QuarantineError);
    await expect(reading).rejects.toThrow('gzip inflates to more than 65536 bytes');
    expect(records).toEqual([]);
  });
});
