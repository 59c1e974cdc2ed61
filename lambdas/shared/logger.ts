/**
 * One Powertools logger per Lambda. Log ids and outcomes, never personal data (names, emails, DBS numbers):
 * nothing here logs a request body or an application item.
 */
import type { Logger } from '@aws-lambda-powertools/logger';

/**
 * The Powertools logger, loaded and made on the first log line rather than at cold start (issue 10: about 5 ms of
 * CPU, the largest part of our own init): an API function logs only a refused or failed request, so most cold
 * starts never need it. Hence each method returns a promise, to await so the line is written before the
 * invocation ends.
 */
let powertools: Promise<Logger> | undefined;
const instance = (): Promise<Logger> => {
  powertools ??= import('@aws-lambda-powertools/logger').then(
    ({ Logger }) =>
      new Logger({
        serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'affiliate-onboarding',
        logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
      }),
  );
  return powertools;
};

type Level = 'debug' | 'info' | 'warn' | 'error';
const at =
  (level: Level) =>
  async (message: string, extra?: Record<string, unknown>): Promise<void> => {
    const log = await instance();
    if (extra) log[level](message, extra);
    else log[level](message);
  };

export const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };

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
