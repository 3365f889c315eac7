/** The drop bucket adapter, over one S3 client per container (the pattern: see lazy.ts). */

import type { FeedStorage } from '../../../ports/feed-storage';
import { S3FeedStorage } from '../s3-feed-storage';
import { asBuilt, type Instrument, requiredEnv } from './lazy';
import { s3Client } from './s3-client';

export function buildFeedStorage(instrument: Instrument = asBuilt): FeedStorage {
  return new S3FeedStorage(s3Client(instrument), requiredEnv('DROP_BUCKET_NAME'));
}
