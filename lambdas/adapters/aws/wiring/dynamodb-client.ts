/** The one DynamoDB document client per container, shared by dynamodb.ts and work-items.ts (see lazy.ts). */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Instrument, onceWith } from './lazy';

export const documentClient = onceWith((instrument: Instrument) =>
  // More attempts than the SDK's default 3: a large feed meets throttling, which the SDK backs off from.
  DynamoDBDocumentClient.from(instrument(new DynamoDBClient({ maxAttempts: 8 })), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);
