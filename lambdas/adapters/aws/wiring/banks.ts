/** The banks this deployment serves, from the stage configuration (no AWS client; the pattern: see lazy.ts). */

import type { BankDirectory } from '../../../ports/bank-directory';
import { bankDirectoryFromConfig, type LadderCheck } from '../../bank-directory-from-config';

/** `checkLadders`: only from a function that plans (bank-directory-from-config.ts says why). */
export function buildBankDirectory(checkLadders?: LadderCheck): BankDirectory {
  return bankDirectoryFromConfig(process.env.BANKS_CONFIG, checkLadders);
}
