/**
 * A state-machine step that waits on a person (every waitForTaskToken task invokes this). It succeeds once the
 * token is stored: what it then delivers (a callback, an email) is the outbox's, so an SES refusal or a throttle
 * can never fail the execution. What throws before that (reading the item, making the contract) is retried by
 * the state machine with a fresh token.
 *  0. An execution that is not the application's current one (a restart replaced it) stores nothing.
 *  1. A repeated invocation with the same token changes nothing.
 *  2. If the person already did what the step waits for (the action came before the workflow reached the step),
 *     spend the token now with the recorded result.
 *  3. A token for a step the application is no longer in (a retried invocation, after a timeout or a crash, that
 *     arrives once the person has acted and the application has moved on) is never stored: stored, it would wait
 *     under an application that no action will complete again. If the application has ended (active or closed),
 *     the execution is stopped; otherwise the workflow is flagged (`task-gone`) and the sweep restarts it at the
 *     application's step, unless the workflow has caught up by then. The write is conditional on the item's
 *     version (mutate), so a stage change in between is seen.
 *  4. Otherwise store the token on the application (never in a URL or an email), so the API action that completes
 *     the step spends it once.
 *  5. The contract step of an item approved before the contract was made at approval (items written by the old
 *     code) generates it here and emails the applicant that it is ready.
 *  6. Deliver the outbox; what fails stays there for the sweep.
 */
import { type Application, executionName } from '../domain/application.ts';
import { STAGE_STEP, type WaitStep } from '../domain/stages.ts';
import type { Links } from '../emails/templates.ts';
import type { Ports } from '../ports/index.ts';
import { prepareContract, withContract } from './contract.ts';
import { deliverOutbox, event, mutate, outboxEntry, withoutUndefined } from './support.ts';

export interface WorkflowTaskInput {
  step: WaitStep;
  applicationId: string;
  taskToken: string;
  /** `$$.Execution.Id` (absent in executions started before it was passed). */
  executionArn?: string;
}

export const workflowTask = async (
  input: WorkflowTaskInput,
  ports: Ports,
  links: Links,
): Promise<'waiting' | 'completed' | 'superseded' | 'stale'> => {
  // Only the contract step needs the item before its change: the PDF is made outside the optimistic retry loop.
  const current = input.step === 'contract' ? await ports.store.get(input.applicationId) : undefined;
  const contract =
    current && !current.contract ? await prepareContract(current, ports, ports.clock.now()) : undefined;

  let outcome = 'waiting' as 'waiting' | 'completed' | 'superseded' | 'stale';
  const result = await mutate(ports, input.applicationId, (app, now) => {
    if (input.executionArn && input.executionArn.split(':').pop() !== executionName(app)) {
      outcome = 'superseded';
      return undefined;
    }
    if (app.task?.token === input.taskToken) return undefined;
    const events = [];
    let next: Application;
    const early = app.earlyResults?.findIndex((result) => result.step === input.step) ?? -1;
    if (early >= 0) {
      outcome = 'completed';
      const results = [...(app.earlyResults ?? [])];
      const [result] = results.splice(early, 1);
      next = withoutUndefined({
        ...app,
        earlyResults: results.length > 0 ? results : undefined,
        outbox: [
          ...app.outbox,
          outboxEntry({ kind: 'task-success', token: input.taskToken, output: result?.output ?? {} }),
        ],
      });
      events.push(event(app.id, now, 'step-completed', { step: input.step }));
    } else if (STAGE_STEP[app.stage] !== input.step) {
      outcome = 'stale';
      const executionArn = input.executionArn ?? app.executionArn;
      if (!STAGE_STEP[app.stage]) {
        if (!executionArn) return undefined;
        next = {
          ...app,
          outbox: [
            ...app.outbox,
            outboxEntry({ kind: 'stop-execution', executionArn, cause: 'Application ended' }),
          ],
        };
        events.push(event(app.id, now, 'workflow-checked', { outcome: 'ended', step: input.step }));
      } else {
        if (app.workflowFailure) return undefined;
        next = { ...app, workflowFailure: { at: now.toISOString(), reason: 'task-gone' } };
        events.push(event(app.id, now, 'workflow-flagged', { reason: 'task-gone', step: input.step }));
      }
      return { next, events };
    } else {
      outcome = 'waiting';
      next = { ...app, task: { step: input.step, token: input.taskToken, storedAt: now.toISOString() } };
      events.push(event(app.id, now, 'step-waiting', { step: input.step }));
    }
    if (contract) {
      const sent = withContract(next, contract, links, now);
      next = sent.next;
      events.push(...sent.events);
    }
    return { next, events };
  });
  // Another invocation stored its own contract first: this one's PDF is not referenced, so remove it.
  if (contract && result?.after.contract?.key !== contract.key) await ports.documents.delete(contract.key);
  if (!result) throw new Error(`Application ${input.applicationId} not found for step ${input.step}`);
  await deliverOutbox(ports, result.after, result.before);
  return outcome;
};
