/**
 * SNS direct SMS publish as its API answers, behind the SDK (aws-sdk-client-mock): every accepted publish is
 * a delivery with its own message id, a repeat of the same message included (SNS has no deduplication for
 * SMS); a refused one delivers nothing.
 */

import { randomUUID } from 'node:crypto';
import { InvalidParameterException, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';

export interface SnsDelivery {
  readonly to: string;
  readonly body: string;
  readonly messageId: string;
  readonly smsType: string | undefined;
}

/** E.164: a plus, then up to 15 digits, the first not 0. */
const E164 = /^\+[1-9]\d{1,14}$/;
/** The most one SMS publish may carry (SNS splits it into parts of 140 bytes). */
const MAX_MESSAGE_BYTES = 1600;

export class SnsSmsModel {
  readonly delivered: SnsDelivery[] = [];
  private failure: Error | undefined;

  constructor(client: SNSClient) {
    mockClient(client)
      .on(PublishCommand)
      .callsFake(async (input) => this.publish(input));
  }

  /** Every publish from now on fails with `error` (an outage, a throttle), until `failWith(undefined)`. */
  failWith(error: Error | undefined): void {
    this.failure = error;
  }

  private publish(input: PublishCommand['input']): { MessageId: string } {
    if (this.failure) throw this.failure;
    if (input.TopicArn || input.TargetArn) throw invalid('this model is of direct SMS publish only');
    if (!input.PhoneNumber || !E164.test(input.PhoneNumber)) throw invalid('Invalid parameter: PhoneNumber');
    if (!input.Message) throw invalid('Invalid parameter: Empty message');
    if (Buffer.byteLength(input.Message, 'utf8') > MAX_MESSAGE_BYTES)
      throw invalid('Invalid parameter: Message too long');
    const smsType = input.MessageAttributes?.['AWS.SNS.SMS.SMSType']?.StringValue;
    if (smsType !== undefined && smsType !== 'Transactional' && smsType !== 'Promotional')
      throw invalid('Invalid parameter: SMSType');
    const messageId = randomUUID();
    this.delivered.push({ to: input.PhoneNumber, body: input.Message, messageId, smsType });
    return { MessageId: messageId };
  }
}

function invalid(message: string): InvalidParameterException {
  return new InvalidParameterException({ message, $metadata: {} });
}
