/**
 * Issue 8: nothing the outbox or the workflow fails at is dropped silently. Permanent mail refusals and exhausted
 * retries reach staff; a gone token or a dead execution flags the application, and the sweep restarts its workflow
 * at the application's step.
 */
import { describe, expect, it } from 'vitest';
import type { Application } from '../../../lambdas/domain/application.ts';
import { onboardingSweep } from '../../../lambdas/use-cases/onboarding-sweep.ts';
import {
  deliverOutbox,
  MAX_OUTBOX_ATTEMPTS,
  outboxEntry,
  withIndexKeys,
} from '../../../lambdas/use-cases/support.ts';
import { workflowStopped } from '../../../lambdas/use-cases/workflow-recovery.ts';
import { workflowTask } from '../../../lambdas/use-cases/workflow-task.ts';
import { memoryPorts } from './memory-ports.ts';

const links = {
  siteUrl: 'https://site.test',
  staffEmail: 'team@site.test',
  therapyAccountUrl: 'https://therapy.test/account',
  inductionBookingUrl: 'https://therapy.test/induction',
};
const ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const EXECUTIONS = 'arn:aws:states:eu-west-2:000000000000:execution:onboarding';
const NOW = new Date('2026-11-26T10:00:00Z');
const email = (to: string) => ({ to, subject: 'Hello', text: 't', html: 'h' });

const seed = (m: ReturnType<typeof memoryPorts>, changes: Partial<Application> = {}): Application => {
  const app = withIndexKeys(
    {
      id: ID,
      version: 1,
      stage: 'contract-sent',
      createdAt: '2026-11-20T09:00:00.000Z',
      updatedAt: '2026-11-26T09:00:00.000Z',
      stageEnteredAt: '2026-11-26T09:00:00.000Z',
      applicant: { firstName: 'Sam', lastName: 'Lee', email: 'sam@example.org' },
      dbs: { hasCertificate: false, assessment: 'current', reasons: [] },
      insurance: { endDate: '2027-12-31' },
      executionArn: `${EXECUTIONS}:${ID}`,
      outbox: [],
      remindersSent: [],
      documents: {},
      documentProblems: {},
      requiredDocuments: ['indemnity-insurance'],
      ...changes,
    } as unknown as Application,
    NOW,
  );
  m.apps.set(app.id, app);
  return app;
};

describe('deliverOutbox: retries end, and what they give up on is shown', () => {
  it('stops at once on a permanent refusal (MessageRejected) and lists the email for staff', async () => {
    const m = memoryPorts(NOW);
    m.failures.rejected.add('refused@example.org');
    const app = seed(m, {
      outbox: [outboxEntry({ kind: 'email', email: email('refused@example.org') })],
    });
    const result = await deliverOutbox(m.ports, app);
    expect(result).toEqual({ delivered: [], failed: [] });
    const stored = m.apps.get(ID);
    expect(stored?.outbox).toEqual([]);
    expect(stored?.undelivered).toEqual([
      expect.objectContaining({ to: 'refused@example.org', error: 'MessageRejected', attempts: 1 }),
    ]);
    expect(m.events.map((e) => e.type)).toContain('email-undelivered');
  });

  it('counts the attempts of a retryable failure and gives up after the last one', async () => {
    const m = memoryPorts(NOW);
    seed(m, { outbox: [outboxEntry({ kind: 'email', email: email('slow@example.org') })] });
    m.failures.mail = MAX_OUTBOX_ATTEMPTS;
    for (let attempt = 1; attempt < MAX_OUTBOX_ATTEMPTS; attempt++) {
      const result = await deliverOutbox(m.ports, m.apps.get(ID) as Application);
      expect(result.failed).toHaveLength(1);
      expect(m.apps.get(ID)?.outbox[0]?.attempts).toBe(attempt);
    }
    const last = await deliverOutbox(m.ports, m.apps.get(ID) as Application);
    expect(last.failed).toEqual([]);
    expect(m.apps.get(ID)?.outbox).toEqual([]);
    expect(m.apps.get(ID)?.undelivered?.[0]).toMatchObject({ error: 'Error', attempts: MAX_OUTBOX_ATTEMPTS });
    expect(m.sent).toEqual([]);
  });

  it('flags the workflow when a callback’s token is gone, instead of ignoring it', async () => {
    const m = memoryPorts(NOW);
    m.failures.gone.add('spent');
    seed(m, {
      outbox: [outboxEntry({ kind: 'task-success', token: 'spent', output: {} })],
    });
    await deliverOutbox(m.ports, m.apps.get(ID) as Application);
    const stored = m.apps.get(ID);
    expect(stored?.outbox).toEqual([]);
    expect(stored?.workflowFailure).toEqual({ at: NOW.toISOString(), reason: 'task-gone' });
    // The sweep looks a minute later: a workflow moving on right now has stored its next token by then.
    expect(stored?.dueAt).toBe('2026-11-26T10:01:00.000Z');
  });
});

