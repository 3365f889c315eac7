/** Outbound messages after the guard has allowed them: SNS/SES in AWS, an outbox folder and SES sink offline. */

export interface SmsMessage {
  /** E.164 number. */
  readonly to: string;
  readonly body: string;
  /** Deterministic key of this contact attempt, so that a redelivered send is dropped downstream. */
  readonly contactId: string;
}

export interface SmsSender {
  sendSms(message: SmsMessage): Promise<{ providerMessageId: string }>;
}
