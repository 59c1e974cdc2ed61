/**
 * Recovery of a workflow that died under its application (issue 8). DynamoDB is the truth: the application's stage
 * says which step its workflow must be waiting on, so a dead workflow is restarted there and nothing is lost.
 *
 * workflowStopped (the Step Functions execution-status event: FAILED, TIMED_OUT or ABORTED):
 *  1. Ignore an execution that is not the application's current one (a restart replaced it), and an application
 *     that is active or closed (its workflow ended as it should, or was stopped on purpose).
 *  2. Otherwise flag the application (`workflowFailure`, shown to staff): the sweep restarts its workflow.
 *
 * recoverWorkflow (the sweep, for a flagged application, WORKFLOW_CHECK_DELAY_MS after the flag):
 *  1. Active or closed: nothing to restart. Its current execution is stopped (a no-op when it has ended: a gone
 *     token may mean a retried step still waits) and the flag cleared.
 *  2. A token was gone but the workflow has since stored a token for the stage's step: it is alive (the token was
 *     spent twice, e.g. a redelivered callback); the flag is cleared.
 *  3. Otherwise restart, in one change: forget the old execution's token and callbacks, keep the early results
 *     of this step and later ones, count the restart (which names the new execution), and queue the old
 *     execution's stop and the staff alert. The caller then starts the new execution at the stage's step
 *     (startWorkflow; a start that fails is retried by the sweep, as any failed start).
 */
import { type Application, executionName, type WorkflowFailureReason } from '../domain/application.ts';
import { STAGE_STEP, WAIT_STEPS } from '../domain/stages.ts';
import { type Links, staffWorkflowRestarted } from '../emails/templates.ts';
import type { Ports } from '../ports/index.ts';
import { deliverOutbox, event, mutate, outboxEntry, withoutUndefined } from './support.ts';

export type ExecutionEndStatus = 'FAILED' | 'TIMED_OUT' | 'ABORTED';

const REASONS: Record<ExecutionEndStatus, WorkflowFailureReason> = {
  FAILED: 'execution-failed',
  TIMED_OUT: 'execution-timed-out',
  ABORTED: 'execution-aborted',
};

/** The application an execution belongs to: executions are named `<id>` or `<id>-r<n>` (executionName). */
export const applicationIdOf = (executionArn: string): string =>
  (executionArn.split(':').pop() ?? '').replace(/-r\d+$/, '');

export const workflowStopped = async (
  input: { executionArn: string; status: ExecutionEndStatus },
  ports: Pick<Ports, 'store' | 'clock'>,
): Promise<'flagged' | 'ignored'> => {
  const name = input.executionArn.split(':').pop();
  let outcome: 'flagged' | 'ignored' = 'ignored';
  await mutate(ports, applicationIdOf(input.executionArn), (app, now) => {
    outcome = 'ignored';
    if (!STAGE_STEP[app.stage] || executionName(app) !== name || app.workflowFailure) return undefined;
    outcome = 'flagged';
    const reason = REASONS[input.status];
    return {
      next: { ...app, workflowFailure: { at: now.toISOString(), reason } },
      events: [event(app.id, now, 'workflow-flagged', { reason, status: input.status })],
    };
  });
  return outcome;
};

export type Recovery = 'restarted' | 'alive' | 'stopped';

/** Returns the application after the change (the caller starts the new execution) and what was done. */
export const recoverWorkflow = async (
  id: string,
  ports: Ports,
  links: Links,
): Promise<{ app: Application; recovery: Recovery } | undefined> => {
  let recovery: Recovery = 'alive';
  const result = await mutate(ports, id, (app, now) => {
    const failure = app.workflowFailure;
    if (!failure) return undefined;
    const step = STAGE_STEP[app.stage];
    if (!step) {
      recovery = 'stopped';
      const stop = app.executionArn
        ? [outboxEntry({ kind: 'stop-execution', executionArn: app.executionArn, cause: 'Workflow check' })]
        : [];
      return {
        next: withoutUndefined({ ...app, workflowFailure: undefined, outbox: [...app.outbox, ...stop] }),
        events: [event(app.id, now, 'workflow-checked', { outcome: 'ended' })],
      };
    }
    if (failure.reason === 'task-gone' && app.task?.step === step) {
      recovery = 'alive';
      return {
        next: withoutUndefined({ ...app, workflowFailure: undefined }),
        events: [event(app.id, now, 'workflow-checked', { outcome: 'alive' })],
      };
    }
    recovery = 'restarted';
    const from = WAIT_STEPS.indexOf(step);
    const earlyResults = app.earlyResults?.filter((r) => WAIT_STEPS.indexOf(r.step) >= from);
    const restarts = (app.workflowRestarts ?? 0) + 1;
    const outbox = [
      // The old execution's callbacks: its tokens die with it.
      ...app.outbox.filter((entry) => entry.kind !== 'task-success' && entry.kind !== 'task-failure'),
      ...(app.executionArn
        ? [outboxEntry({ kind: 'stop-execution', executionArn: app.executionArn, cause: 'Restarted' })]
        : []),
      outboxEntry({ kind: 'email', email: staffWorkflowRestarted(app, failure.reason, step, links) }),
    ];
    const next: Application = withoutUndefined({
      ...app,
      task: undefined,
      executionArn: undefined,
      earlyResults: earlyResults && earlyResults.length > 0 ? earlyResults : undefined,
      workflowFailure: undefined,
      workflowRestarts: restarts,
      workflowPendingSince: now.toISOString(),
      outbox,
    });
    return {
      next,
      events: [event(app.id, now, 'workflow-restarted', { reason: failure.reason, step, restarts })],
    };
  });
  if (!result?.changed) return undefined;
  await deliverOutbox(ports, result.after, result.before);
  return { app: result.after, recovery };
};
