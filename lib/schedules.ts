/**
 * Scheduled Lambdas, once: the CDK stack creates an EventBridge Scheduler schedule per entry (time zone, retries,
 * dead-letter queue) and the local scheduler runs the same entries (POST /__dev/schedules/{name} runs one now).
 */
import type { FunctionName } from './functions.ts';

export interface ScheduleSpec {
  name: string;
  handler: FunctionName;
  /** EventBridge Scheduler expression, evaluated in `timezone`. */
  expression: string;
  timezone: 'Europe/London';
  /** The same timing for the local scheduler: every N minutes, or daily at a London wall-clock time. */
  local: { everyMinutes: number } | { dailyAt: { hour: number; minute: number } };
}

export const SCHEDULES: readonly ScheduleSpec[] = [
  {
    name: 'onboarding-sweep',
    handler: 'onboarding-sweep',
    expression: 'rate(15 minutes)',
    timezone: 'Europe/London',
    local: { everyMinutes: 15 },
  },
  {
    name: 'dbs-audit',
    handler: 'dbs-audit',
    expression: 'cron(0 6 * * ? *)',
    timezone: 'Europe/London',
    local: { dailyAt: { hour: 6, minute: 0 } },
  },
  {
    name: 'retention',
    handler: 'retention',
    expression: 'cron(30 3 * * ? *)',
    timezone: 'Europe/London',
    local: { dailyAt: { hour: 3, minute: 30 } },
  },
];
