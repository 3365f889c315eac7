/** Reads the banks this deployment serves from the BANKS_CONFIG JSON set by the stage configuration. */

import * as z from 'zod/mini';
import { type BankSettings, withDefaultLadder } from '../domain/bank';
import { isKnownTemplate } from '../domain/message-templates';
import type { BankDirectory } from '../ports/bank-directory';

const ladderStep = z.object({
  id: z.string().check(z.minLength(1)),
  fromDaysPastDue: z.int().check(z.nonnegative()),
  action: z.enum(['sms']),
  // Checked at cold start: an unknown template would otherwise fail only in Act, after the contact is claimed.
  template: z.string().check(z.refine(isKnownTemplate, 'unknown reminder template')),
});

const bankSchema = z.object({
  bankId: z.string().check(z.regex(/^[a-z0-9-]{2,32}$/)),
  displayName: z.string().check(z.minLength(1)),
  policyPack: z.enum(['cn', 'us']),
  defaults: z.object({
    currency: z.string().check(z.length(3)),
    timeZone: z.string().check(z.minLength(1)),
    language: z.enum(['zh-CN', 'en']),
  }),
  ladder: z.optional(z.array(ladderStep).check(z.minLength(1))),
});

export function bankDirectoryFromConfig(json: string | undefined): BankDirectory {
  if (!json) throw new Error('BANKS_CONFIG is not set');
  const banks = new Map<string, BankSettings>();
  for (const bank of z.array(bankSchema).parse(JSON.parse(json))) {
    banks.set(bank.bankId, withDefaultLadder(bank));
  }
  return { get: (bankId) => banks.get(bankId) };
}
