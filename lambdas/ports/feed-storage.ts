/** The drop bucket as seen by intake: read a feed as a stream (whole or a byte range), write its outputs. */

import type { Readable } from 'node:stream';

export interface ReadOptions {
  /** The object version to read (S3 version id): a file replaced mid-load is still read as it was. */
  readonly versionId?: string;
  /** Bytes [start, end) of the object. */
  readonly range?: { readonly start: number; readonly end: number };
}

export interface FeedStorage {
  open(key: string, options?: ReadOptions): Promise<Readable>;
  put(key: string, body: string, contentType: string): Promise<void>;
  /** Writes an object of unknown length from a stream (a multipart upload in S3): memory stays bounded. */
  putStream(key: string, body: Readable, contentType: string): Promise<void>;
  /** A small object's text, or undefined when there is no such object. */
  readText(key: string): Promise<string | undefined>;
}
