/** Reads the banks this deployment serves from the BANKS_CONFIG JSON set by the stage configuration. */

import * as z from 'zod/mini';
import { type BankSettings, withDefaultLadders } from '../domain/bank';
import { LADDER_ACTIONS, type Ladder } from '../domain/escalation-ladder';
import type { PackId } from '../domain/policy-packs';
import type { BankDirectory } from '../ports/bank-directory';

const text = z.string().check(z.minLength(1));
const positive = z.int().check(z.positive());
const nonNegative = z.int().check(z.nonnegative());

const condition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('overdue-above'), minor: nonNegative }),
  z.object({ kind: z.literal('no-agreement-in-good-standing') }),
  z.object({ kind: z.literal('days-after-step'), stepId: text, days: nonNegative }),
  z.object({ kind: z.literal('effective-collection-evidence') }),
]);

const ladderStep = z.object({
  id: text,
  fromDaysPastDue: positive,
  action: z.enum(LADDER_ACTIONS),
  template: text,
  templateVersion: z.optional(positive),
  conditions: z.optional(z.array(condition)),
  taskDays: z.optional(positive),
  defaultOutcome: z.optional(z.enum(['unanswered', 'not-approved'])),
  reportsToCreditBureau: z.optional(z.boolean()),
});

const ladder = z.object({
  id: text,
  version: positive,
  pack: z.enum(['cn', 'us']),
  steps: z.array(ladderStep).check(z.minLength(1)),
});

const bankSchema = z.object({
  bankId: z.string().check(z.regex(/^[a-z0-9-]{2,32}$/)),
  displayName: text,
  policyPack: z.enum(['cn', 'us']),
  defaults: z.object({
    currency: z.string().check(z.length(3)),
    timeZone: text,
    language: z.enum(['zh-CN', 'en']),
  }),
  contact: z.optional(
    z.object({ phone: z.string().check(z.minLength(3)), address: text, website: z.optional(text) }),
  ),
  ladders: z.optional(z.array(ladder).check(z.minLength(1))),
});

/** Everything wrong with a bank's ladder versions under its pack: domain/ladder-validation's validateLadderVersions. */
export type LadderCheck = (ladders: readonly Ladder[], pack: PackId) => string[];

/**
 * Builds the directory. Given `checkLadders`, it refuses at cold start a ladder the planner or Act would stumble
 * on later (an unknown template would otherwise fail only in Act, after the contact is claimed). The check reads
 * the whole template catalogue, so it is passed in, not imported: PlanNextStep's wiring passes it (every Act
 * follows a plan), and the functions that do not plan leave it, and the catalogue, out of their bundles.
 * lib/config.ts runs the same check at synth, so a ladder it refuses never deploys.
 */
export function bankDirectoryFromConfig(json: string | undefined, checkLadders?: LadderCheck): BankDirectory {
  if (!json) throw new Error('BANKS_CONFIG is not set');
  const banks = new Map<string, BankSettings>();
  for (const config of z.array(bankSchema).parse(JSON.parse(json))) {
    const bank = withDefaultLadders(config);
    const problems = checkLadders?.(bank.ladders, bank.policyPack) ?? [];
    if (problems.length > 0)
      throw new Error(`bank ${bank.bankId}: invalid ladder:\n- ${problems.join('\n- ')}`);
    banks.set(bank.bankId, bank);
  }
  return { get: (bankId) => banks.get(bankId) };
}
