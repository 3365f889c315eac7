/** Offline SMS: every send becomes its own JSON file in `<dataDir>/outbox/sms/`, a repeat of a contact included. */

import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../ports/clock';
import type { SmsMessage, SmsSender } from '../../ports/notifier';

export interface OutboxSms {
  readonly to: string;
  readonly body: string;
  readonly contactId: string;
  readonly sentAt: string;
}

/**
 * As SNS does, the outbox delivers every send: a second send of one contact id is a second message, in
 * `<hash>-2.json` beside `<hash>.json`, so that a double send shows here as it would on a handset. What keeps
 * a contact to one send is the caller's claim in the trail, never the provider.
 */
export class OutboxSmsSender implements SmsSender {
  readonly directory: string;

  constructor(
    dataDir: string,
    private readonly clock: Clock,
  ) {
    this.directory = join(dataDir, 'outbox', 'sms');
  }

  async sendSms(message: SmsMessage): Promise<{ providerMessageId: string }> {
    // Named by a hash of the contact id: no ids or numbers in file names, and a contact's sends side by side.
    const contact = createHash('sha256').update(message.contactId).digest('hex').slice(0, 32);
    const content: OutboxSms = {
      to: message.to,
      body: message.body,
      contactId: message.contactId,
      sentAt: this.clock.now().toISOString(),
    };
    await mkdir(this.directory, { recursive: true });
    // Written whole under a name no reader lists, then linked under its own: a send that fails part-way
    // leaves no half-written message, and two sends at once never take the same name.
    const draft = join(this.directory, `.${randomUUID()}.draft`);
    await writeFile(draft, `${JSON.stringify(content, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
    try {
      for (let delivery = 1; ; delivery++) {
        const name = delivery === 1 ? contact : `${contact}-${delivery}`;
        try {
          await link(draft, join(this.directory, `${name}.json`));
          return { providerMessageId: `outbox-${name}` };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
      }
    } finally {
      await unlink(draft);
    }
  }
}
