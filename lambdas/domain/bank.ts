/** A bank (portfolio) served by this deployment: its defaults, its rule pack, its contact details and its ladders. */

import { DEFAULT_LADDERS } from './default-ladders';
import type { Ladder } from './escalation-ladder';
import type { BankDefaults } from './feed-row';
import type { PackId } from './policy-packs';

/** What every letter must carry (CN-6) and every message points to. */
export interface BankContact {
  readonly phone: string;
  readonly address: string;
  readonly website?: string;
}

export interface BankSettings {
  readonly bankId: string;
  readonly displayName: string;
  readonly policyPack: PackId;
  readonly defaults: BankDefaults;
  /** Required to deploy (lib/config.ts); optional here so that a bank only ingesting feeds needs none. */
  readonly contact?: BankContact;
  /** Every ladder version the bank has used; the highest is current. */
  readonly ladders: readonly Ladder[];
}

export function withDefaultLadders(
  bank: Omit<BankSettings, 'ladders'> & { ladders?: readonly Ladder[] },
): BankSettings {
  return { ...bank, ladders: bank.ladders ?? [DEFAULT_LADDERS[bank.policyPack]] };
}

/** The ladder a new escalation starts on: the highest version. */
export function currentLadder(bank: BankSettings): Ladder {
  const current = bank.ladders.reduce<Ladder | undefined>(
    (latest, ladder) => (latest && latest.version >= ladder.version ? latest : ladder),
    undefined,
  );
  if (!current) throw new Error(`bank ${bank.bankId} has no ladder`);
  return current;
}

/** The version a running escalation started on, which it keeps; undefined when the bank never had it. */
export function ladderVersion(bank: BankSettings, version: number): Ladder | undefined {
  return bank.ladders.find((ladder) => ladder.version === version);
}
