/** Offline bank events: every publish becomes its own JSON file in `<dataDir>/outbox/bank-events/`, a repeat included. */

import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../ports/clock';
import type { BankEvents } from '../../ports/notifier';

export interface OutboxBankEvent {
  readonly eventId: string;
  readonly type: 'freeze-request';
  readonly bankId: string;
  readonly caseId: string;
  readonly publishedAt: string;
}

/**
 * As EventBridge does, the outbox delivers every publish: a second publish of one event id is a second file
 * (`<hash>-2.json`), so that a bank that does not dedupe on `eventId` would be seen to act twice.
 */
export class OutboxBankEvents implements BankEvents {
  readonly directory: string;

  constructor(
    dataDir: string,
    private readonly clock: Clock,
  ) {
    this.directory = join(dataDir, 'outbox', 'bank-events');
  }

  async publish(event: Parameters<BankEvents['publish']>[0]): Promise<void> {
    const name = createHash('sha256').update(event.eventId).digest('hex').slice(0, 32);
    const content: OutboxBankEvent = {
      eventId: event.eventId,
      type: event.type,
      bankId: event.bankId,
      caseId: event.caseId,
      publishedAt: this.clock.now().toISOString(),
    };
    await mkdir(this.directory, { recursive: true });
    // Written whole under a name no reader lists, then linked under its own (see outbox-sms-sender.ts).
    const draft = join(this.directory, `.${randomUUID()}.draft`);
    await writeFile(draft, `${JSON.stringify(content, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
    try {
      for (let delivery = 1; ; delivery++) {
        const file = delivery === 1 ? name : `${name}-${delivery}`;
        try {
          await link(draft, join(this.directory, `${file}.json`));
          return;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
      }
    } finally {
      await unlink(draft);
    }
  }
}
