/** The DynamoDB adapters, over one document client per container (the pattern: see lazy.ts). */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CaseStore } from '../../../ports/case-store';
import type { PaymentLedger } from '../../../ports/payment-ledger';
import type { Trail } from '../../../ports/trail';
import { DynamoCaseStore } from '../dynamo-case-store';
import { DynamoPaymentLedger } from '../dynamo-payment-ledger';
import { DynamoTrail } from '../dynamo-trail';
import { traced } from '../tracer';
import { once, requiredEnv } from './lazy';

const documentClient = once(() =>
  // More attempts than the SDK's default 3: a large feed meets throttling, which the SDK backs off from.
  DynamoDBDocumentClient.from(traced(new DynamoDBClient({ maxAttempts: 8 })), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);

export function buildCaseStore(): CaseStore {
  return new DynamoCaseStore(documentClient(), requiredEnv('CASES_TABLE_NAME'));
}

export function buildTrail(): Trail {
  return new DynamoTrail(documentClient(), requiredEnv('TRAIL_TABLE_NAME'));
}

export function buildPaymentLedger(): PaymentLedger {
  return new DynamoPaymentLedger(
    documentClient(),
    requiredEnv('CASES_TABLE_NAME'),
    requiredEnv('TRAIL_TABLE_NAME'),
  );
}
