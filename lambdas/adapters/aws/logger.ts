/** The Powertools logger every handler uses. It carries case and account ids, never personal data. */

import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'overdue' });
