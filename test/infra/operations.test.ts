/**
 * Issue 9, operations: the alarms someone sees, on concrete values of the synthesized template — one SNS topic
 * (KMS-encrypted, emailed to config alarmEmail) that every alarm notifies; an alarm per dead-letter queue, on the
 * workflow's failures, timeouts and throttles, each function's errors and throttles, the API's 5xx rate, the SES
 * reputation thresholds, schedule target errors and undelivered upload events; reserved concurrency where a flood
 * on the public API must not starve the work; one dashboard.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_CONFIG } from '../../lib/config.ts';
import { FUNCTION_METADATA_KEY } from '../../lib/constructs/function.ts';
import { FUNCTIONS, type FunctionName } from '../../lib/functions.ts';
import { type Cfn, resourcesOf, type Synthesized, synth } from './synth.ts';

let s: Synthesized;
let alarms: Cfn[];
let topicId: string;
const NAMES = Object.keys(FUNCTIONS) as FunctionName[];

beforeAll(() => {
  s = synth();
  alarms = Object.values(resourcesOf(s.statelessTemplate, 'AWS::CloudWatch::Alarm')).map((r) => r.Properties);
  const topics = Object.keys(resourcesOf(s.statelessTemplate, 'AWS::SNS::Topic'));
  expect(topics).toHaveLength(1);
  topicId = topics[0] as string;
});

const alarmsOn = (namespace: string, metricName: string): Cfn[] =>
  alarms.filter((a) => a.Namespace === namespace && a.MetricName === metricName);
const dimension = (alarm: Cfn, name: string): unknown =>
  (alarm.Dimensions as { Name: string; Value: unknown }[] | undefined)?.find((d) => d.Name === name)?.Value;

describe('the alarm topic', () => {
  it('is encrypted with the stack key and emails the configured operations address', () => {
    const topic = resourcesOf(s.statelessTemplate, 'AWS::SNS::Topic')[topicId]?.Properties as Cfn;
    expect(topic.KmsMasterKeyId).toBeDefined();
    const subscriptions = Object.values(resourcesOf(s.statelessTemplate, 'AWS::SNS::Subscription'));
    expect(subscriptions.map((r) => r.Properties)).toEqual([
      expect.objectContaining({
        Protocol: 'email',
        Endpoint: 'operations@example.org',
        TopicArn: { Ref: topicId },
      }),
    ]);
  });

  it('emails the address the stage config names', () => {
    const custom = synth({ config: { ...CLOUD_CONFIG, alarmEmail: 'on-call@provider.example' } });
    const endpoints = Object.values(resourcesOf(custom.statelessTemplate, 'AWS::SNS::Subscription')).map(
      (r) => r.Properties.Endpoint,
    );
    expect(endpoints).toEqual(['on-call@provider.example']);
  });

  it('is notified by every alarm, which treats missing data as fine', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(alarm.AlarmDescription).toMatch(/See docs\/runbook\.md#/);
    }
  });
});

describe('alarms', () => {
  it('watches each of the 13 dead-letter and on-failure queues from the first message', () => {
    const dlq = alarmsOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible');
    const queues = Object.keys(resourcesOf(s.statelessTemplate, 'AWS::SQS::Queue'));
    // The rules' and the schedules' dead-letter queues (upload-events, scan-results, email-feedback-events,
    // workflow-events, schedule-runs), the table stream's on-failure destination (history-stream) and one on-failure
    // queue per asynchronously invoked function (7).
    expect(queues).toHaveLength(13);
    expect(dlq).toHaveLength(13);
    const functionQueue = /^Fn\w+Failures[0-9A-F]{8}$/;
    expect(queues.filter((id) => functionQueue.test(id))).toHaveLength(7);
    // Each on-failure queue's alarm says what its messages hold and points at the runbook's section for them.
    const onFailure = dlq.filter((a) =>
      functionQueue.test((dimension(a, 'QueueName') as Cfn)['Fn::GetAtt'][0]),
    );
    expect(onFailure).toHaveLength(7);
    for (const a of onFailure) {
      expect(a.AlarmDescription).toMatch(/on-failure queue: .*the message holds the event and the error\./);
      expect(a.AlarmDescription).toContain('docs/runbook.md#deadletters-function-invocations.');
    }
    expect(dlq.map((a) => (dimension(a, 'QueueName') as Cfn)['Fn::GetAtt'][0]).sort()).toEqual(queues.sort());
    for (const a of dlq) {
      expect(a).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Statistic: 'Maximum',
      });
    }
  });

  it.each(['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionThrottled'])(
    'alarms on the state machine’s %s from the first one',
    (metricName) => {
      const [alarm, ...more] = alarmsOn('AWS/States', metricName);
      expect(more).toHaveLength(0);
      expect(alarm).toMatchObject({ Threshold: 1, Statistic: 'Sum', Period: 300 });
      expect(JSON.stringify(dimension(alarm, 'StateMachineArn'))).toContain('Workflow');
    },
  );

  it.each(['Errors', 'Throttles'])('alarms on every function’s %s', (metricName) => {
    const byFunction = alarmsOn('AWS/Lambda', metricName).map(
      (a) => (dimension(a, 'FunctionName') as Cfn).Ref,
    );
    const functions = Object.entries(resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function'))
      .filter(([, r]) => typeof r.Metadata?.[FUNCTION_METADATA_KEY] === 'string')
      .map(([id]) => id);
    expect(functions).toHaveLength(NAMES.length);
    expect(byFunction.sort()).toEqual(functions.sort());
  });

  it('alarms when 1% or more of API requests answer 5xx over 5 minutes', () => {
    const api = alarms.filter((a) =>
      a.Metrics?.some((m: Cfn) => m.Expression?.includes('errors / requests')),
    );
    expect(api).toHaveLength(1);
    expect(api[0]).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    const metrics = api[0].Metrics.filter((m: Cfn) => m.MetricStat);
    expect(metrics.map((m: Cfn) => m.MetricStat.Metric.MetricName).sort()).toEqual(['5xx', 'Count']);
  });

  it('alarms at the SES review thresholds: bounce rate 5%, complaint rate 0.1%', () => {
    expect(alarmsOn('AWS/SES', 'Reputation.BounceRate')).toEqual([
      expect.objectContaining({ Threshold: 0.05 }),
    ]);
    expect(alarmsOn('AWS/SES', 'Reputation.ComplaintRate')).toEqual([
      expect.objectContaining({ Threshold: 0.001 }),
    ]);
  });

  it('alarms when a schedule cannot invoke its function or an upload event is not delivered', () => {
    expect(alarmsOn('AWS/Scheduler', 'TargetErrorCount')).toEqual([
      expect.objectContaining({ Threshold: 1, Dimensions: [{ Name: 'ScheduleGroup', Value: 'default' }] }),
    ]);
    const [upload] = alarmsOn('AWS/Events', 'FailedInvocations');
    expect(dimension(upload, 'RuleName')).toEqual({ Ref: expect.stringMatching(/^DocumentUploaded/) });
  });
});

describe('reserved concurrency', () => {
  it('reserves for the workflow task, uploads and their scans, email feedback, workflow failures, publishing events and the schedules (1 each, so runs never overlap), and nothing else', () => {
    const reserved = Object.fromEntries(
      Object.values(resourcesOf(s.statelessTemplate, 'AWS::Lambda::Function'))
        .filter((r) => typeof r.Metadata?.[FUNCTION_METADATA_KEY] === 'string')
        .filter((r) => r.Properties.ReservedConcurrentExecutions !== undefined)
        .map((r) => [r.Metadata?.[FUNCTION_METADATA_KEY], r.Properties.ReservedConcurrentExecutions]),
    );
    expect(reserved).toEqual({
      'workflow-task': 10,
      'document-received': 5,
      'document-scanned': 5,
      'email-feedback': 2,
      'workflow-stopped': 2,
      'publish-events': 2,
      'onboarding-sweep': 1,
      'dbs-audit': 1,
      retention: 1,
    });
  });
});

describe('the dashboard', () => {
  it('shows the API, the workflow, the dead-letter queues, function errors and SES reputation', () => {
    const [dashboard, ...more] = Object.values(
      resourcesOf(s.statelessTemplate, 'AWS::CloudWatch::Dashboard'),
    );
    expect(more).toHaveLength(0);
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const title of [
      'API requests and errors',
      'API latency (p50, p99)',
      'Workflow outcomes',
      'Dead-letter queue depths',
      'Function errors',
      'SES reputation',
    ]) {
      expect(body).toContain(title);
    }
  });
});

describe('the runbook', () => {
  it('has a section for every alarm description’s anchor', async () => {
    const { readFile } = await import('node:fs/promises');
    const runbook = await readFile(new URL('../../docs/runbook.md', import.meta.url), 'utf8');
    const sections = new Set([...runbook.matchAll(/^## (\S+)$/gm)].map((m) => m[1]));
    for (const alarm of alarms) {
      const anchor = /docs\/runbook\.md#([\w-]+)\./.exec(alarm.AlarmDescription)?.[1];
      expect(sections, String(alarm.AlarmDescription)).toContain(anchor);
    }
  });
});
