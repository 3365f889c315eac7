/** Derives each bank's blind-index key with KMS GenerateMac: deterministic, one KMS call per bank per container. */

import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { IndexKeySource } from '../../ports/blind-index';
import { indexKeyLabel } from '../hmac-blind-index';

export class KmsIndexKeySource implements IndexKeySource {
  constructor(
    private readonly kms: KMSClient,
    private readonly hmacKeyId: string,
  ) {}

  async bankKey(bankId: string): Promise<Uint8Array> {
    const out = await this.kms.send(
      new GenerateMacCommand({
        KeyId: this.hmacKeyId,
        MacAlgorithm: 'HMAC_SHA_256',
        Message: Buffer.from(indexKeyLabel(bankId), 'utf8'),
      }),
    );
    if (!out.Mac) throw new Error('KMS returned no MAC');
    return out.Mac;
  }
}
