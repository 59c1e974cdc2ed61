/**
 * One Powertools logger per Lambda. Log ids and outcomes, never personal data (names, emails, DBS numbers):
 * nothing here logs a request body or an application item.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'affiliate-onboarding',
  logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
});
