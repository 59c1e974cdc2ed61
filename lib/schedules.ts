/**
 * Scheduled Lambdas, once: the CDK stack creates an EventBridge Scheduler schedule per entry and the local
 * scheduler runs the same entries (and POST /__dev/schedules/{name} runs one on demand).
 */
import type { FunctionName } from './functions.ts';

export interface ScheduleSpec {
  name: string;
  handler: FunctionName;
  /** EventBridge Scheduler expression. */
  expression: string;
  timezone: 'Europe/London';
  /** For the local scheduler: how often to run it, in minutes. */
  everyMinutes: number;
}

export const SCHEDULES: readonly ScheduleSpec[] = [
  {
    name: 'onboarding-sweep',
    handler: 'onboarding-sweep',
    expression: 'rate(15 minutes)',
    timezone: 'Europe/London',
    everyMinutes: 15,
  },
];
