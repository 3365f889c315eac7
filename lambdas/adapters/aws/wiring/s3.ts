/** The drop bucket adapter, over one S3 client per container (the pattern: see lazy.ts). */

import { S3Client } from '@aws-sdk/client-s3';
import type { FeedStorage } from '../../../ports/feed-storage';
import { S3FeedStorage } from '../s3-feed-storage';
import { traced } from '../tracer';
import { once, requiredEnv } from './lazy';

const s3Client = once(() => traced(new S3Client({})));

export function buildFeedStorage(): FeedStorage {
  return new S3FeedStorage(s3Client(), requiredEnv('DROP_BUCKET_NAME'));
}
