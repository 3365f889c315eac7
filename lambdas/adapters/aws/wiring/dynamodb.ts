/** The DynamoDB adapters, over one document client per container (the pattern: see lazy.ts). */

import type { CaseStore } from '../../../ports/case-store';
import type { PaymentLedger } from '../../../ports/payment-ledger';
import type { Trail } from '../../../ports/trail';
import { DynamoCaseStore } from '../dynamo-case-store';
import { DynamoPaymentLedger } from '../dynamo-payment-ledger';
import { DynamoTrail } from '../dynamo-trail';
import { documentClient } from './dynamodb-client';
import { asBuilt, type Instrument, requiredEnv } from './lazy';

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
