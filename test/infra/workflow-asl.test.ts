import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_STEPS } from '../../lib/constructs/workflow.ts';
import { extractAsl, localFunctionArn, resolveIntrinsics } from '../../lib/workflow-asl.ts';
import type { Cfn } from './synth.ts';

type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

type State = Cfn;
let asl: { StartAt: string; States: Record<string, State> };
let coldMs: number;

beforeAll(() => {
  const started = performance.now();
  asl = extractAsl() as typeof asl;
  coldMs = performance.now() - started;
});

const AWAITS = {
  AwaitDocuments: 'documents',
  AwaitReview: 'review',
  AwaitDbs: 'dbs',
  AwaitContract: 'contract',
  AwaitInduction: 'induction',
  AwaitAvailability: 'availability',
} as const;

describe('extractAsl', () => {
  it('is valid Amazon States Language', () => {
    // asl-validator rewrites what it is given: hand it a copy.
    const result = aslValidator(structuredClone(asl));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('is fast enough to run at every start of the local stack', () => {
    const started = performance.now();
    extractAsl();
    const warmMs = performance.now() - started;
    expect(warmMs, `cold ${Math.round(coldMs)} ms, warm ${Math.round(warmMs)} ms`).toBeLessThan(3000);
  });

  it('leaves no CloudFormation intrinsic behind and points every task at the local workflow-task function', () => {
    const text = JSON.stringify(asl);
    expect(text).not.toMatch(/"(Ref|Fn::[A-Za-z]+)"/);
    const tasks = Object.values(asl.States).filter((s) => s.Type === 'Task');
    expect(tasks).toHaveLength(WORKFLOW_STEPS.length);
    for (const task of tasks) {
      expect(task.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
      expect(task.Parameters.FunctionName).toBe(localFunctionArn('workflow-task'));
    }
  });

  it.each(Object.entries(AWAITS))('%s waits for a token with step %s for up to 90 days', (name, step) => {
    const state = asl.States[name];
    expect(state?.Parameters.Payload).toEqual({
      step,
      'applicationId.$': '$.applicationId',
      'taskToken.$': '$$.Task.Token',
      'executionArn.$': '$$.Execution.Id',
    });
    expect(state?.ResultPath).toBe(`$.${step}`);
    expect(state?.TimeoutSeconds).toBe(90 * 24 * 60 * 60);
    expect(state?.Catch.map((c: State) => [c.ErrorEquals, c.Next])).toEqual([
      [['Lapsed'], 'Lapsed'],
      [['Withdrawn'], 'Withdrawn'],
      [['States.ALL'], 'Failed'],
    ]);
  });

  it.each(Object.keys(AWAITS))(
    '%s retries throttles and task failures with capped, jittered backoff',
    (name) => {
      const retry = asl.States[name]?.Retry as State[];
      // Evaluated in order, first match decides: Lambda's own errors, then the two outcomes (never retried, or
      // States.TaskFailed would retry a withdrawal), then whatever the function threw.
      expect(retry.map((r) => [r.ErrorEquals, r.IntervalSeconds, r.MaxAttempts, r.BackoffRate])).toEqual([
        [
          [
            'Lambda.TooManyRequestsException',
            'Lambda.ServiceException',
            'Lambda.AWSLambdaException',
            'Lambda.SdkClientException',
            'Lambda.ClientExecutionTimeoutException',
            'Lambda.Unknown',
          ],
          1,
          8,
          2,
        ],
        [['Lapsed', 'Withdrawn'], undefined, 0, undefined],
        [['States.TaskFailed'], 2, 5, 2],
      ]);
      for (const retrier of [retry[0], retry[2]]) {
        expect(retrier?.JitterStrategy).toBe('FULL');
        expect(retrier?.MaxDelaySeconds).toBe(60);
      }
    },
  );

  it('starts a restarted workflow at the step it names, and a new one at the documents', () => {
    expect(asl.StartAt).toBe('ResumeAt');
    const resume = asl.States.ResumeAt as State;
    expect(resume.Default).toBe('AwaitDocuments');
    expect(
      Object.fromEntries(
        (resume.Choices as State[]).map((c) => [c.And[1].StringEquals, [c.And[0].Variable, c.Next]]),
      ),
    ).toEqual(
      Object.fromEntries(Object.entries(AWAITS).map(([state, step]) => [step, ['$.resumeAt', state]])),
    );
  });

  it('walks the journey of DESIGN §2', () => {
    const next = (name: string) => asl.States[name]?.Next;
    const choices = (name: string) =>
      Object.fromEntries(
        ((asl.States[name]?.Choices ?? []) as State[]).map((c) => [
          c.StringEquals ?? JSON.stringify(c.And),
          c.Next,
        ]),
      );
    expect(asl.States.ResumeAt?.Default).toBe('AwaitDocuments');
    expect(next('AwaitDocuments')).toBe('AwaitReview');
    expect(next('AwaitReview')).toBe('ReviewDecision');
    expect(choices('ReviewDecision')).toEqual({
      'request-changes': 'AwaitDocuments',
      reject: 'Rejected',
      approve: 'DbsRequired',
    });
    expect(asl.States.DbsRequired?.Choices[0].Next).toBe('AwaitDbs');
    expect(asl.States.DbsRequired?.Default).toBe('AwaitContract');
    expect(next('AwaitDbs')).toBe('AwaitContract');
    expect(next('AwaitContract')).toBe('AwaitInduction');
    expect(next('AwaitInduction')).toBe('AwaitAvailability');
    expect(next('AwaitAvailability')).toBe('AvailabilityOutcome');
    expect(choices('AvailabilityOutcome')).toEqual({
      'induction-expired': 'AwaitInduction',
      active: 'Active',
    });
    for (const end of ['Rejected', 'Active', 'Lapsed', 'Withdrawn'])
      expect(asl.States[end]?.Type).toBe('Succeed');
    expect(asl.States.Failed?.Type).toBe('Fail');
  });
});

describe('resolveIntrinsics', () => {
  const resources = {
    FnA1B2: { Type: 'AWS::Lambda::Function', Metadata: { 'affiliate-onboarding:function': 'health' } },
    Queue1: { Type: 'AWS::SQS::Queue' },
  };

  it('maps a registry function to its local ARN and anything else to a placeholder', () => {
    expect(resolveIntrinsics({ 'Fn::GetAtt': ['FnA1B2', 'Arn'] }, resources)).toBe(
      localFunctionArn('health'),
    );
    expect(resolveIntrinsics({ Ref: 'Queue1' }, resources)).toBe('arn:aws:local:local:000000000000:Queue1');
  });

  it('joins, substitutes and resolves pseudo parameters', () => {
    expect(
      resolveIntrinsics(
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }]] },
        resources,
      ),
    ).toBe('arn:aws:states:local');
    expect(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not a JS one.
      resolveIntrinsics({ 'Fn::Sub': ['${A}-${AWS::AccountId}', { A: { Ref: 'FnA1B2' } }] }, resources),
    ).toBe(`${localFunctionArn('health')}-000000000000`);
  });

  it('refuses an intrinsic it cannot resolve rather than guessing', () => {
    expect(() => resolveIntrinsics({ 'Fn::Select': [0, ['a']] }, resources)).toThrow(/Fn::Select/);
  });
});
