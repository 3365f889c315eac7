/** Offline stand-in for KMS: data keys wrapped with AES-256-GCM under a local master key, context as associated data. */

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataKeyProvider } from '../../ports/pii-vault';

export class LocalDataKeyProvider implements DataKeyProvider {
  /** Counts calls, like KMS requests would be counted, for benchmarks and tests. */
  calls = 0;

  constructor(private readonly masterKey: Uint8Array) {
    if (masterKey.length !== 32) throw new Error('the local master key must be 32 bytes');
  }

  async generateDataKey(context: Readonly<Record<string, string>>) {
    this.calls++;
    const plaintext = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv);
    cipher.setAAD(contextBytes(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { plaintext, wrapped: Buffer.concat([iv, cipher.getAuthTag(), body]) };
  }

  async decryptDataKey(wrapped: Uint8Array, context: Readonly<Record<string, string>>) {
    this.calls++;
    const bytes = Buffer.from(wrapped);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.masterKey, bytes.subarray(0, 12));
      decipher.setAAD(contextBytes(context));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
    } catch {
      // Named as KMS names it, so that offline logs (which carry an error's name only) read as AWS's would.
      throw new InvalidCiphertextError();
    }
  }
}

/** A wrapped key that does not open under this master key and context: KMS's InvalidCiphertextException. */
export class InvalidCiphertextError extends Error {
  override readonly name = 'InvalidCiphertextException';

  constructor() {
    super('the data key does not unwrap under this master key and encryption context');
  }
}

function contextBytes(context: Readonly<Record<string, string>>): Buffer {
  const sorted = Object.keys(context)
    .sort()
    .map((key) => [key, context[key]]);
  return Buffer.from(JSON.stringify(sorted), 'utf8');
}
