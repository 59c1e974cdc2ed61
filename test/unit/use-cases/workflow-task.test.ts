import { describe, expect, it } from 'vitest';
import type { Application } from '../../../lambdas/domain/application.ts';
import { completeStep } from '../../../lambdas/use-cases/support.ts';
import { workflowTask } from '../../../lambdas/use-cases/workflow-task.ts';
import { memoryPorts } from './memory-ports.ts';

const links = {
  siteUrl: 'https://site.test',
  staffEmail: 'team@site.test',
  therapyAccountUrl: 'https://therapy.test/account',
  inductionBookingUrl: 'https://therapy.test/induction',
};

const seed = (m: ReturnType<typeof memoryPorts>, changes: Partial<Application> = {}): Application => {
  const app = {
    id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    version: 1,
    stage: 'in-review',
    createdAt: '2026-11-26T09:00:00.000Z',
    updatedAt: '2026-11-26T09:00:00.000Z',
    stageEnteredAt: '2026-11-26T09:00:00.000Z',
    applicant: {
      firstName: 'Sam',
      lastName: 'Lee',
      email: 'sam@example.org',
      phone: '1',
      dateOfBirth: '1980-01-01',
      postcode: 'M1 1AE',
    },
    outbox: [],
    remindersSent: [],
    documents: {},
    documentProblems: {},
    requiredDocuments: ['indemnity-insurance'],
    ...changes,
  } as unknown as Application;
  m.apps.set(app.id, app);
  return app;
};

describe('workflowTask', () => {
  it('stores the token when the person has not acted yet, and ignores a repeated invocation', async () => {
    const m = memoryPorts();
    const app = seed(m);
    expect(
      await workflowTask({ step: 'review', applicationId: app.id, taskToken: 't1' }, m.ports, links),
    ).toBe('waiting');
    expect(m.apps.get(app.id)?.task).toMatchObject({ step: 'review', token: 't1' });
    const version = m.apps.get(app.id)?.version;
    await workflowTask({ step: 'review', applicationId: app.id, taskToken: 't1' }, m.ports, links);
    expect(m.apps.get(app.id)?.version).toBe(version);
    expect(m.callbacks).toEqual([]);
  });

  it('spends each token with its own step’s result when the workflow lags two steps behind', async () => {
    const m = memoryPorts();
    let app = seed(m);
    app = { ...app, ...completeStep(app, 'documents', { documents: 'complete' }) };
    app = { ...app, ...completeStep(app, 'review', { decision: 'approve', dbsRequired: false }) };
    m.apps.set(app.id, app);

    expect(
      await workflowTask({ step: 'documents', applicationId: app.id, taskToken: 'd' }, m.ports, links),
    ).toBe('completed');
    expect(
      await workflowTask({ step: 'review', applicationId: app.id, taskToken: 'r' }, m.ports, links),
    ).toBe('completed');
    expect(m.callbacks).toEqual([
      { token: 'd', kind: 'success', payload: { documents: 'complete' } },
      { token: 'r', kind: 'success', payload: { decision: 'approve', dbsRequired: false } },
    ]);
    expect(m.apps.get(app.id)?.earlyResults).toBeUndefined();
  });

  it('never stores a token for a step the application has left: a retried invocation after the person acted', async () => {
    // Still in review, but the retry is for the documents step the upload completed (its callback went to the
    // token of the invocation that timed out): stored, the token would wait under an application that moved on.
    const m = memoryPorts();
    const app = seed(m, { executionArn: 'arn:aws:states:eu-west-2:1:execution:onboarding:x' });
    expect(
      await workflowTask({ step: 'documents', applicationId: app.id, taskToken: 'late' }, m.ports, links),
    ).toBe('stale');
    const stored = m.apps.get(app.id);
    expect(stored?.task).toBeUndefined();
    expect(stored?.workflowFailure).toMatchObject({ reason: 'task-gone' });
    expect(m.callbacks).toEqual([]);
    expect(m.stopped).toEqual([]);
  });

  it.each(['active', 'withdrawn', 'rejected', 'lapsed'] as const)(
    'stops the execution of a %s application instead of storing a late token',
    async (stage) => {
      const m = memoryPorts();
      const executionArn = 'arn:aws:states:eu-west-2:1:execution:onboarding:01ARZ3NDEKTSV4RRFFQ69G5FAV';
      const app = seed(m, { stage, executionArn });
      expect(
        await workflowTask(
          { step: 'availability', applicationId: app.id, taskToken: 'late', executionArn },
          m.ports,
          links,
        ),
      ).toBe('stale');
      const stored = m.apps.get(app.id);
      expect(stored?.task).toBeUndefined();
      expect(stored?.workflowFailure).toBeUndefined();
      expect(stored?.outbox).toEqual([]);
      expect(m.stopped).toEqual([executionArn]);
    },
  );

  it('generates the contract once at the contract step and emails the applicant', async () => {
    const m = memoryPorts();
    const app = seed(m, { stage: 'contract-sent' });
    await workflowTask({ step: 'contract', applicationId: app.id, taskToken: 'c' }, m.ports, links);
    const stored = m.apps.get(app.id);
    expect(stored?.contract?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const pdf = m.objects.get(stored?.contract?.key ?? '');
    expect(
      Buffer.from(pdf?.bytes ?? [])
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect(m.sent.map((e) => e.subject)).toEqual(['Your affiliate contract is ready to sign']);
  });
});

describe('londonMidnight', () => {
  it('is the UTC instant a London day starts, in GMT and in BST', async () => {
    const { londonMidnight } = await import('../../../lambdas/use-cases/support.ts');
    expect(londonMidnight('2026-11-29')).toBe('2026-11-29T00:00:00.000Z');
    expect(londonMidnight('2026-06-01')).toBe('2026-05-31T23:00:00.000Z');
    expect(londonMidnight('2026-03-29')).toBe('2026-03-29T00:00:00.000Z');
    expect(londonMidnight('2026-03-30')).toBe('2026-03-29T23:00:00.000Z');
  });
});
