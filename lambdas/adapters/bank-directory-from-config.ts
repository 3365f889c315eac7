/** Reads the banks this deployment serves from the BANKS_CONFIG JSON set by the stage configuration. */

import * as z from 'zod';
import { type BankSettings, withDefaultLadder } from '../domain/bank';
import { isKnownTemplate } from '../domain/message-templates';
import type { BankDirectory } from '../ports/bank-directory';

const ladderStep = z.object({
  id: z.string().min(1),
  fromDaysPastDue: z.number().int().nonnegative(),
  action: z.enum(['sms']),
  // Checked at cold start: an unknown template would otherwise fail only in Act, after the contact is claimed.
  template: z.string().refine(isKnownTemplate, 'unknown reminder template'),
});

const bankSchema = z.object({
  bankId: z.string().regex(/^[a-z0-9-]{2,32}$/),
  displayName: z.string().min(1),
  policyPack: z.enum(['cn', 'us']),
  defaults: z.object({
    currency: z.string().length(3),
    timeZone: z.string().min(1),
    language: z.enum(['zh-CN', 'en']),
  }),
  ladder: z.array(ladderStep).min(1).optional(),
});

export function bankDirectoryFromConfig(json: string | undefined): BankDirectory {
  if (!json) throw new Error('BANKS_CONFIG is not set');
  const banks = new Map<string, BankSettings>();
  for (const bank of z.array(bankSchema).parse(JSON.parse(json))) {
    banks.set(bank.bankId, withDefaultLadder(bank));
  }
  return { get: (bankId) => banks.get(bankId) };
}
