/** Letters as objects under `letters/<bankId>/` of the drop bucket, written once, hashed as evidence. */

import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { LetterDocument, LetterStore, StoredLetter } from '../../ports/notifier';

/** The document types a letter may be, and the extension its key takes. */
const EXTENSIONS: Readonly<Record<string, string>> = {
  'text/html': 'html',
  'application/pdf': 'pdf',
};
const BANK_ID = /^[a-z0-9-]{2,32}$/;
/** Metadata holding the stored bytes' SHA-256, so that a repeat reads the evidence back without a GET. */
const HASH_METADATA = 'sha256';
/** S3 answers 409 while another conditional write of the same key is in flight: look again a few times. */
const CONFLICT_ATTEMPTS = 4;

/**
 * `letters/<bankId>/<name>.<ext>`: the name is the first 128 bits of the SHA-256 of the contact id, in hex.
 * Deterministic (a retried step writes the same key) and free of ids and personal data, like the SMS outbox.
 */
export function letterKey(letter: Pick<LetterDocument, 'bankId' | 'contactId' | 'contentType'>): string {
  if (!BANK_ID.test(letter.bankId))
    throw new LetterRefusedError(`bank id '${letter.bankId}' is not a key part`);
  const extension = EXTENSIONS[letter.contentType.split(';')[0]?.trim().toLowerCase() ?? ''];
  if (!extension) throw new LetterRefusedError(`a letter cannot be ${letter.contentType}`);
  const name = createHash('sha256').update(letter.contactId).digest('hex').slice(0, 32);
  return `letters/${letter.bankId}/${name}.${extension}`;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A letter the store will not take (its bank id or type cannot make a key). */
export class LetterRefusedError extends Error {
  override readonly name = 'LetterRefusedError';
}

export interface S3LetterStoreSettings {
  readonly bucket: string;
  /**
   * The KMS key the bucket encrypts with by default. Named on every put: `aws:kms` without a key id would
   * take the AWS-managed `aws/s3` key instead of the bucket's.
   */
  readonly kmsKeyId?: string;
}

/**
 * Writes a letter once. A HEAD comes first, then a PUT with `If-None-Match: *`: S3 refuses a second write of
 * the key with 412 and the evidence is read back from the object that won. The HEAD is there because s3rver
 * (the offline S3) ignores `If-None-Match` on PUT and would overwrite; with it, a repeat is one object there
 * too (two writers racing offline can still both write: only AWS closes that gap, with the condition).
 * The function needs `s3:GetObject` on `letters/*` for the HEAD and `s3:ListBucket`, without which S3
 * answers a HEAD of a missing key with 403 rather than 404.
 */
export class S3LetterStore implements LetterStore {
  constructor(
    private readonly s3: S3Client,
    private readonly settings: S3LetterStoreSettings,
  ) {}

  async store(letter: LetterDocument): Promise<StoredLetter> {
    const key = letterKey(letter);
    const existing = await this.storedHash(key);
    if (existing) return { key, sha256: existing };
    const sha256 = sha256Hex(letter.body);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.s3.send(this.putOnce(key, sha256, letter));
        return { key, sha256 };
      } catch (error) {
        const name = (error as Error).name;
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        const lost = name === 'PreconditionFailed' || status === 412;
        const racing = name === 'ConditionalRequestConflict' || status === 409;
        if (!lost && !racing) throw error;
        // Another write of the key came between the HEAD and this put (412), or is under way (409): the
        // evidence is the object that won.
        if (racing) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        const won = await this.storedHash(key);
        if (won) return { key, sha256: won };
        if (lost || attempt >= CONFLICT_ATTEMPTS) throw error;
      }
    }
  }

  private putOnce(key: string, sha256: string, letter: LetterDocument): PutObjectCommand {
    return new PutObjectCommand({
      Bucket: this.settings.bucket,
      Key: key,
      Body: letter.body,
      ContentType: letter.contentType,
      IfNoneMatch: '*',
      ServerSideEncryption: 'aws:kms',
      ...(this.settings.kmsKeyId ? { SSEKMSKeyId: this.settings.kmsKeyId } : {}),
      BucketKeyEnabled: true,
      // S3 checks the bytes it received against this and refuses the put if they differ.
      ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
      // Ids and the hash only: no names, no text. Object metadata is readable by anyone who may HEAD it.
      Metadata: {
        [HASH_METADATA]: sha256,
        'case-id': letter.caseId,
        template: letter.template,
        'template-version': String(letter.templateVersion),
        language: letter.language,
      },
    });
  }

  /** The hash of the object under `key`, from its metadata or else from its bytes; undefined when there is none. */
  private async storedHash(key: string): Promise<string | undefined> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      const recorded = head.Metadata?.[HASH_METADATA];
      if (recorded && /^[0-9a-f]{64}$/.test(recorded)) return recorded;
    } catch (error) {
      if ((error as Error).name === 'NotFound' || (error as Error).name === 'NoSuchKey') return undefined;
      throw error;
    }
    // Written by something other than this store: the evidence is what is there, byte for byte.
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }));
    if (!out.Body) throw new Error(`empty letter object ${key}`);
    return sha256Hex(await out.Body.transformToByteArray());
  }
}
