/**
 * The contact ledger, over the container's one DynamoDB document client (dynamodb.ts; the pattern: lazy.ts).
 * A module of its own so that the functions that count contacts import it and the others do not.
 */

import type { ContactLedger } from '../../../ports/contact-ledger';
import { CONTACT_RECORD_RETENTION_YEARS, DynamoContactLedger } from '../dynamo-contact-ledger';
import { documentClient } from './dynamodb-client';
import { asBuilt, type Instrument, requiredEnv } from './lazy';

/** Records are kept CONTACT_RECORD_RETENTION_YEARS (an infra test holds it ≥ every pack's retention). */
export function buildContactLedger(instrument: Instrument = asBuilt): ContactLedger {
  return new DynamoContactLedger(documentClient(instrument), requiredEnv('CONTACT_LEDGER_TABLE_NAME'), {
    retentionYears: CONTACT_RECORD_RETENTION_YEARS,
  });
}
