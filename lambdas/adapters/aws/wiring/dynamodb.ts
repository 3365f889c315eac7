/** The DynamoDB adapters, over one document client per container (the pattern: see lazy.ts). */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CaseStore } from '../../../ports/case-store';
import type { PaymentLedger } from '../../../ports/payment-ledger';
import type { Trail } from '../../../ports/trail';
import { DynamoCaseStore } from '../dynamo-case-store';
import { DynamoPaymentLedger } from '../dynamo-payment-ledger';
import { DynamoTrail } from '../dynamo-trail';
import { asBuilt, type Instrument, onceWith, requiredEnv } from './lazy';

/** The container's one document client: the contact ledger's module (contact-ledger.ts) shares it. */
export const documentClient = onceWith((instrument: Instrument) =>
  // More attempts than the SDK's default 3: a large feed meets throttling, which the SDK backs off from.
  DynamoDBDocumentClient.from(instrument(new DynamoDBClient({ maxAttempts: 8 })), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);

export function buildCaseStore(instrument: Instrument = asBuilt): CaseStore {
  return new DynamoCaseStore(documentClient(instrument), requiredEnv('CASES_TABLE_NAME'));
}

export function buildTrail(instrument: Instrument = asBuilt): Trail {
  return new DynamoTrail(documentClient(instrument), requiredEnv('TRAIL_TABLE_NAME'));
}

export function buildPaymentLedger(instrument: Instrument = asBuilt): PaymentLedger {
  return new DynamoPaymentLedger(
    documentClient(instrument),
    requiredEnv('CASES_TABLE_NAME'),
    requiredEnv('TRAIL_TABLE_NAME'),
  );
}
