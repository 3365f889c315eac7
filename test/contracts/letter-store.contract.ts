/**
 * The letter store's contract, as S3 behaves with `If-None-Match: *`: a letter is stored under
 * `letters/<bankId>/<name>.html` (the name derived from the contact id, holding no id), its SHA-256 is the
 * hash of the bytes stored; the same letter twice is one object and the same answer; a second, different
 * rendering of a stored contact changes nothing and answers with the hash of what is stored (the evidence).
 */

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LetterDocument, LetterStore } from '../../lambdas/ports/notifier';

export interface LetterParts {
  readonly store: LetterStore;
  /** The bytes stored under a key, undefined when none. */
  read(key: string): Promise<Uint8Array | undefined>;
  /** Every key stored (this store's bucket or map only). */
  keys(): Promise<string[]>;
}

const letter = (contactId: string, text: string, bankId = 'demo-bank'): LetterDocument => ({
  bankId,
  caseId: `${bankId}:ACC-001`,
  contactId,
  language: 'zh-CN',
  template: 'cn-letter-formal',
  templateVersion: 3,
  body: new TextEncoder().encode(`<!doctype html><html lang="zh-CN"><body><p>${text}</p></body></html>`),
  contentType: 'text/html; charset=utf-8',
});

const hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function letterStoreContract(name: string, parts: () => Promise<LetterParts> | LetterParts): void {
  describe(`LetterStore contract: ${name}`, () => {
    it('stores a letter under letters/<bank>/<name>.html and answers the SHA-256 of the bytes stored', async () => {
      const { store, read } = await parts();
      const document = letter('demo-bank:ACC-001#2026-02-17#letter-1', '张伟先生：您的信用卡已逾期。');

      const stored = await store.store(document);

      expect(stored.key).toMatch(/^letters\/demo-bank\/[0-9a-f]{32}\.html$/);
      expect(stored.key).not.toContain('ACC-001');
      expect(stored.sha256).toBe(hex(document.body));
      expect(Buffer.from((await read(stored.key)) ?? [])).toEqual(Buffer.from(document.body));
    });

    it('keeps the same letter twice as one object, with the same key and hash', async () => {
      const { store, keys } = await parts();
      const document = letter('demo-bank:ACC-001#2026-02-17#letter-1', 'once');

      const first = await store.store(document);
      const second = await store.store(document);

      expect(second).toEqual(first);
      expect(await keys()).toEqual([first.key]);
    });

    it('answers a second rendering of a stored contact with what is stored, and leaves it as it was', async () => {
      const { store, read } = await parts();
      const original = letter('demo-bank:ACC-001#2026-02-17#letter-1', 'rendered on day 30');
      const rerendered = letter('demo-bank:ACC-001#2026-02-17#letter-1', 'rendered again on day 31');

      const first = await store.store(original);
      const second = await store.store(rerendered);

      expect(second).toEqual(first);
      expect(Buffer.from((await read(first.key)) ?? [])).toEqual(Buffer.from(original.body));
    });

    it('stores each contact, and each bank, under its own key', async () => {
      const { store, keys } = await parts();

      const one = await store.store(letter('demo-bank:ACC-001#2026-02-17#letter-1', 'a'));
      const two = await store.store(letter('demo-bank:ACC-001#2026-02-17#letter-2', 'a'));
      const other = await store.store(letter('us-demo:ACC-001#2026-02-17#letter-1', 'a', 'us-demo'));

      expect(new Set([one.key, two.key, other.key]).size).toBe(3);
      expect(other.key.startsWith('letters/us-demo/')).toBe(true);
      expect((await keys()).sort()).toEqual([one.key, two.key, other.key].sort());
    });

    it('refuses a letter whose bank id or type cannot make a key, storing nothing', async () => {
      const { store, keys } = await parts();

      await expect(store.store({ ...letter('x#1#letter-1', 'a'), bankId: '../cases' })).rejects.toMatchObject(
        { name: 'LetterRefusedError' },
      );
      await expect(
        store.store({ ...letter('x#1#letter-1', 'a'), contentType: 'application/x-msdownload' }),
      ).rejects.toMatchObject({ name: 'LetterRefusedError' });
      expect(await keys()).toEqual([]);
    });
  });
}
