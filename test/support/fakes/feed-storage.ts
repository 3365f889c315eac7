/** The drop bucket in memory. */

import { Readable } from 'node:stream';
import type { FeedStorage, ReadOptions } from '../../../lambdas/ports/feed-storage';

/**
 * The drop bucket in memory: `files` holds text bodies by key, `bytes` binary ones (gzip, GB18030 …);
 * `open` streams one (whole or a byte range) in chunks of `chunkBytes`, as S3 streams a body in pieces
 * that cut characters and records anywhere; `put` and `putStream` write one. A missing key fails as S3's
 * NoSuchKey does; a key over S3's 1,024 bytes (UTF-8) as its KeyTooLongError does, read or written.
 */
export class InMemoryFeedStorage implements FeedStorage {
  readonly files = new Map<string, string>();
  readonly bytes = new Map<string, Buffer>();
  readonly contentTypes = new Map<string, string>();
  /** Keys written by `put` and `putStream`, in order. */
  readonly writes: string[] = [];
  /** Keys written by `putStream`, in order. */
  readonly streamed: string[] = [];
  /** Every `open`: key and range, so a test can see what was read. */
  readonly opens: Array<{ key: string; range?: { start: number; end: number } }> = [];

  constructor(private readonly chunkBytes = 64 * 1024) {}

  /** Drops an object as a bank would: text (a CSV built with `csvOf`) or raw bytes. */
  drop(key: string, body: string | Buffer): this {
    if (typeof body === 'string') this.files.set(key, body);
    else this.bytes.set(key, body);
    return this;
  }

  async open(key: string, options: ReadOptions = {}): Promise<Readable> {
    refuseLongKey(key);
    const text = this.files.get(key);
    const body = this.bytes.get(key) ?? (text === undefined ? undefined : Buffer.from(text, 'utf8'));
    if (body === undefined)
      throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    this.opens.push({ key, ...(options.range ? { range: { ...options.range } } : {}) });
    const bytes = options.range ? body.subarray(options.range.start, options.range.end) : body;
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += this.chunkBytes)
      chunks.push(bytes.subarray(at, at + this.chunkBytes));
    return Readable.from(chunks);
  }

  async readText(key: string): Promise<string | undefined> {
    refuseLongKey(key);
    return this.files.get(key) ?? this.bytes.get(key)?.toString('utf8');
  }

  async put(key: string, body: string, contentType = 'text/plain'): Promise<void> {
    refuseLongKey(key);
    this.files.set(key, body);
    this.contentTypes.set(key, contentType);
    this.writes.push(key);
  }

  async putStream(key: string, body: Readable, contentType = 'text/plain'): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer | string));
    this.streamed.push(key);
    await this.put(key, Buffer.concat(chunks).toString('utf8'), contentType);
  }
}

function refuseLongKey(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > 1024)
    throw Object.assign(new Error('Your key is too long'), { name: 'KeyTooLongError' });
}