describe('workflowStopped (the execution-status event)', () => {
  it('flags the application when its current execution failed', async () => {
    const m = memoryPorts(NOW);
    seed(m);
    expect(await workflowStopped({ executionArn: `${EXECUTIONS}:${ID}`, status: 'FAILED' }, m.ports)).toBe(
      'flagged',
    );
    expect(m.apps.get(ID)?.workflowFailure).toEqual({ at: NOW.toISOString(), reason: 'execution-failed' });
  });

  it.each([
    ['an execution a restart replaced', { workflowRestarts: 1 }, 'ABORTED'],
    ['an active therapist', { stage: 'active' }, 'FAILED'],
    ['a withdrawn application (stopped on purpose)', { stage: 'withdrawn' }, 'ABORTED'],
  ] as const)('ignores %s', async (_, changes, status) => {
    const m = memoryPorts(NOW);
    seed(m, changes as Partial<Application>);
    expect(await workflowStopped({ executionArn: `${EXECUTIONS}:${ID}`, status }, m.ports)).toBe('ignored');
    expect(m.apps.get(ID)?.workflowFailure).toBeUndefined();
  });
});

describe('the sweep restarts a flagged workflow at the application’s step', () => {
  it('stops the old execution, starts <id>-r1 at the contract step, keeps later early results, alerts staff', async () => {
    const m = memoryPorts(new Date('2026-11-26T10:05:00Z'));
    seed(m, {
      workflowFailure: { at: NOW.toISOString(), reason: 'execution-failed' },
      task: { step: 'review', token: 'old', storedAt: NOW.toISOString() },
      earlyResults: [
        { step: 'review', output: {} },
        { step: 'contract', output: { signed: true } },
      ],
      outbox: [outboxEntry({ kind: 'task-success', token: 'old', output: {} })],
    });
    const result = await onboardingSweep({ asOf: new Date('2026-11-26T10:05:00Z') }, m.ports, links);
    expect(result).toMatchObject({ workflowsRestarted: 1, workflowsStarted: 1 });
    expect(m.started).toEqual([`${ID}-r1@contract`]);
    expect(m.stopped).toEqual([`${EXECUTIONS}:${ID}`]);
    expect(m.callbacks).toEqual([]);
    const stored = m.apps.get(ID);
    expect(stored).toMatchObject({
      executionArn: `${EXECUTIONS}:${ID}-r1`,
      workflowRestarts: 1,
      earlyResults: [{ step: 'contract', output: { signed: true } }],
    });
    expect(stored?.workflowFailure).toBeUndefined();
    expect(stored?.task).toBeUndefined();
    expect(m.sent.map((e) => [e.to, e.subject])).toEqual([
      ['team@site.test', `Workflow restarted: application ${ID}`],
    ]);
  });

  it('leaves a workflow alone that has stored a token for the stage’s step since (a token spent twice)', async () => {
    const m = memoryPorts(new Date('2026-11-26T10:05:00Z'));
    seed(m, {
      workflowFailure: { at: NOW.toISOString(), reason: 'task-gone' },
      task: { step: 'contract', token: 'current', storedAt: NOW.toISOString() },
    });
    const result = await onboardingSweep({ asOf: new Date('2026-11-26T10:05:00Z') }, m.ports, links);
    expect(result.workflowsRestarted).toBe(0);
    expect(m.started).toEqual([]);
    expect(m.apps.get(ID)?.workflowFailure).toBeUndefined();
    expect(m.apps.get(ID)?.task?.token).toBe('current');
  });

  it('does not look before the check delay has passed', async () => {
    const m = memoryPorts(NOW);
    seed(m, { workflowFailure: { at: NOW.toISOString(), reason: 'execution-failed' } });
    await onboardingSweep({ asOf: new Date('2026-11-26T10:00:30Z') }, m.ports, links);
    expect(m.started).toEqual([]);
    expect(m.apps.get(ID)?.workflowFailure).toBeDefined();
  });
});

describe('workflowTask under faults', () => {
  it('succeeds once the token is stored, leaving an undelivered email to the sweep', async () => {
    const m = memoryPorts(NOW);
    seed(m, {
      stage: 'in-review',
      earlyResults: [{ step: 'review', output: { decision: 'approve' } }],
      outbox: [],
    });
    m.failures.gone.add('r');
    m.failures.mail = 1;
    // The early result's callback finds its token gone: flagged, not thrown.
    await expect(
      workflowTask({ step: 'review', applicationId: ID, taskToken: 'r' }, m.ports, links),
    ).resolves.toBe('completed');
    expect(m.apps.get(ID)?.workflowFailure?.reason).toBe('task-gone');
  });

  it('stores nothing for an execution a restart replaced', async () => {
    const m = memoryPorts(NOW);
    seed(m, { stage: 'in-review', workflowRestarts: 1 });
    await expect(
      workflowTask(
        { step: 'review', applicationId: ID, taskToken: 't', executionArn: `${EXECUTIONS}:${ID}` },
        m.ports,
        links,
      ),
    ).resolves.toBe('superseded');
    expect(m.apps.get(ID)?.task).toBeUndefined();
  });
});
