/** Email through SESv2 SendEmail: plain UTF-8 text under the stage's configuration set, the contact id as a tag. */

import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { EmailMessage, EmailSender } from '../../ports/notifier';

export interface SesEmailSettings {
  /** An address on the domain verified as the stage's SES identity. */
  readonly fromAddress: string;
  /** Every send names it: its event destinations see deliveries, bounces and complaints by tag. */
  readonly configurationSetName: string;
}

/** The message tag that carries the contact id to the configuration set's event destinations. */
export const CONTACT_TAG = 'contact-id';
/** SES tag values: ASCII letters, digits, `_`, `-`, `.` (and `@`), at most 256 characters. */
const TAG_VALUE = /^[A-Za-z0-9_.-]{1,256}$/;

/**
 * A contact id as a tag value. Ids hold `:` and `#`, which SES refuses in a tag, so the value is the id's
 * UTF-8 in base64url (no padding): letters, digits, `-` and `_`, and reversible by whoever reads an event.
 */
export function contactTagValue(contactId: string): string {
  const value = Buffer.from(contactId, 'utf8').toString('base64url');
  if (!TAG_VALUE.test(value)) {
    throw new EmailSendError('InvalidContactId', `the contact id ${contactId} does not fit an SES tag`);
  }
  return value;
}

export function contactIdOfTag(value: string): string {
  return Buffer.from(value, 'base64url').toString('utf8');
}

/**
 * A send SES refused. The name is SES's own (`MessageRejected`, `TooManyRequestsException`, …) so that a
 * Retry or Catch can tell them apart; the message names the contact, never the address. SES writes the
 * address into some of its messages ("… failed the check …: someone@example.com"), so its error is not
 * kept as the cause: a logger serialising this error would print it.
 */
export class EmailSendError extends Error {
  readonly $fault: 'client' | 'server' | undefined;
  readonly $retryable: { throttling?: boolean } | undefined;
  /** SES's HTTP status, kept: whether SES answered (and so did not take the email) is read from it. */
  readonly $metadata: { httpStatusCode?: number };

  constructor(
    name: string,
    message: string,
    details: {
      $fault?: 'client' | 'server';
      $retryable?: { throttling?: boolean };
      $metadata?: { httpStatusCode?: number };
    } = {},
  ) {
    super(message);
    this.name = name;
    this.$fault = details.$fault;
    this.$retryable = details.$retryable;
    this.$metadata =
      details.$metadata?.httpStatusCode === undefined
        ? {}
        : { httpStatusCode: details.$metadata.httpStatusCode };
  }
}

export class SesEmailSender implements EmailSender {
  constructor(
    private readonly ses: SESv2Client,
    private readonly settings: SesEmailSettings,
  ) {}

  async sendEmail(message: EmailMessage): Promise<{ providerMessageId: string }> {
    const tag = contactTagValue(message.contactId);
    try {
      const out = await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: this.settings.fromAddress,
          Destination: { ToAddresses: [message.to] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
            },
          },
          ConfigurationSetName: this.settings.configurationSetName,
          EmailTags: [{ Name: CONTACT_TAG, Value: tag }],
        }),
      );
      if (!out.MessageId) throw new EmailSendError('NoMessageId', 'SES accepted the email without an id');
      return { providerMessageId: out.MessageId };
    } catch (error) {
      if (error instanceof EmailSendError) throw error;
      throw withoutAddress(error, message);
    }
  }
}

const ANY_ADDRESS = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g;

/** SES's error, its address (or anything shaped like one) cut out. */
function withoutAddress(error: unknown, message: EmailMessage): EmailSendError {
  const original = error as {
    name?: string;
    message?: string;
    $fault?: 'client' | 'server';
    $retryable?: { throttling?: boolean };
    $metadata?: { httpStatusCode?: number };
  };
  const said = String(original?.message ?? '')
    .split(message.to)
    .join('<address>')
    .replace(ANY_ADDRESS, '<address>');
  return new EmailSendError(
    original?.name ?? 'EmailSendFailed',
    `SES refused the email of contact ${message.contactId}: ${said}`,
    {
      ...(original?.$fault ? { $fault: original.$fault } : {}),
      ...(original?.$retryable ? { $retryable: original.$retryable } : {}),
      ...(original?.$metadata ? { $metadata: original.$metadata } : {}),
    },
  );
}
