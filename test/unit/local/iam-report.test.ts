import { describe, expect, it } from 'vitest';
import { formatGrantReport, grantReport } from '../../../lib/local/iam-report.ts';
import { localArns } from '../../../lib/local/template.ts';

const policy = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow' as const,
      Action: ['dynamodb:GetItem', 'dynamodb:BatchWriteItem'],
      Resource: localArns.table(),
    },
    {
      Effect: 'Allow' as const,
      Action: 'dynamodb:Query',
      Resource: [localArns.index('by-due'), localArns.index('by-stage')],
    },
    { Effect: 'Allow' as const, Action: 's3:DeleteObject', Resource: localArns.object('applications/*') },
    { Effect: 'Allow' as const, Action: 'logs:PutLogEvents', Resource: '*' },
  ],
};

describe('the unused-grant report', () => {
  it('counts the recorded calls under each grant and marks the ones never used', () => {
    const [report] = grantReport({ retention: { policies: [{ policy }] } } as never, [
      { function: 'retention', action: 'dynamodb:GetItem', resource: localArns.table(), count: 3 },
      { function: 'retention', action: 'dynamodb:Query', resource: localArns.index('by-due'), count: 2 },
      {
        function: 'retention',
        action: 's3:DeleteObject',
        resource: localArns.object('applications/1/cv/x'),
        count: 1,
      },
      {
        function: 'other' as never,
        action: 'dynamodb:BatchWriteItem',
        resource: localArns.table(),
        count: 9,
      },
    ]);
    expect(report?.grants.map((g) => [g.action, g.resource.split(':').at(-1), g.calls, g.measured])).toEqual([
      ['dynamodb:GetItem', 'table/affiliate-onboarding', 3, true],
      ['dynamodb:BatchWriteItem', 'table/affiliate-onboarding', 0, true],
      ['dynamodb:Query', 'table/affiliate-onboarding/index/by-due', 2, true],
      ['dynamodb:Query', 'table/affiliate-onboarding/index/by-stage', 0, true],
      ['s3:DeleteObject', 'affiliate-onboarding-documents/applications/*', 1, true],
      ['logs:PutLogEvents', '*', 0, false],
    ]);
    const text = formatGrantReport(report ? [report] : [], 'header');
    expect(text).toContain('retention                              5       2');
    expect(text).toContain('UNUSED  dynamodb:BatchWriteItem');
    expect(text).toContain('Not measured locally (no emulator stands in for them): logs:PutLogEvents.');
  });
});
