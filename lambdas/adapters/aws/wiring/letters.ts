/**
 * The letter store, in the drop bucket under `letters/` (the pattern: see lazy.ts). Environment:
 * DROP_BUCKET_NAME, and DROP_BUCKET_KEY_ARN, the bucket's KMS key, named on every put. The function needs
 * s3:PutObject and s3:GetObject on `letters/*`, s3:ListBucket (a HEAD of a missing letter is then 404, not
 * 403), and the key through S3 (kms:GenerateDataKey, kms:Decrypt).
 */

import type { LetterStore } from '../../../ports/notifier';
import { S3LetterStore } from '../s3-letter-store';
import { asBuilt, type Instrument, requiredEnv } from './lazy';
// The client s3.ts uses too, from its own module: a function that writes letters reads no feeds and should
// not carry lib-storage (s3.ts's streamed uploads) for nothing.
import { s3Client } from './s3-client';

export function buildLetterStore(instrument: Instrument = asBuilt): LetterStore {
  return new S3LetterStore(s3Client(instrument), {
    bucket: requiredEnv('DROP_BUCKET_NAME'),
    kmsKeyId: requiredEnv('DROP_BUCKET_KEY_ARN'),
  });
}
