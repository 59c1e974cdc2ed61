/**
 * One Powertools logger per Lambda. Log ids and outcomes, never personal data (names, emails, DBS numbers):
 * nothing here logs a request body or an application item.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'affiliate-onboarding',
  logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
});

/**
 * What of an error goes into a log: its name, its AWS error code and HTTP status, never its message or stack. An
 * AWS service's message can quote what it refused: SES names the recipient ("…failed the check: jo@…"), and
 * DynamoDB and S3 can quote keys and values.
 */
export const errorSummary = (error: unknown): { name: string; code?: string; httpStatus?: number } => {
  if (!(error instanceof Error)) return { name: typeof error };
  const aws = error as Error & { Code?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number } };
  const code = typeof aws.Code === 'string' ? aws.Code : typeof aws.code === 'string' ? aws.code : undefined;
  const httpStatus = aws.$metadata?.httpStatusCode;
  return {
    name: error.name,
    ...(code && code !== error.name ? { code } : {}),
    ...(typeof httpStatus === 'number' ? { httpStatus } : {}),
  };
};
