/**
 * The source stream of a feed (in AWS the S3 response body, an HTTP socket) is released however reading
 * ends: read to its end, or destroyed when a fault quarantines the file part-way or the reader stops early.
 * A body left neither consumed nor destroyed holds its socket until the invocation ends.
 */

import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_CHARS } from '../../../lambdas/feeds/csv-reader';
import { feedRecords } from '../../../lambdas/feeds/records';

const HEADER = 'account_id,customer_name,mobile\n';
const ROW = 'ACC-0001,测试张三,13800138000\n';
/** Rows per chunk: about 16 KiB, about what a socket hands over at a time. */
const ROWS_PER_CHUNK = 400;
/** Far more than the stream buffers ahead: a source left alone mid-way is neither ended nor destroyed. */
const CHUNKS = 500;

/** A body produced chunk by chunk as it is read, like a socket's, with `fault` spliced into chunk `faultAt`. */
function lazyBody(fault?: { at: number; bytes: Buffer }): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent === CHUNKS) return void this.push(null);
      const rows = Buffer.from((sent === 0 ? HEADER : '') + ROW.repeat(ROWS_PER_CHUNK));
      this.push(fault?.at === sent ? Buffer.concat([rows, fault.bytes]) : rows);
      sent++;
    },
  });
}

async function readAll(source: Readable, format: 'csv' | 'jsonl' = 'csv'): Promise<number> {
  let rows = 0;
  for await (const batch of feedRecords(source, format, ['account_id'])) rows += batch.length;
  return rows;
}

describe('the source stream of a feed', () => {
  it('is read to its end when the file reads cleanly (the positive control)', async () => {
    const source = lazyBody();
    expect(await readAll(source)).toBe(CHUNKS * ROWS_PER_CHUNK);
    expect(source.readableEnded).toBe(true);
  });

  it('is destroyed when bytes in no encoding quarantine the file part-way', async () => {
    // Past the 64 KiB sniff window, so UTF-8 is chosen first and the bad byte is found later.
    const source = lazyBody({ at: 20, bytes: Buffer.from([0xff, 0x0a]) });
    await expect(readAll(source)).rejects.toThrow('undecodable bytes');
    expect(source.readableEnded).toBe(false);
    expect(source.destroyed).toBe(true);
  });

  it('is destroyed when a quote left open part-way makes a record too long to read', async () => {
    const source = lazyBody({ at: 20, bytes: Buffer.from('ACC-0002,"never closed,1\n') });
    await expect(readAll(source)).rejects.toThrow(`longer than ${MAX_RECORD_CHARS} characters`);
    expect(source.readableEnded).toBe(false);
    expect(source.destroyed).toBe(true);
  });

  it('is destroyed when a gzipped file quarantines part-way', async () => {
    const plain = Buffer.concat([
      Buffer.from(HEADER),
      Buffer.from(ROW.repeat(ROWS_PER_CHUNK * 20)),
      Buffer.from([0xff, 0x0a]),
      Buffer.from(ROW.repeat(ROWS_PER_CHUNK * 100)),
    ]);
    // Stored, not compressed: rows this alike would shrink to a few chunks, all read before the fault.
    const zipped = gzipSync(plain, { level: 0 });
    // Served 1 KiB at a time, so that the fault is met long before the body's end.
    let at = 0;
    const source = new Readable({
      read() {
        this.push(at < zipped.length ? zipped.subarray(at, at + 1024) : null);
        at += 1024;
      },
    });
    await expect(readAll(source)).rejects.toThrow('undecodable bytes');
    expect(source.readableEnded).toBe(false);
    expect(source.destroyed).toBe(true);
  });

  it('is destroyed when a JSON Lines line too long to read quarantines the file part-way', async () => {
    let sent = 0;
    const source = new Readable({
      read() {
        // One line that never ends, longer than a record may be, then more than the stream buffers ahead.
        this.push(sent < CHUNKS ? `{"account_id":"${'A'.repeat(16 * 1024)}` : null);
        sent++;
      },
    });
    await expect(readAll(source, 'jsonl')).rejects.toThrow(`longer than ${MAX_RECORD_CHARS} characters`);
    expect(source.readableEnded).toBe(false);
    expect(source.destroyed).toBe(true);
  });

  it('is destroyed when the reader stops early (a run out of time leaves the rest for the next)', async () => {
    const source = lazyBody();
    let batches = 0;
    for await (const _ of feedRecords(source, 'csv', ['account_id'])) {
      batches++;
      if (batches === 2) break;
    }
    expect(batches).toBe(2);
    expect(source.readableEnded).toBe(false);
    expect(source.destroyed).toBe(true);
  });
});
