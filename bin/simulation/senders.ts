/** In-memory senders that record what was sent and the virtual instant it was sent at (for the checker). */

import { createHash } from 'node:crypto';
import type { Clock } from '../../lambdas/ports/clock';
import type {
  BankEvents,
  EmailMessage,
  EmailSender,
  LetterDocument,
  LetterStore,
  SmsMessage,
  SmsSender,
  StoredLetter,
} from '../../lambdas/ports/notifier';

export interface SentSms extends SmsMessage {
  readonly at: string;
}
export interface SentEmail extends EmailMessage {
  readonly at: string;
}
export interface SentLetter {
  readonly caseId: string;
  readonly contactId: string;
  readonly template: string;
  readonly at: string;
}

export class RecordingSms implements SmsSender {
  readonly sent: SentSms[] = [];
  constructor(private readonly clock: Clock) {}
  async sendSms(message: SmsMessage) {
    this.sent.push({ ...message, at: this.clock.now().toISOString() });
    return { providerMessageId: `sim-sms-${this.sent.length}` };
  }
}

export class RecordingEmail implements EmailSender {
  readonly sent: SentEmail[] = [];
  constructor(private readonly clock: Clock) {}
  async sendEmail(message: EmailMessage) {
    this.sent.push({ ...message, at: this.clock.now().toISOString() });
    return { providerMessageId: `sim-email-${this.sent.length}` };
  }
}

/** Keeps one record per letter key (the first write wins, as S3LetterStore); bodies are not kept. */
export class MemoryLetters implements LetterStore {
  readonly stored: SentLetter[] = [];
  private readonly keys = new Map<string, string>();
  constructor(private readonly clock: Clock) {}
  async store(letter: LetterDocument): Promise<StoredLetter> {
    const key = `letters/${letter.bankId}/${createHash('sha256').update(letter.contactId).digest('hex').slice(0, 32)}.html`;
    const existing = this.keys.get(key);
    if (existing) return { key, sha256: existing };
    const sha256 = createHash('sha256').update(letter.body).digest('hex');
    this.keys.set(key, sha256);
    this.stored.push({
      caseId: letter.caseId,
      contactId: letter.contactId,
      template: letter.template,
      at: this.clock.now().toISOString(),
    });
    return { key, sha256 };
  }
}

export class RecordingBankEvents implements BankEvents {
  readonly published: Array<{ caseId: string; type: string; at: string }> = [];
  constructor(private readonly clock: Clock) {}
  async publish(event: Parameters<BankEvents['publish']>[0]) {
    this.published.push({ caseId: event.caseId, type: event.type, at: this.clock.now().toISOString() });
  }
}
