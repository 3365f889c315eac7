/**
 * KMS as its API answers GenerateDataKey, Decrypt and GenerateMac, behind the SDK (aws-sdk-client-mock), for
 * the keys of one account:
 * - a symmetric key's ciphertext is bound to its encryption context (a map: the order of its pairs does not
 *   matter): Decrypt under any other context, or of altered bytes, fails with InvalidCiphertextException;
 * - Decrypt naming another key than the one the ciphertext is under fails with IncorrectKeyException;
 * - GenerateMac on an HMAC key is HMAC-SHA256 of the message under key material that never leaves KMS;
 * - a key used for the other kind of operation fails with InvalidKeyUsageException, an unknown key with
 *   NotFoundException.
 */

import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import {
  DecryptCommand,
  GenerateDataKeyCommand,
  GenerateMacCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  InvalidKeyUsageException,
  KMSClient,
  NotFoundException,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';

type KeyUsage = 'ENCRYPT_DECRYPT' | 'GENERATE_VERIFY_MAC';

interface ModelKey {
  readonly arn: string;
  readonly id: string;
  readonly usage: KeyUsage;
  readonly material: Buffer;
}

/** The model's ciphertext blob: version, key id (a UUID, 36 characters), IV, GCM tag, wrapped bytes. */
const BLOB_VERSION = 1;
const KEY_ID_BYTES = 36;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAX_MAC_MESSAGE_BYTES = 4096;

export class KmsModel {
  /** Requests per operation, as KMS would count them against the account's quota. */
  readonly calls = { GenerateDataKey: 0, Decrypt: 0, GenerateMac: 0 };
  private readonly keys = new Map<string, ModelKey>();

  constructor(
    private readonly region = 'ap-east-1',
    private readonly account = '111122223333',
  ) {}

  /** A client of this account's KMS, as one container creates it; every client reaches the same keys. */
  client(): KMSClient {
    const client = new KMSClient({ region: this.region });
    mockClient(client)
      .on(GenerateDataKeyCommand)
      .callsFake(async (input) => this.generateDataKey(input))
      .on(DecryptCommand)
      .callsFake(async (input) => this.decrypt(input))
      .on(GenerateMacCommand)
      .callsFake(async (input) => this.generateMac(input));
    return client;
  }

  /** A new key of this account; its ARN. */
  createKey(usage: KeyUsage): string {
    const id = randomUUID();
    const arn = `arn:aws:kms:${this.region}:${this.account}:key/${id}`;
    this.keys.set(id, { arn, id, usage, material: randomBytes(32) });
    return arn;
  }

  private generateDataKey(input: GenerateDataKeyCommand['input']) {
    this.calls.GenerateDataKey++;
    const key = this.key(input.KeyId, 'ENCRYPT_DECRYPT');
    const length = input.KeySpec === 'AES_256' ? 32 : input.KeySpec === 'AES_128' ? 16 : input.NumberOfBytes;
    if (!length || length < 1 || length > 1024) throw validation('KeySpec or NumberOfBytes is required');
    const plaintext = randomBytes(length);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.material, iv);
    cipher.setAAD(contextBytes(input.EncryptionContext));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const blob = Buffer.concat([
      Buffer.from([BLOB_VERSION]),
      Buffer.from(key.id, 'ascii'),
      iv,
      cipher.getAuthTag(),
      body,
    ]);
    return { Plaintext: new Uint8Array(plaintext), CiphertextBlob: new Uint8Array(blob), KeyId: key.arn };
  }

  private decrypt(input: DecryptCommand['input']) {
    this.calls.Decrypt++;
    const blob = Buffer.from(input.CiphertextBlob ?? new Uint8Array());
    const header = 1 + KEY_ID_BYTES + IV_BYTES + TAG_BYTES;
    if (blob.length <= header || blob[0] !== BLOB_VERSION) throw invalidCiphertext();
    const key = this.keys.get(blob.subarray(1, 1 + KEY_ID_BYTES).toString('ascii'));
    if (!key) throw invalidCiphertext();
    if (input.KeyId !== undefined && this.key(input.KeyId, 'ENCRYPT_DECRYPT').arn !== key.arn) {
      throw new IncorrectKeyException({
        message: 'The key ID in the request does not identify a KMS key that can perform this operation.',
        $metadata: {},
      });
    }
    const ivAt = 1 + KEY_ID_BYTES;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.material, blob.subarray(ivAt, ivAt + IV_BYTES));
      decipher.setAAD(contextBytes(input.EncryptionContext));
      decipher.setAuthTag(blob.subarray(ivAt + IV_BYTES, header));
      const plaintext = Buffer.concat([decipher.update(blob.subarray(header)), decipher.final()]);
      return {
        Plaintext: new Uint8Array(plaintext),
        KeyId: key.arn,
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    } catch {
      throw invalidCiphertext();
    }
  }

  private generateMac(input: GenerateMacCommand['input']) {
    this.calls.GenerateMac++;
    const key = this.key(input.KeyId, 'GENERATE_VERIFY_MAC');
    if (input.MacAlgorithm !== 'HMAC_SHA_256') {
      throw new InvalidKeyUsageException({
        message: `${input.MacAlgorithm} is not supported by an HMAC_256 key`,
        $metadata: {},
      });
    }
    const message = Buffer.from(input.Message ?? new Uint8Array());
    if (message.length < 1 || message.length > MAX_MAC_MESSAGE_BYTES)
      throw validation('Message must be 1 to 4096 bytes');
    const mac = createHmac('sha256', key.material).update(message).digest();
    return { Mac: new Uint8Array(mac), KeyId: key.arn, MacAlgorithm: input.MacAlgorithm };
  }

  /** The key a KeyId names (its ARN or its id), for an operation of `usage`. */
  private key(keyId: string | undefined, usage: KeyUsage): ModelKey {
    const id = keyId?.startsWith('arn:') ? keyId.split(':key/')[1] : keyId;
    const key = id === undefined ? undefined : this.keys.get(id);
    if (!key || (keyId?.startsWith('arn:') && key.arn !== keyId))
      throw new NotFoundException({ message: `Key '${keyId}' does not exist`, $metadata: {} });
    if (key.usage !== usage) {
      throw new InvalidKeyUsageException({
        message: `${key.arn} key usage is ${key.usage} which is not valid for this operation.`,
        $metadata: {},
      });
    }
    return key;
  }
}

/** An encryption context as bytes that ignore the order of its pairs, as KMS compares it. */
function contextBytes(context: Record<string, string> | undefined): Buffer {
  const pairs = Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(pairs), 'utf8');
}

function invalidCiphertext(): InvalidCiphertextException {
  return new InvalidCiphertextException({ message: '', $metadata: {} });
}

function validation(message: string): Error {
  return Object.assign(new Error(message), { name: 'ValidationException', $fault: 'client' });
}
