/** The adapters that hold keys in KMS, over one KMS client per container (the pattern: see lazy.ts). */

import { KMSClient } from '@aws-sdk/client-kms';
import type { BlindIndex } from '../../../ports/blind-index';
import type { PiiVault } from '../../../ports/pii-vault';
import { EnvelopePiiVault } from '../../envelope-pii-vault';
import { HmacBlindIndex } from '../../hmac-blind-index';
import { KmsDataKeyProvider } from '../kms-data-key-provider';
import { KmsIndexKeySource } from '../kms-index-key-source';
import { traced } from '../tracer';
import { once, requiredEnv } from './lazy';

const kmsClient = once(() => traced(new KMSClient({})));

export function buildPiiVault(): PiiVault {
  return new EnvelopePiiVault(new KmsDataKeyProvider(kmsClient(), requiredEnv('PII_KEY_ID')));
}

export function buildBlindIndex(): BlindIndex {
  return new HmacBlindIndex(new KmsIndexKeySource(kmsClient(), requiredEnv('INDEX_KEY_ID')));
}
