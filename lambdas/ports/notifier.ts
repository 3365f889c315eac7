/** Outbound messages after the guard has allowed them: SNS/SES in AWS, an outbox folder and SES sink offline. */

export interface SmsMessage {
  /** E.164 number. */
  readonly to: string;
  readonly body: string;
  /**
   * Deterministic key of this contact attempt (the offline outbox records it; SNS has no field for it).
   * No provider drops a repeat on it: SNS delivers a second publish of one message a second time. A contact
   * is sent once because the caller claimed it in the trail before sending.
   */
  readonly contactId: string;
}

/**
 * A send that failed before anything reached the provider (its client or settings could not be built):
 * nothing went out, so the caller may give the contact's slot back and try again.
 */
export class SenderUnavailableError extends Error {
  constructor(channel: string, reason: string) {
    super(`the ${channel} sender could not be built: ${reason}`);
    this.name = 'SenderUnavailable';
  }
}

export interface SmsSender {
  sendSms(message: SmsMessage): Promise<{ providerMessageId: string }>;
}

export interface EmailMessage {
  /** The recipient's address (decrypted only for the send). */
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** Deterministic key of the contact (an SES message tag and the sink's record of it). */
  readonly contactId: string;
}

/** SESv2 SendEmail with the configuration set in AWS; the local SES sink offline. */
export interface EmailSender {
  sendEmail(message: EmailMessage): Promise<{ providerMessageId: string }>;
}

/** A formal letter, rendered print-ready; its content never leaves the letters prefix. */
export interface LetterDocument {
  readonly bankId: string;
  readonly caseId: string;
  /** Deterministic: `letters/<bankId>/<contactId-derived name>.<ext>`; the same letter twice is one object. */
  readonly contactId: string;
  readonly language: 'zh-CN' | 'en';
  readonly template: string;
  readonly templateVersion: number;
  /** The rendered document (personal data inside: it is stored encrypted under the data key, never logged). */
  readonly body: Uint8Array;
  readonly contentType: string;
}

export interface StoredLetter {
  readonly key: string;
  /** Hex SHA-256 of the stored bytes: what the trail records as the letter's evidence. */
  readonly sha256: string;
}

/** Letters as documents in S3 (`letters/<bank>/…`), handed to a print-and-post service from there. */
export interface LetterStore {
  /** Stores the letter unless it is already there (same key): returns its key and hash either way. */
  store(letter: LetterDocument): Promise<StoredLetter>;
}

/** An item a person must complete: a call for a collector's worklist, or a decision (legal referral, charge-off). */
export interface WorkItem {
  /** Deterministic: `<caseId>#<cycle>#<stepId>`. */
  readonly itemId: string;
  readonly bankId: string;
  readonly caseId: string;
  readonly kind: 'call' | 'review';
  /** What is asked, e.g. `legal-referral`, `charge-off`, `collection-call` (no personal data). */
  readonly subject: string;
  /** The Step Functions task token the state machine waits on (absent when nothing waits). */
  readonly taskToken?: string;
  /** ISO instant after which the state machine takes the step's default path. */
  readonly dueBy: string;
  readonly createdAt: string;
}

export type WorkItemOutcome =
  | { readonly outcome: 'done'; readonly result: string; readonly by: string }
  | { readonly outcome: 'timed-out' };

/** The work items table (worklists by bank and kind); the staff endpoints that complete them come later. */
export interface WorkItems {
  /**
   * Creates the item unless one with the same id exists (a retried task creates it once); a retried task's
   * new task token and deadline replace the old ones (the old token died with the failed attempt).
   */
  open(item: WorkItem): Promise<void>;
  get(itemId: string): Promise<WorkItem | undefined>;
}

/** An event to the bank (a freeze request): EventBridge/SQS in AWS, the outbox offline. */
export interface BankEvents {
  publish(event: {
    readonly bankId: string;
    readonly caseId: string;
    readonly type: 'freeze-request';
    readonly eventId: string;
  }): Promise<void>;
}
