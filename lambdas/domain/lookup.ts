/** The identifiers staff may look a case up by, normalised so the same person always gives the same index. */

import { normaliseMobile } from './feed-row';

export const LOOKUP_KINDS = ['mobile', 'nationalId', 'cardLast4'] as const;
export type LookupKind = (typeof LOOKUP_KINDS)[number];

/** The attribute of a case that holds each kind's blind index (each has its own GSI). */
export const LOOKUP_ATTRIBUTE: Readonly<Record<LookupKind, string>> = {
  mobile: 'mobileIndex',
  nationalId: 'nationalIdIndex',
  cardLast4: 'cardLast4Index',
};

/** The canonical form of a lookup value, or undefined when it cannot be one of its kind. */
export function normaliseLookup(kind: LookupKind, raw: string): string | undefined {
  const value = raw.trim();
  switch (kind) {
    case 'mobile':
      return normaliseMobile(value);
    case 'nationalId':
      return /^\d{17}[\dXx]$/.test(value) ? value.toUpperCase() : undefined;
    case 'cardLast4':
      return /^\d{4}$/.test(value) ? value : undefined;
  }
}
