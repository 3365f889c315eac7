/** Powertools metrics, for the handlers that publish them (apart from the logger: a handler imports what it uses). */

import { Metrics } from '@aws-lambda-powertools/metrics';

export const metrics = new Metrics({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'overdue',
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Overdue',
});
