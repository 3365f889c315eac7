/**
 * The email sender, over one SESv2 client per container (the pattern: see lazy.ts). Environment:
 * EMAIL_FROM_ADDRESS (an address on the stage's verified domain) and EMAIL_CONFIGURATION_SET.
 */

import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { EmailSender } from '../../../ports/notifier';
import { SesEmailSender } from '../ses-email-sender';
import { asBuilt, type Instrument, onceWith, requiredEnv } from './lazy';

// One attempt: a send is not idempotent, and the SDK retries a timeout or a 5xx that may follow a taken
// message; the task's retry comes back through the ledger, which releases only what was refused (act-on-step).
const sesClient = onceWith((instrument: Instrument) => instrument(new SESv2Client({ maxAttempts: 1 })));

export function buildEmailSender(instrument: Instrument = asBuilt): EmailSender {
  return new SesEmailSender(sesClient(instrument), {
    fromAddress: requiredEnv('EMAIL_FROM_ADDRESS'),
    configurationSetName: requiredEnv('EMAIL_CONFIGURATION_SET'),
  });
}
