/** An SMS sender that records, and fails when told to. */

import type { SmsMessage, SmsSender } from '../../../lambdas/ports/notifier';

/**
 * Records every SMS; after `failWith(error)` every send throws that error (and records nothing);
 * after `failNext(error?)` only the next send does.
 */
export class RecordingSmsSender implements SmsSender {
  readonly sent: SmsMessage[] = [];
  private failure: Error | undefined;
  private readonly oneShotFailures: Error[] = [];

  failWith(error: Error | undefined): this {
    this.failure = error;
    return this;
  }

  failNext(error: Error = new Error('SMS provider unavailable')): this {
    this.oneShotFailures.push(error);
    return this;
  }

  async sendSms(message: SmsMessage): Promise<{ providerMessageId: string }> {
    const oneShot = this.oneShotFailures.shift();
    if (oneShot) throw oneShot;
    if (this.failure) throw this.failure;
    this.sent.push(message);
    return { providerMessageId: `fake-${this.sent.length}` };
  }
}
