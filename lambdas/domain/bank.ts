/** A bank (portfolio) served by this deployment: its defaults, its rule pack and its escalation ladder. */

import { DEFAULT_LADDER, type LadderStep } from './escalation-ladder';
import type { BankDefaults } from './feed-row';
import type { PackId } from './policy-packs';

export interface BankSettings {
  readonly bankId: string;
  readonly displayName: string;
  readonly policyPack: PackId;
  readonly defaults: BankDefaults;
  readonly ladder: readonly LadderStep[];
}

export function withDefaultLadder(
  bank: Omit<BankSettings, 'ladder'> & { ladder?: readonly LadderStep[] },
): BankSettings {
  return { ...bank, ladder: bank.ladder ?? DEFAULT_LADDER };
}
