/**
 * The local SES: aws-ses-v2-local on a port (SESv2 SendEmail, sent mail at GET /store), the SesEmailSender
 * pointed at it, and what the sink drops: it keeps no message tags, so the contact id and the virtual time of
 * each send are kept here, by message id, for `npm run local -- mail`.
 */

import type { Server } from 'node:http';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import * as sesModule from 'aws-ses-v2-local';
import { SesEmailSender } from '../../lambdas/adapters/aws/ses-email-sender';
import { maskEmail } from '../../lambdas/domain/masking';
import type { Clock } from '../../lambdas/ports/clock';
import type { EmailMessage, EmailSender } from '../../lambdas/ports/notifier';

/** The sender address and configuration set the offline runtime sends with (the sink checks neither). */
export const LOCAL_EMAIL = {
  fromAddress: 'reminders@collections.local.overdue.example',
  configurationSetName: 'overdue-local-reminders',
};

/** aws-ses-v2-local is CommonJS: under Node's ESM loader its default export arrives one level down. */
export function startSesSink(config: { host: string; port: number }): Promise<Server> {
  const exported = sesModule.default as unknown as
    | typeof sesModule.default
    | { default: typeof sesModule.default };
  const start = typeof exported === 'function' ? exported : exported.default;
  return start(config);
}

/** An SESv2 client for the sink: any credentials, one attempt (a sink that is down is down). */
export function sinkClient(sesUrl: string): SESv2Client {
  return new SESv2Client({
    endpoint: sesUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/** One message as the CLI lists it: the address masked. */
export interface SinkMail {
  readonly messageId: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** The virtual time of the send when this runtime sent it; else the sink's (wall-clock) time. */
  readonly sentAt: string;
  readonly contactId?: string;
}

interface StoredEmail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

/** The SesEmailSender on the sink, and the sends it made, for the listing. */
export class LocalMail {
  readonly sender: EmailSender;
  private readonly sends = new Map<string, { contactId: string; sentAt: string }>();

  constructor(
    readonly sesUrl: string,
    clock: Clock,
  ) {
    const ses = new SesEmailSender(sinkClient(sesUrl), LOCAL_EMAIL);
    this.sender = {
      sendEmail: async (message: EmailMessage) => {
        const sent = await ses.sendEmail(message);
        this.sends.set(sent.providerMessageId, {
          contactId: message.contactId,
          sentAt: clock.now().toISOString(),
        });
        return sent;
      },
    };
  }

  /** The sink's messages, oldest first, addresses masked. */
  async list(): Promise<SinkMail[]> {
    const response = await fetch(`${this.sesUrl}/store`);
    if (!response.ok) throw new Error(`the SES sink answered ${response.status}`);
    const { emails } = (await response.json()) as { emails: StoredEmail[] };
    return emails.map((email) => {
      const ours = this.sends.get(email.messageId);
      return {
        messageId: email.messageId,
        to: email.destination.to.map(maskEmail).join(', '),
        subject: email.subject,
        text: email.body.text ?? '',
        sentAt: ours?.sentAt ?? new Date(email.at * 1000).toISOString(),
        ...(ours ? { contactId: ours.contactId } : {}),
      };
    });
  }
}
