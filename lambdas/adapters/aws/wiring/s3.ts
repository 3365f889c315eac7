/** The drop bucket adapter, over one S3 client per container (the pattern: see lazy.ts). */

import { S3Client } from '@aws-sdk/client-s3';
import type { FeedStorage } from '../../../ports/feed-storage';
import { S3FeedStorage } from '../s3-feed-storage';
import { asBuilt, type Instrument, onceWith, requiredEnv } from './lazy';

const s3Client = onceWith((instrument: Instrument) => instrument(new S3Client({})));

export function buildFeedStorage(instrument: Instrument = asBuilt): FeedStorage {
  return new S3FeedStorage(s3Client(instrument), requiredEnv('DROP_BUCKET_NAME'));
}
