/** Offline SMS: each message becomes one JSON file in `<dataDir>/outbox/sms/`, written once per contact id. */

import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../ports/clock';
import type { SmsMessage, SmsSender } from '../../ports/notifier';

export interface OutboxSms {
  readonly to: string;
  readonly body: string;
  readonly contactId: string;
  readonly sentAt: string;
}

export class OutboxSmsSender implements SmsSender {
  readonly directory: string;

  constructor(
    dataDir: string,
    private readonly clock: Clock,
  ) {
    this.directory = join(dataDir, 'outbox', 'sms');
  }

  async sendSms(message: SmsMessage): Promise<{ providerMessageId: string }> {
    // The file name is a hash of the contact id: stable for a redelivery, and no ids in file names.
    const id = createHash('sha256').update(message.contactId).digest('hex').slice(0, 32);
    const content: OutboxSms = {
      to: message.to,
      body: message.body,
      contactId: message.contactId,
      sentAt: this.clock.now().toISOString(),
    };
    await mkdir(this.directory, { recursive: true });
    try {
      // 'wx' fails when the file exists: a redelivered send of the same contact is dropped, as a provider would.
      await writeFile(join(this.directory, `${id}.json`), `${JSON.stringify(content, null, 2)}\n`, {
        flag: 'wx',
        mode: 0o600,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return { providerMessageId: `outbox-${id}` };
  }
}
