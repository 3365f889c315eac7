/**
 * SESv2 SendEmail as its API answers, behind the SDK (aws-sdk-client-mock): the sender must be on the verified
 * domain and the configuration set must exist (NotFoundException); a recipient that is no address, an empty
 * subject or body, or a tag SES cannot take is a BadRequestException; every accepted send is a delivery with
 * its own message id, a repeat included (SES has no deduplication). Like SES, a refusal of an address names
 * it in its message: the adapter must not pass that on.
 */

import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  MessageRejected,
  NotFoundException,
  SESv2Client,
  SendEmailCommand,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';

export interface SesDelivery {
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly charsets: readonly (string | undefined)[];
  readonly configurationSetName: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

/** An address as SES takes it: something, one @, a domain with a dot; no spaces. */
const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TAG_PART = /^[A-Za-z0-9_.@-]{1,256}$/;

export class SesV2Model {
  readonly delivered: SesDelivery[] = [];
  private failure: Error | undefined;
  /** Recipients SES refuses (suppression list, a sandbox without them verified). */
  readonly refusedRecipients = new Set<string>();

  constructor(
    readonly verifiedDomain: string,
    readonly configurationSets: readonly string[],
  ) {}

  client(): SESv2Client {
    const client = new SESv2Client({ region: 'ap-east-1' });
    mockClient(client)
      .on(SendEmailCommand)
      .callsFake(async (input) => this.send(input));
    return client;
  }

  /** Every send from now on fails with `error` (an outage, throttling), until `failWith(undefined)`. */
  failWith(error: Error | undefined): void {
    this.failure = error;
  }

  private send(input: SendEmailCommand['input']): { MessageId: string } {
    if (this.failure) throw this.failure;
    const from = input.FromEmailAddress ?? '';
    if (!from.endsWith(`@${this.verifiedDomain}`)) {
      throw new MessageRejected({
        message: `Email address is not verified. The following identities failed the check in region AP-EAST-1: ${from}`,
        $metadata: {},
      });
    }
    if (input.ConfigurationSetName && !this.configurationSets.includes(input.ConfigurationSetName)) {
      throw new NotFoundException({
        message: `Configuration set <${input.ConfigurationSetName}> does not exist.`,
        $metadata: {},
      });
    }
    const to = input.Destination?.ToAddresses ?? [];
    if (to.length === 0) throw bad('Missing final @domain');
    for (const address of to) {
      if (!ADDRESS.test(address)) throw bad(`Missing final '@domain' in ${address}`);
      if (this.refusedRecipients.has(address)) {
        throw new MessageRejected({
          message: `Email address is not verified. The following identities failed the check in region AP-EAST-1: ${address}`,
          $metadata: {},
        });
      }
    }
    const simple = input.Content?.Simple;
    if (!simple?.Subject?.Data) throw bad('Subject is required');
    const text = simple.Body?.Text?.Data;
    if (!text && !simple.Body?.Html?.Data) throw bad('Body is required');
    const tags: Record<string, string> = {};
    for (const tag of input.EmailTags ?? []) {
      if (!TAG_PART.test(tag.Name ?? '') || !TAG_PART.test(tag.Value ?? '')) {
        throw bad('Invalid tag: names and values may contain only ASCII letters, digits, _, -, . and @');
      }
      tags[tag.Name as string] = tag.Value as string;
    }
    const messageId = randomUUID();
    this.delivered.push({
      messageId,
      from,
      to,
      subject: simple.Subject.Data,
      text: text ?? '',
      charsets: [simple.Subject.Charset, simple.Body?.Text?.Charset],
      configurationSetName: input.ConfigurationSetName,
      tags,
    });
    return { MessageId: messageId };
  }
}

function bad(message: string): BadRequestException {
  return new BadRequestException({ message, $metadata: {} });
}
