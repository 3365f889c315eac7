/** The letter store in memory, with S3LetterStore's keys and semantics. */

import { letterKey, sha256Hex } from '../../../lambdas/adapters/aws/s3-letter-store';
import type { LetterDocument, LetterStore, StoredLetter } from '../../../lambdas/ports/notifier';

export interface StoredLetterObject {
  readonly body: Uint8Array;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Keys as S3LetterStore makes them (and refuses what it refuses); the first write of a key is the one kept. */
export class InMemoryLetterStore implements LetterStore {
  readonly objects = new Map<string, StoredLetterObject>();
  private failure: Error | undefined;

  failWith(error: Error | undefined): this {
    this.failure = error;
    return this;
  }

  async store(letter: LetterDocument): Promise<StoredLetter> {
    const key = letterKey(letter);
    if (this.failure) throw this.failure;
    const existing = this.objects.get(key);
    if (existing) return { key, sha256: sha256Hex(existing.body) };
    const sha256 = sha256Hex(letter.body);
    this.objects.set(key, {
      body: Uint8Array.from(letter.body),
      contentType: letter.contentType,
      metadata: { sha256, 'case-id': letter.caseId, template: letter.template },
    });
    return { key, sha256 };
  }
}
