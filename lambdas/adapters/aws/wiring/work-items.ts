/**
 * The work items, over one DynamoDB document client per container (the pattern: see lazy.ts). Environment:
 * WORK_ITEMS_TABLE_NAME. The function that opens items needs dynamodb:PutItem (and GetItem to read one).
 */

import type { WorkItems } from '../../../ports/notifier';
import { DynamoWorkItems } from '../dynamo-work-items';
// The document client dynamodb.ts uses too, from its own module: one client per container either way.
import { documentClient } from './dynamodb-client';
import { asBuilt, type Instrument, requiredEnv } from './lazy';

export function buildWorkItems(instrument: Instrument = asBuilt): WorkItems {
  return new DynamoWorkItems(documentClient(instrument), requiredEnv('WORK_ITEMS_TABLE_NAME'));
}
