/** The SMS sender, over one SNS client per container (the pattern: see lazy.ts). */

import { SNSClient } from '@aws-sdk/client-sns';
import type { SmsSender } from '../../../ports/notifier';
import { SnsSmsSender } from '../sns-sms-sender';
import { asBuilt, type Instrument, onceWith } from './lazy';

const snsClient = onceWith((instrument: Instrument) => instrument(new SNSClient({})));

export function buildSmsSender(instrument: Instrument = asBuilt): SmsSender {
  return new SnsSmsSender(snsClient(instrument), process.env.SMS_SENDER_ID);
}
