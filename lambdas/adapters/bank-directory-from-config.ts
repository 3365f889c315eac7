/** Reads the banks this deployment serves from the BANKS_CONFIG JSON set by the stage configuration. */

import { z } from 'zod';
import { type BankSettings, withDefaultLadder } from '../domain/bank';
import type { BankDirectory } from '../ports/bank-directory';

const ladderStep = z.object({
  id: z.string().min(1),
  fromDaysPastDue: z.number().int().nonnegative(),
  action: z.enum(['sms']),
  template: z.string().min(1),
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
