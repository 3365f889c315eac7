/** Reads the banks this deployment serves from the BANKS_CONFIG JSON set by the stage configuration. */

import * as z from 'zod';
import { type BankSettings, withDefaultLadders } from '../domain/bank';
import { LADDER_ACTIONS } from '../domain/escalation-ladder';
import { validateLadderVersions } from '../domain/ladder-validation';
import type { BankDirectory } from '../ports/bank-directory';

const condition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('overdue-above'), minor: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('no-agreement-in-good-standing') }),
  z.object({
    kind: z.literal('days-after-step'),
    stepId: z.string().min(1),
    days: z.number().int().nonnegative(),
  }),
  z.object({ kind: z.literal('effective-collection-evidence') }),
]);

const ladderStep = z.object({
  id: z.string().min(1),
  fromDaysPastDue: z.number().int().positive(),
  action: z.enum(LADDER_ACTIONS),
  template: z.string().min(1),
  templateVersion: z.number().int().positive().optional(),
  conditions: z.array(condition).optional(),
  taskDays: z.number().int().positive().optional(),
  defaultOutcome: z.enum(['unanswered', 'not-approved']).optional(),
  reportsToCreditBureau: z.boolean().optional(),
});

const ladder = z.object({
  id: z.string().min(1),
  version: z.number().int().positive(),
  pack: z.enum(['cn', 'us']),
  steps: z.array(ladderStep).min(1),
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
  contact: z
    .object({ phone: z.string().min(3), address: z.string().min(1), website: z.string().min(1).optional() })
    .optional(),
  ladders: z.array(ladder).min(1).optional(),
});

/**
 * Builds the directory, refusing at cold start a ladder the planner or Act would stumble on later (an unknown
 * template would otherwise fail only in Act, after the contact is claimed).
 */
export function bankDirectoryFromConfig(json: string | undefined): BankDirectory {
  if (!json) throw new Error('BANKS_CONFIG is not set');
  const banks = new Map<string, BankSettings>();
  for (const config of z.array(bankSchema).parse(JSON.parse(json))) {
    const bank = withDefaultLadders(config);
    const problems = validateLadderVersions(bank.ladders, bank.policyPack);
    if (problems.length > 0)
      throw new Error(`bank ${bank.bankId}: invalid ladder:\n- ${problems.join('\n- ')}`);
    banks.set(bank.bankId, bank);
  }
  return { get: (bankId) => banks.get(bankId) };
}
