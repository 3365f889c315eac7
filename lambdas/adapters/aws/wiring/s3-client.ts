/** The one S3 client per container, shared by s3.ts (feeds) and letters.ts (letters) (see lazy.ts). */

import { S3Client } from '@aws-sdk/client-s3';
import { type Instrument, onceWith } from './lazy';

export const s3Client = onceWith((instrument: Instrument) => instrument(new S3Client({})));
