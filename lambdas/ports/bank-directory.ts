/** Which banks this deployment serves and how each is configured. */

import type { BankSettings } from '../domain/bank';

export interface BankDirectory {
  get(bankId: string): BankSettings | undefined;
}
