/** Offline stand-in for the KMS HMAC key: each bank's index key is an HMAC of its label under a local secret. */

import { createHmac } from 'node:crypto';
import type { IndexKeySource } from '../../ports/blind-index';
import { indexKeyLabel } from '../hmac-blind-index';

export class LocalIndexKeySource implements IndexKeySource {
  calls = 0;

  constructor(private readonly secret: Uint8Array) {}

  async bankKey(bankId: string): Promise<Uint8Array> {
    this.calls++;
    return createHmac('sha256', this.secret).update(indexKeyLabel(bankId)).digest();
  }
}
