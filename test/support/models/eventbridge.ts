/**
 * EventBridge PutEvents as its API answers, behind the SDK (aws-sdk-client-mock): at most 10 entries a call;
 * an entry needs Source, DetailType and Detail (a JSON object); a call that is accepted can still refuse
 * entries, answering 200 with `FailedEntryCount` and a per-entry `ErrorCode` (`InternalFailure`,
 * `ThrottlingException`); every accepted entry is an event, a repeat included (no deduplication).
 */

import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';

export interface BusEvent {
  readonly id: string;
  readonly bus: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

export class EventBridgeModel {
  readonly events: BusEvent[] = [];
  private entryFailure: string | undefined;

  constructor(readonly busName: string) {}

  client(): EventBridgeClient {
    const client = new EventBridgeClient({ region: 'ap-east-1' });
    mockClient(client)
      .on(PutEventsCommand)
      .callsFake(async (input) => this.put(input));
    return client;
  }

  /** Every entry from now on is refused with this per-entry code (the call itself succeeds), until undefined. */
  failEntriesWith(errorCode: string | undefined): void {
    this.entryFailure = errorCode;
  }

  private put(input: PutEventsCommand['input']) {
    const entries = input.Entries ?? [];
    if (entries.length === 0 || entries.length > 10) {
      throw Object.assign(new Error('1 validation error detected: entries must have length 1..10'), {
        name: 'ValidationException',
      });
    }
    let failed = 0;
    const results = entries.map((entry) => {
      if (this.entryFailure) {
        failed++;
        return { ErrorCode: this.entryFailure, ErrorMessage: 'Event could not be put' };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail ?? '');
      } catch {
        detail = undefined;
      }
      if (
        !entry.Source ||
        !entry.DetailType ||
        !detail ||
        typeof detail !== 'object' ||
        Array.isArray(detail)
      ) {
        failed++;
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      if ((entry.EventBusName ?? 'default') !== this.busName) {
        failed++;
        return {
          ErrorCode: 'NotFoundException',
          ErrorMessage: `Event bus ${entry.EventBusName} does not exist.`,
        };
      }
      const id = randomUUID();
      this.events.push({
        id,
        bus: this.busName,
        source: entry.Source,
        detailType: entry.DetailType,
        detail: detail as Record<string, unknown>,
      });
      return { EventId: id };
    });
    return { FailedEntryCount: failed, Entries: results };
  }
}
