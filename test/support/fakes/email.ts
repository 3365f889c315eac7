/** An email sender that records, and fails when told to. */

import type { EmailMessage, EmailSender } from '../../../lambdas/ports/notifier';

/**
 * Records every email, a repeat of one contact included (SES delivers a second send a second time); after
 * `failWith(error)` every send throws that error and records nothing.
 */
export class RecordingEmailSender implements EmailSender {
  readonly sent: EmailMessage[] = [];
  private failure: Error | undefined;

  failWith(error: Error | undefined): this {
    this.failure = error;
    return this;
  }

  async sendEmail(message: EmailMessage): Promise<{ providerMessageId: string }> {
    if (this.failure) throw this.failure;
    this.sent.push({ ...message });
    return { providerMessageId: `fake-email-${this.sent.length}` };
  }
}
