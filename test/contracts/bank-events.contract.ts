/**
 * The bank events' contract, as EventBridge PutEvents behaves: an event reaches the bank with its ids and
 * type only; a repeat is delivered again (the bank dedupes on eventId); a refused event throws, even when the
 * provider answers the call itself with success, and delivers nothing.
 */

import { describe, expect, it } from 'vitest';
import type { BankEvents } from '../../lambdas/ports/notifier';

type BankEvent = Parameters<BankEvents['publish']>[0];

export interface BankEventParts {
  readonly events: BankEvents;
  /** What the banks received, in any order. */
  received(): Promise<readonly BankEvent[]>;
  /** The provider refuses every event from now on, until `recover`. */
  failPublishes(): Promise<void> | void;
  recover(): Promise<void> | void;
}

const freeze = (n: number): BankEvent => ({
  bankId: 'demo-bank',
  caseId: 'demo-bank:ACC-001',
  type: 'freeze-request',
  eventId: `demo-bank:ACC-001#2026-02-17#freeze-${n}`,
});

export function bankEventsContract(
  name: string,
  parts: () => Promise<BankEventParts> | BankEventParts,
): void {
  describe(`BankEvents contract: ${name}`, () => {
    it('delivers an event to the bank with its ids and type', async () => {
      const { events, received } = await parts();

      await events.publish(freeze(1));

      expect(await received()).toEqual([freeze(1)]);
    });

    it('delivers a repeat of one event id again: the bank dedupes on it', async () => {
      const { events, received } = await parts();

      await events.publish(freeze(1));
      await events.publish(freeze(1));

      expect(await received()).toEqual([freeze(1), freeze(1)]);
    });

    it('throws when the provider refuses, delivers nothing, then delivers once it is back', async () => {
      const { events, received, failPublishes, recover } = await parts();

      await failPublishes();
      await expect(events.publish(freeze(1))).rejects.toThrow();
      expect(await received()).toEqual([]);

      await recover();
      await events.publish(freeze(2));
      expect(await received()).toEqual([freeze(2)]);
    });
  });
}
