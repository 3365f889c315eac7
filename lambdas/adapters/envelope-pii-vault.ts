/**
 * Field-level envelope encryption: the personal fields of an account are sealed together as one
 * AES-256-GCM message under a data key that a DataKeyProvider (KMS in AWS, a local key offline) wraps.
 * The KMS encryption context binds the bank; the GCM associated data binds bank, account and the list of
 * fields, so a ciphertext copied to another account, or a field list edited, fails to open.
 *
 * One message per account rather than one per field: a GCM message costs about 5 µs whatever its length,
 * and three of them were a third of intake's time. Opening a field decrypts the account's few fields and
 * returns the one asked for; the others never leave this class.
 */

import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { BoundedCache } from '../domain/bounded-cache';
import type { SealedPersonalData } from '../domain/collection-case';
import type { DataKeyProvider, PiiContext, PiiVault, SealRequest } from '../ports/pii-vault';

const FORMAT = 'v1';
const SEALED_FORMAT = 'v2';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface DataKeyCachePolicy {
  /** How many seals one data key may serve before a fresh one is generated. */
  readonly maxUses: number;
  /** How long a plaintext data key stays in memory. */
  readonly maxAgeMs: number;
}

const DEFAULT_POLICY: DataKeyCachePolicy = { maxUses: 10_000, maxAgeMs: 5 * 60_000 };

/**
 * Opened data keys kept for reading: every case sealed under another data key brings one, so a reader
 * that goes through many cases would otherwise keep every key it ever opened.
 */
const DECRYPT_KEYS_KEPT = 256;

interface CachedKey {
  readonly plaintext: Buffer;
  readonly wrapped: string;
  readonly createdAt: number;
  uses: number;
}

export class EnvelopePiiVault implements PiiVault {
  private readonly encryptKeys = new Map<string, CachedKey>();
  private readonly decryptKeys = new BoundedCache<string, { plaintext: Buffer; createdAt: number }>(
    DECRYPT_KEYS_KEPT,
  );
  private readonly pendingKeys = new Map<string, Promise<CachedKey>>();
  private readonly ivs = new RandomIvs();

  constructor(
    private readonly keys: DataKeyProvider,
    private readonly policy: DataKeyCachePolicy = DEFAULT_POLICY,
    private readonly monotonicNow: () => number = () => performance.now(),
  ) {}

  async seal(
    context: PiiContext,
    fields: Readonly<Record<string, string | undefined>>,
  ): Promise<SealedPersonalData> {
    const [sealed] = await this.sealAll(context.bankId, [{ accountId: context.accountId, fields }]);
    return sealed as SealedPersonalData;
  }

  async sealAll(bankId: string, requests: readonly SealRequest[]): Promise<SealedPersonalData[]> {
    const sealed: SealedPersonalData[] = new Array(requests.length);
    for (let i = 0; i < requests.length; i++) {
      const key = this.usableKey(bankId) ?? (await this.encryptionKey(bankId));
      key.uses++;
      const { accountId, fields } = requests[i] as SealRequest;
      sealed[i] = sealWith(key, this.ivs.next(), bankId, accountId, fields);
    }
    return sealed;
  }

