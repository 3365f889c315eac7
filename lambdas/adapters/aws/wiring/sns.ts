/** The SMS sender, over one SNS client per container (the pattern: see lazy.ts). */

import { SNSClient } from '@aws-sdk/client-sns';
import type { SmsSender } from '../../../ports/notifier';
import { SnsSmsSender } from '../sns-sms-sender';
import { asBuilt, type Instrument, onceWith } from './lazy';

// One attempt: a send is not idempotent, and the SDK retries a timeout or a 5xx that may follow a taken
// message; the task's retry comes back through the ledger, which releases only what was refused (act-on-step).
const snsClient = onceWith((instrument: Instrument) => instrument(new SNSClient({ maxAttempts: 1 })));

export function buildSmsSender(instrument: Instrument = asBuilt): SmsSender {
  return new SnsSmsSender(snsClient(instrument), process.env.SMS_SENDER_ID);
}
