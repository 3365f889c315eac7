/** The adapters that hold keys in KMS, over one KMS client per container (the pattern: see lazy.ts). */

import { KMSClient } from '@aws-sdk/client-kms';
import type { BlindIndex } from '../../../ports/blind-index';
import type { PiiVault } from '../../../ports/pii-vault';
import { EnvelopePiiVault } from '../../envelope-pii-vault';
import { HmacBlindIndex } from '../../hmac-blind-index';
import { KmsDataKeyProvider } from '../kms-data-key-provider';
import { KmsIndexKeySource } from '../kms-index-key-source';
import { asBuilt, type Instrument, onceWith, requiredEnv } from './lazy';

const kmsClient = onceWith((instrument: Instrument) => instrument(new KMSClient({})));

export function buildPiiVault(instrument: Instrument = asBuilt): PiiVault {
  return new EnvelopePiiVault(new KmsDataKeyProvider(kmsClient(instrument), requiredEnv('PII_KEY_ID')));
}

export function buildBlindIndex(instrument: Instrument = asBuilt): BlindIndex {
  return new HmacBlindIndex(new KmsIndexKeySource(kmsClient(instrument), requiredEnv('INDEX_KEY_ID')));
}
