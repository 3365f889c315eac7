/**
 * The simulated debtors: people at two banks, several accounts each, shared phone numbers, and a behaviour per
 * account (pays in full, pays in part, never pays, disputes for a while, hardship for a while). Deterministic
 * from the seed. All data is synthetic.
 */

import { LOCAL_BANKS } from '../offline/banks';
import { between, pick, type Random, seeded } from './prng';

/** The offline runtime's two banks: `cn` (demo-bank) and `us` (us-demo). */
export const SIM_BANKS = LOCAL_BANKS;

export type BankId = (typeof SIM_BANKS)[number]['bankId'];
export type Pack = 'cn' | 'us';

export const US_ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
] as const;

export interface Person {
  readonly personId: string;
  readonly bankId: BankId;
  readonly pack: Pack;
  readonly name: string;
  readonly mobile: string;
  readonly email?: string;
  readonly nationalId?: string;
  readonly address?: string;
  readonly timeZone: string;
}

export type Behaviour = 'payer' | 'partial' | 'never' | 'dispute' | 'hardship';

export interface Account {
  readonly accountId: string;
  readonly person: Person;
  readonly behaviour: Behaviour;
  /** Simulation day on which the account first appears in the feed. */
  readonly appearDay: number;
  /** Days past due on its first feed. */
  readonly initialDpd: number;
  readonly principalMinor: number;
  readonly interestMinor: number;
  readonly cardLast4: string;
  /** payer: the day the full payment shows (overdue 0), then the account leaves the feed. */
  readonly payDay?: number;
  /** partial: days on which the amount falls. */
  readonly partialDays: ReadonlySet<number>;
  /** dispute / hardship: the flag from `flagFrom` (inclusive) to `flagTo` (exclusive). */
  readonly flag?: { readonly name: 'dispute' | 'hardship'; readonly from: number; readonly to: number };
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK = '10X98765432';
const STEMS = Array.from('甲乙丙丁戊己庚辛壬癸');

/** A synthetic mainland resident ID with a valid check character. */
function residentId(random: Random, n: number): string {
  const birth = `19${between(random, 60, 99)}${String(between(random, 1, 12)).padStart(2, '0')}${String(between(random, 1, 28)).padStart(2, '0')}`;
  const body = `310101${birth}${String(n % 1000).padStart(3, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (body.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  return `${body}${CHECK[sum % 11]}`;
}

export interface Population {
  readonly people: Person[];
  readonly accounts: Account[];
}

/** About `accounts` accounts (exactly that many), 55% at the CN bank, people holding 1–3 each. */
export function generatePopulation(options: { accounts: number; days: number; seed: number }): Population {
  const random = seeded(options.seed);
  const people: Person[] = [];
  const accounts: Account[] = [];
  const cnMobiles: string[] = [];
  const usMobiles: string[] = [];
  let personNo = 0;
  while (accounts.length < options.accounts) {
    personNo++;
    const cn = random() < 0.55;
    const pools = cn ? cnMobiles : usMobiles;
    // One person in twenty shares a phone number with someone else at the same bank.
    const shared = pools.length > 0 && random() < 0.05;
    const mobile = shared
      ? pick(random, pools)
      : cn
        ? `13${String(between(random, 0, 999_999_999)).padStart(9, '0')}`
        : `+1${between(random, 201, 989)}555${String(between(random, 0, 9999)).padStart(4, '0')}`;
    pools.push(mobile);
    const n = String(personNo).padStart(6, '0');
    const person: Person = {
      personId: `P${n}`,
      bankId: cn ? 'demo-bank' : 'us-demo',
      pack: cn ? 'cn' : 'us',
      name: cn ? `测试${STEMS[personNo % STEMS.length]}${n}` : `Sim Debtor ${n}`,
      mobile,
      ...(random() < 0.85 ? { email: `debtor.${n}@example.test` } : {}),
      ...(cn ? { nationalId: residentId(random, personNo) } : {}),
      ...(random() < 0.9
        ? { address: cn ? `上海市示例区测试路${personNo}号` : `${personNo} Example Street Springfield` }
        : {}),
      timeZone: cn ? 'Asia/Shanghai' : pick(random, US_ZONES),
    };
    people.push(person);
    const held = Math.min(options.accounts - accounts.length, random() < 0.6 ? 1 : random() < 0.7 ? 2 : 3);
    for (let a = 0; a < held; a++) accounts.push(account(random, person, accounts.length + 1, options.days));
  }
  return { people, accounts };
}

function account(random: Random, person: Person, no: number, days: number): Account {
  const r = random();
  const behaviour: Behaviour =
    r < 0.3 ? 'payer' : r < 0.5 ? 'partial' : r < 0.8 ? 'never' : r < 0.93 ? 'dispute' : 'hardship';
  // Two in five are overdue when the simulation starts; the rest fall overdue during its first two thirds.
  const already = random() < 0.4;
  const appearDay = already ? 0 : between(random, 1, Math.max(1, Math.floor((days * 2) / 3)));
  const initialDpd = already ? between(random, 1, 90) : 1;
  const us = person.pack === 'us';
  const principalMinor = us ? between(random, 100_00, 8_000_00) : between(random, 500_00, 30_000_00);
  const partialDays = new Set<number>();
  if (behaviour === 'partial') {
    for (let k = 0; k < 3; k++) partialDays.add(appearDay + between(random, 5, 90));
  }
  const flagFrom = appearDay + between(random, 2, 40);
  return {
    accountId: `${us ? 'US' : 'CN'}-${String(no).padStart(7, '0')}`,
    person,
    behaviour,
    appearDay,
    initialDpd,
    principalMinor,
    interestMinor: Math.floor(principalMinor * (0.01 + random() * 0.05)),
    cardLast4: String(between(random, 1000, 9999)),
    ...(behaviour === 'payer' || (behaviour === 'dispute' && random() < 0.3)
      ? { payDay: appearDay + between(random, 3, 60) }
      : {}),
    partialDays,
    ...(behaviour === 'dispute' || behaviour === 'hardship'
      ? {
          flag: {
            name: behaviour,
            from: flagFrom,
            to: flagFrom + (behaviour === 'dispute' ? between(random, 5, 20) : between(random, 10, 30)),
          },
        }
      : {}),
  };
}
