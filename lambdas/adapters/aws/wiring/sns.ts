/** The SMS sender, over one SNS client per container (the pattern: see lazy.ts). */

import { SNSClient } from '@aws-sdk/client-sns';
import type { SmsSender } from '../../../ports/notifier';
import { SnsSmsSender } from '../sns-sms-sender';
import { traced } from '../tracer';
import { once } from './lazy';

const snsClient = once(() => traced(new SNSClient({})));

export function buildSmsSender(): SmsSender {
  return new SnsSmsSender(snsClient(), process.env.SMS_SENDER_ID);
}
