/**
 * SQS SendMessage as the API answers, for one standard queue, behind the SDK (aws-sdk-client-mock): the body
 * travels as UTF-8, and a body holding a character SQS does not accept (outside #x9, #xA, #xD, #x20–#xD7FF,
 * #xE000–#xFFFD, #x10000–#x10FFFF) is refused with InvalidMessageContents; every accepted send is a message,
 * a repeat included.
 */

import {
  InvalidMessageContents,
  QueueDoesNotExist,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';

const SQS_CHARACTERS = /^[\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;

export class SqsQueueModel {
  /** The bodies of the messages the queue holds, as a consumer receives them. */
  readonly bodies: string[] = [];

  constructor(readonly queueUrl: string) {}

  client(): SQSClient {
    const client = new SQSClient({ region: this.queueUrl.split('.')[1] ?? 'ap-east-1' });
    mockClient(client)
      .on(SendMessageCommand)
      .callsFake(async (input) => this.send(input));
    return client;
  }

  private send(input: SendMessageCommand['input']) {
    if (input.QueueUrl !== this.queueUrl)
      throw new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} });
    // What arrives is the body's UTF-8, as the SDK writes it (a lone surrogate is U+FFFD by then).
    const body = Buffer.from(input.MessageBody ?? '', 'utf8').toString('utf8');
    if (body.length === 0 || !SQS_CHARACTERS.test(body)) {
      throw new InvalidMessageContents({
        message: 'Invalid binary character in the message body',
        $metadata: {},
      });
    }
    this.bodies.push(body);
    return { MessageId: String(this.bodies.length), MD5OfMessageBody: '' };
  }
}
