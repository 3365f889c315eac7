/**
 * Events to the banks (freeze requests) through EventBridge: PutEvents on the custom bus
 * `overdue-<stage>-bank-events`.
 *
 * Why EventBridge rather than SQS: the reader is the bank, outside this account, and one deployment serves
 * several banks that must never see each other's events. On one bus, a rule per bank matching
 * `detail.bankId` sends each bank its own events to the target it chooses (its own bus in its account, an API
 * destination, a queue it owns), and a new event type or a second consumer (an audit archive) is a rule, not
 * a change here. With SQS the same isolation takes a queue per bank, each with a key policy opened to that
 * bank's account, and the bank must poll. Either way delivery is at least once: a bank dedupes on `eventId`.
 */

import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { BankEvents } from '../../ports/notifier';

/** The event's `source`; a bank's rule matches it and `detail.bankId`. */
export const BANK_EVENT_SOURCE = 'overdue.escalation';
/** The event's `detail-type` for each event type of the port. */
export const BANK_EVENT_DETAIL_TYPES = { 'freeze-request': 'Freeze requested' } as const;

/** PutEvents accepted the call but not the entry (EventBridge answers 200 with a per-entry error). */
export class BankEventRefusedError extends Error {
  override readonly name = 'BankEventRefusedError';
}

export class EventBridgeBankEvents implements BankEvents {
  constructor(
    private readonly events: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(event: Parameters<BankEvents['publish']>[0]): Promise<void> {
    const out = await this.events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: BANK_EVENT_SOURCE,
            DetailType: BANK_EVENT_DETAIL_TYPES[event.type],
            // Ids only: the bank looks the account up in its own systems.
            Detail: JSON.stringify({
              eventId: event.eventId,
              type: event.type,
              bankId: event.bankId,
              caseId: event.caseId,
            }),
          },
        ],
      }),
    );
    const [entry] = out.Entries ?? [];
    if ((out.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
      throw new BankEventRefusedError(
        `EventBridge refused event ${event.eventId}: ${entry?.ErrorCode ?? 'no event id'} ${entry?.ErrorMessage ?? ''}`.trim(),
      );
    }
  }
}
