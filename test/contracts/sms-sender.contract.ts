/**
 * The SMS sender's contract, as SNS direct publish behaves: a send is delivered to its number with its text;
 * a repeat of one contact is delivered again (no provider deduplicates: the caller's claim in the trail keeps
 * a contact to one send); a send the provider refuses throws and delivers nothing.
 */

import { describe, expect, it } from 'vitest';
import type { SmsMessage, SmsSender } from '../../lambdas/ports/notifier';

export interface SmsParts {
  readonly sender: SmsSender;
  /** What reached the handsets (or stands for them), in any order: number and text. */
  delivered(): Promise<ReadonlyArray<{ readonly to: string; readonly body: string }>>;
  /** The provider refuses every send from now on (down, throttling, unwritable), until `recover`. */
  failSends(): Promise<void> | void;
  recover(): Promise<void> | void;
}

const reminder = (step: string): SmsMessage => ({
  to: '+8613800138000',
  body: `尊敬的张**，您尾号4321的信用卡已逾期13天（${step}）。`,
  contactId: `demo-bank:ACC-001#2026-02-17#${step}`,
});

const deliveryOf = ({ to, body }: SmsMessage) => ({ to, body });

export function smsSenderContract(name: string, parts: () => Promise<SmsParts> | SmsParts): void {
  describe(`SmsSender contract: ${name}`, () => {
    it('delivers a send to its number with its text, under a provider message id', async () => {
      const { sender, delivered } = await parts();
      const message = reminder('sms-courtesy');

      const { providerMessageId } = await sender.sendSms(message);

      expect(providerMessageId).toMatch(/\S/);
      expect(await delivered()).toEqual([deliveryOf(message)]);
    });

    it('delivers a second send of one contact id a second time, under another message id', async () => {
      const { sender, delivered } = await parts();
      const message = reminder('sms-courtesy');

      const first = await sender.sendSms(message);
      const second = await sender.sendSms(message);

      expect(await delivered()).toEqual([deliveryOf(message), deliveryOf(message)]);
      expect(second.providerMessageId).not.toBe(first.providerMessageId);
    });

    it('throws when the provider refuses and delivers nothing, then delivers once it is back', async () => {
      const { sender, delivered, failSends, recover } = await parts();
      const refused = reminder('sms-courtesy');
      const later = reminder('sms-second');

      await failSends();
      await expect(sender.sendSms(refused)).rejects.toThrow();
      expect(await delivered()).toEqual([]);

      await recover();
      await sender.sendSms(later);
      // The refused send left nothing behind to surface later, not even part of a message.
      expect(await delivered()).toEqual([deliveryOf(later)]);
    });
  });
}
