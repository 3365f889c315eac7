/**
 * Powertools tracer: X-Ray subsegments for the SDK clients the wiring builds, and nothing at import.
 * Kept although each function pays for it at cold start (`npm run bench:bundles -- --tracer-ablation`
 * shows how much): the SDK clients, not the tracer, are most of a function's import, and these
 * subsegments are the one view of where an invocation's time goes among DynamoDB, KMS, S3 and Step Functions.
 */

import { Tracer } from '@aws-lambda-powertools/tracer';

export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'overdue' });

/** Every SDK client goes through here, so each call the function makes shows in its trace. */
export function traced<Client>(client: Client): Client {
  return tracer.captureAWSv3Client(client);
}
