/**
 * What an operator sees (issue 9, "Operations"): one SNS topic, subscribed by the operations address from config,
 * that every alarm notifies; one alarm per thing that needs a person; one dashboard. docs/runbook.md says what each
 * alarm means and what to do.
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IRule } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** SES reviews an account at a 5% bounce rate and a 0.1% complaint rate (and may pause sending at 10% / 0.5%):
 *  alarm at the review thresholds, before the pause. */
export const SES_BOUNCE_RATE_ALARM = 0.05;
export const SES_COMPLAINT_RATE_ALARM = 0.001;
/** The HTTP API's 5xx share of requests, in percent over 5 minutes, that pages someone. */
export const API_5XX_PERCENT_ALARM = 1;

export interface OperationsProps {
  /** Where alarms are emailed (config `alarmEmail`). */
  alarmEmail: string;
  key: IKey;
  functions: Record<string, IFunction>;
  /** Every dead-letter queue, by a name an operator recognises. */
  deadLetterQueues: Record<string, IQueue>;
  stateMachine: StateMachine;
  apiId: string;
  /** The rule delivering upload events (its failed invocations). */
  documentEvents: IRule;
}

export class Operations extends Construct {
  readonly topic: Topic;
  readonly alarms = new Map<string, Alarm>();
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', {
      displayName: 'Affiliate onboarding alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);
    const alarm = (
      name: string,
      metric: Metric | MathExpression,
      threshold: number,
      description: string,
      runbook = name.toLowerCase(),
    ) => {
      const created = new Alarm(this, name, {
        alarmDescription: `${description} See docs/runbook.md#${runbook}.`,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      this.alarms.set(name, created);
      return created;
    };
    const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' } as const;

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `DeadLetters-${name}`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        1,
        name.endsWith('-invocations')
          ? `A failed invocation is waiting in the ${name} on-failure queue: the function failed after Lambda's retries; the message holds the event and the error.`
          : `A message is waiting in the ${name} dead-letter queue: an event or invocation failed after its retries.`,
        name.endsWith('-invocations') ? 'deadletters-function-invocations' : undefined,
      );
    }

    const sm = props.stateMachine;
    alarm('WorkflowFailed', sm.metricFailed(fiveMinutes), 1, 'An onboarding execution failed.');
    alarm('WorkflowTimedOut', sm.metricTimedOut(fiveMinutes), 1, 'An onboarding execution timed out.');
    alarm('WorkflowThrottled', sm.metricThrottled(fiveMinutes), 1, 'Step Functions throttled the workflow.');

    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(
        `Errors-${name}`,
        fn.metricErrors(fiveMinutes),
        1,
        `The ${name} function reported errors.`,
        'errors-function',
      );
      alarm(
        `Throttles-${name}`,
        fn.metricThrottles(fiveMinutes),
        1,
        `The ${name} function was throttled.`,
        'throttles-function',
      );
    }

    const apiMetric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: props.apiId },
        ...fiveMinutes,
      });
    const api5xxPercent = new MathExpression({
      label: 'HTTP API 5xx, % of requests',
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { errors: apiMetric('5xx'), requests: apiMetric('Count') },
      period: Duration.minutes(5),
    });
    alarm(
      'Api5xxRate',
      api5xxPercent,
      API_5XX_PERCENT_ALARM,
      'The HTTP API answered 5xx to 1% or more of requests.',
    );

    const ses = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
    alarm(
      'SesBounceRate',
      ses('Reputation.BounceRate'),
      SES_BOUNCE_RATE_ALARM,
      'The account bounce rate reached 5%, where SES reviews the account (it may pause sending at 10%).',
    );
    alarm(
      'SesComplaintRate',
      ses('Reputation.ComplaintRate'),
      SES_COMPLAINT_RATE_ALARM,
      'The account complaint rate reached 0.1%, where SES reviews the account (it may pause sending at 0.5%).',
    );

    const scheduler = (metricName: string) =>
      new Metric({
        namespace: 'AWS/Scheduler',
        metricName,
        dimensionsMap: { ScheduleGroup: 'default' },
        ...fiveMinutes,
      });
    alarm(
      'ScheduleTargetErrors',
      scheduler('TargetErrorCount'),
      1,
      'A scheduled run (onboarding sweep, DBS audit, retention) could not invoke its function.',
    );
    alarm(
      'UploadEventsFailed',
      new Metric({
        namespace: 'AWS/Events',
        metricName: 'FailedInvocations',
        dimensionsMap: { RuleName: props.documentEvents.ruleName },
        ...fiveMinutes,
      }),
      1,
      'An upload event could not be delivered to document-received.',
    );

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(1),
      widgets: [
        [
          new GraphWidget({
            title: 'API requests and errors',
            left: [apiMetric('Count'), apiMetric('4xx'), apiMetric('5xx')],
            right: [api5xxPercent],
            width: 12,
          }),
          new GraphWidget({
            title: 'API latency (p50, p99)',
            left: [
              new Metric({
                namespace: 'AWS/ApiGateway',
                metricName: 'Latency',
                dimensionsMap: { ApiId: props.apiId },
                statistic: 'p50',
              }),
              new Metric({
                namespace: 'AWS/ApiGateway',
                metricName: 'Latency',
                dimensionsMap: { ApiId: props.apiId },
                statistic: 'p99',
              }),
            ],
            width: 12,
          }),
        ],
        [
          new GraphWidget({
            title: 'Workflow outcomes',
            left: [
              sm.metricStarted(fiveMinutes),
              sm.metricSucceeded(fiveMinutes),
              sm.metricFailed(fiveMinutes),
              sm.metricTimedOut(fiveMinutes),
              sm.metricAborted(fiveMinutes),
            ],
            width: 12,
          }),
          new GraphWidget({
            title: 'Dead-letter queue depths',
            left: Object.values(props.deadLetterQueues).map((q) =>
              q.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
            ),
            width: 12,
          }),
        ],
        [
          new GraphWidget({
            title: 'Function errors',
            left: Object.values(props.functions).map((fn) => fn.metricErrors(fiveMinutes)),
            width: 12,
          }),
          new GraphWidget({
            title: 'SES reputation',
            left: [ses('Reputation.BounceRate'), ses('Reputation.ComplaintRate')],
            width: 12,
          }),
        ],
      ],
    });
  }
}
