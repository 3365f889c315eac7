/**
 * The email sender's contract, as SESv2 SendEmail behaves: a send is delivered to its address with its
 * subject and text, UTF-8 whole; a repeat of one contact is delivered again (SES dedupes nothing: the caller's
 * claim in the trail keeps a contact to one send); a refused send throws, delivers nothing, and its error
 * does not carry the address.
 */

import { describe, expect, it } from 'vitest';
import type { EmailMessage, EmailSender } from '../../lambdas/ports/notifier';

export interface EmailParts {
  readonly sender: EmailSender;
  /** What reached the mailboxes (or the sink standing for them), in any order. */
  delivered(): Promise<
    ReadonlyArray<{ readonly to: string; readonly subject: string; readonly text: string }>
  >;
  /** The provider refuses every send from now on (down, throttling), until `recover`. */
  failSends(): Promise<void> | void;
  recover(): Promise<void> | void;
}

const ADDRESS = 'zhang.wei.1987@example.cn';

const reminder = (step: string): EmailMessage => ({
  to: ADDRESS,
  subject: `【示例银行】信用卡逾期提醒 (${step})`,
  text: `尊敬的张先生：\n您尾号4321的信用卡已逾期13天，应还 ¥1,234.56。\nDear customer, 🙏 please call us.\n`,
  contactId: `demo-bank:ACC-001#2026-02-17#${step}`,
});

const deliveryOf = ({ to, subject, text }: EmailMessage) => ({ to, subject, text });

export function emailSenderContract(name: string, parts: () => Promise<EmailParts> | EmailParts): void {
  describe(`EmailSender contract: ${name}`, () => {
    it('delivers a send to its address with its subject and text, byte for byte, under a message id', async () => {
      const { sender, delivered } = await parts();
      const message = reminder('email-courtesy');

      const { providerMessageId } = await sender.sendEmail(message);

      expect(providerMessageId).toMatch(/\S/);
      expect(await delivered()).toEqual([deliveryOf(message)]);
    });

    it('delivers a second send of one contact id a second time, under another message id', async () => {
      const { sender, delivered } = await parts();
      const message = reminder('email-courtesy');

      const first = await sender.sendEmail(message);
      const second = await sender.sendEmail(message);

      expect(await delivered()).toEqual([deliveryOf(message), deliveryOf(message)]);
      expect(second.providerMessageId).not.toBe(first.providerMessageId);
    });

    it('throws without the address when the provider refuses, delivers nothing, then delivers once back', async () => {
      const { sender, delivered, failSends, recover } = await parts();
      const later = reminder('email-second');

      await failSends();
      const refusal = await sender.sendEmail(reminder('email-courtesy')).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(refusal).toBeInstanceOf(Error);
      expect(`${refusal?.message} ${refusal?.stack} ${JSON.stringify(refusal)}`).not.toContain(ADDRESS);
      expect(await delivered()).toEqual([]);

      await recover();
      await sender.sendEmail(later);
      expect(await delivered()).toEqual([deliveryOf(later)]);
    });
  });
}
