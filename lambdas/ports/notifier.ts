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

export interface SmsSender {
  sendSms(message: SmsMessage): Promise<{ providerMessageId: string }>;
}
