/** The banks this deployment serves, from the stage configuration (no AWS client; the pattern: see lazy.ts). */

import type { BankDirectory } from '../../../ports/bank-directory';
import { bankDirectoryFromConfig } from '../../bank-directory-from-config';

export function buildBankDirectory(): BankDirectory {
  return bankDirectoryFromConfig(process.env.BANKS_CONFIG);
}