  async open(context: PiiContext, sealed: SealedPersonalData, field: string): Promise<string> {
    if (!sealed.fields.includes(field)) throw new Error(`no sealed field ${field}`);
    const key = await this.decryptionKey(context.bankId, sealed.wrappedKey);
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(context.bankId, context.accountId, sealed.fields.join(',')));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    const value = (JSON.parse(plain.toString('utf8')) as Record<string, unknown>)[field];
    if (typeof value !== 'string') throw new Error(`no sealed field ${field}`);
    return value;
  }

  /** The bank's cached data key while it may still seal, without waiting. */
  private usableKey(bankId: string): CachedKey | undefined {
    const cached = this.encryptKeys.get(bankId);
    return cached && cached.uses < this.policy.maxUses && !this.expired(cached.createdAt)
      ? cached
      : undefined;
  }

  private async encryptionKey(bankId: string): Promise<CachedKey> {
    const cached = this.usableKey(bankId);
    if (cached) return cached;
    // Rows are sealed concurrently: the first to find no key asks KMS, the others wait for its answer.
    let pending = this.pendingKeys.get(bankId);
    if (!pending) {
      pending = this.freshKey(bankId).finally(() => this.pendingKeys.delete(bankId));
      this.pendingKeys.set(bankId, pending);
    }
    return pending;
  }

  private async freshKey(bankId: string): Promise<CachedKey> {
    const generated = await this.keys.generateDataKey(keyContext(bankId));
    const fresh: CachedKey = {
      plaintext: Buffer.from(generated.plaintext),
      wrapped: `${FORMAT}.${Buffer.from(generated.wrapped).toString('base64')}`,
      createdAt: this.monotonicNow(),
      uses: 0,
    };
    this.encryptKeys.set(bankId, fresh);
    this.decryptKeys.set(fresh.wrapped, { plaintext: fresh.plaintext, createdAt: fresh.createdAt });
    return fresh;
  }

  private async decryptionKey(bankId: string, wrapped: string): Promise<Buffer> {
    const cached = this.decryptKeys.get(wrapped);
    if (cached && !this.expired(cached.createdAt)) return cached.plaintext;
    const [format, blob] = wrapped.split('.');
    if (format !== FORMAT || !blob) throw new Error('unknown sealed-data format');
    const plaintext = Buffer.from(
      await this.keys.decryptDataKey(Buffer.from(blob, 'base64'), keyContext(bankId)),
    );
    this.decryptKeys.set(wrapped, { plaintext, createdAt: this.monotonicNow() });
    return plaintext;
  }

  private expired(createdAt: number): boolean {
    return this.monotonicNow() - createdAt > this.policy.maxAgeMs;
  }
}

function sealWith(
  key: CachedKey,
  iv: Buffer,
  bankId: string,
  accountId: string,
  fields: Readonly<Record<string, string | undefined>>,
): SealedPersonalData {
  // Absent fields may be there as undefined: neither named nor sealed (JSON leaves them out too). Frozen:
  // the list is bound into the associated data, and a caller editing it would make the case unopenable.
  const names = Object.freeze(Object.keys(fields).filter((name) => fields[name] !== undefined));
  const cipher = createCipheriv('aes-256-gcm', key.plaintext, iv);
  cipher.setAAD(associatedData(bankId, accountId, names.join(',')));
  const body = cipher.update(JSON.stringify(fields), 'utf8');
  const rest = cipher.final();
  // One copy into the sealed layout, IV | tag | ciphertext, rather than joining the ciphertext first.
  const ciphertext = Buffer.concat([iv, cipher.getAuthTag(), body, rest]).toString('base64');
  return { wrappedKey: key.wrapped, fields: names, ciphertext };
}

/**
 * Fresh random 96-bit GCM IVs (a repeated IV under one key leaks plaintext), drawn from a buffer that one
 * CSPRNG call refills per 1,024 IVs: a call per seal cost about a third of the seal itself. Each IV is
 * handed out as its own copy, so nothing a caller holds changes at the next refill, awaits or not.
 */
class RandomIvs {
  private static readonly PER_FILL = 1024;
  private readonly pool = Buffer.alloc(IV_BYTES * RandomIvs.PER_FILL);
  private used = RandomIvs.PER_FILL;

  next(): Buffer {
    if (this.used >= RandomIvs.PER_FILL) {
      randomFillSync(this.pool);
      this.used = 0;
    }
    const start = this.used++ * IV_BYTES;
    return Buffer.from(this.pool.subarray(start, start + IV_BYTES));
  }
}

function keyContext(bankId: string): Record<string, string> {
  return { purpose: 'overdue-pii', bankId };
}

/** The GCM associated data: what a ciphertext is bound to besides its key. */
function associatedData(bankId: string, accountId: string, fieldList: string): Buffer {
  return Buffer.from(`${SEALED_FORMAT}|${bankId}|${accountId}|${fieldList}`, 'utf8');
}
