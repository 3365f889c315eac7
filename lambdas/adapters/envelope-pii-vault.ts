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

interface CachedKey {
  readonly plaintext: Buffer;
  readonly wrapped: string;
  readonly createdAt: number;
  uses: number;
}

export class EnvelopePiiVault implements PiiVault {
  private readonly encryptKeys = new Map<string, CachedKey>();
  private readonly decryptKeys = new Map<string, { plaintext: Buffer; createdAt: number }>();
  private readonly pendingKeys = new Map<string, Promise<CachedKey>>();

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
      sealed[i] = sealWith(key, bankId, accountId, fields);
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
  bankId: string,
  accountId: string,
  fields: Readonly<Record<string, string | undefined>>,
): SealedPersonalData {
  const names = fieldNamesOf(fields);
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key.plaintext, iv);
  cipher.setAAD(associatedData(bankId, accountId, names.joined));
  const body = cipher.update(JSON.stringify(fields), 'utf8');
  cipher.final();
  // iv | tag | body, assembled in a scratch buffer: only the base64 text leaves this function.
  const length = IV_BYTES + TAG_BYTES + body.length;
  const out = length <= SCRATCH.length ? SCRATCH : Buffer.allocUnsafe(length);
  iv.copy(out, 0);
  cipher.getAuthTag().copy(out, IV_BYTES);
  body.copy(out, IV_BYTES + TAG_BYTES);
  return { wrappedKey: key.wrapped, fields: names.list, ciphertext: out.toString('base64', 0, length) };
}

interface FieldNames {
  /** Frozen: one list is shared by every account sealed with the same fields. */
  readonly list: readonly string[];
  readonly joined: string;
}

let lastNames: FieldNames = { list: Object.freeze([]), joined: '' };
const GATHERED: string[] = [];

/**
 * The names of the fields present (absent ones may be there as undefined: neither named nor sealed, and
 * JSON leaves them out). Accounts of one feed mostly have the same fields, so the last list is reused.
 */
function fieldNamesOf(fields: Readonly<Record<string, string | undefined>>): FieldNames {
  let count = 0;
  for (const name in fields) if (fields[name] !== undefined) GATHERED[count++] = name;
  const last = lastNames.list;
  let same = last.length === count;
  for (let i = 0; same && i < count; i++) same = last[i] === GATHERED[i];
  if (same) return lastNames;
  const list = Object.freeze(GATHERED.slice(0, count));
  lastNames = { list, joined: list.join(',') };
  return lastNames;
}

/** Reused for every seal and open (both synchronous from here on): no allocation per account. */
const SCRATCH = Buffer.allocUnsafe(16 * 1024);
const AAD_SCRATCH = Buffer.allocUnsafe(1024);
/** Views of the scratch by length, made once each. */
const AAD_VIEWS: Buffer[] = [];

/**
 * Random 96-bit IVs drawn from a pool refilled by one CSPRNG call per 1,365 IVs: a system call per seal
 * was a large cost of intake. An IV is a view into the pool: the caller must copy it out (into the sealed
 * bytes) before drawing the next one, so that a refill never changes a used one.
 */
const IV_POOL = Buffer.alloc(IV_BYTES * 1365);
/** The pool's IV slots as views made once, so that drawing an IV allocates nothing. */
const IV_SLOTS = Array.from({ length: 1365 }, (_, i) => IV_POOL.subarray(i * IV_BYTES, (i + 1) * IV_BYTES));
let nextSlot = IV_SLOTS.length;

function nextIv(): Buffer {
  if (nextSlot >= IV_SLOTS.length) {
    randomFillSync(IV_POOL);
    nextSlot = 0;
  }
  return IV_SLOTS[nextSlot++] as Buffer;
}

function keyContext(bankId: string): Record<string, string> {
  return { purpose: 'overdue-pii', bankId };
}

/** The GCM associated data; a view into a scratch buffer, which setAAD copies before the next use. */
function associatedData(bankId: string, accountId: string, fieldList: string): Buffer {
  const text = `${SEALED_FORMAT}|${bankId}|${accountId}|${fieldList}`;
  const length = Buffer.byteLength(text, 'utf8');
  if (length > AAD_SCRATCH.length) return Buffer.from(text, 'utf8');
  AAD_SCRATCH.write(text, 0, 'utf8');
  let view = AAD_VIEWS[length];
  if (!view) {
    view = AAD_SCRATCH.subarray(0, length);
    AAD_VIEWS[length] = view;
  }
  return view;
}
