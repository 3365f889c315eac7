/** The drop bucket as seen by intake: read a feed as a stream, write its report and rejects. */

import type { Readable } from 'node:stream';

export interface FeedStorage {
  open(key: string): Promise<Readable>;
  put(key: string, body: string, contentType: string): Promise<void>;
  /** A small object's text, or undefined when there is no such object. */
  readText(key: string): Promise<string | undefined>;
}
