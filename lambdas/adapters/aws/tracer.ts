/** Powertools tracer: X-Ray subsegments for the SDK clients the wiring builds, and nothing at import. */

import { Tracer } from '@aws-lambda-powertools/tracer';

export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'overdue' });

/** Every SDK client goes through here, so each call the function makes shows in its trace. */
export function traced<Client>(client: Client): Client {
  return tracer.captureAWSv3Client(client);
}
