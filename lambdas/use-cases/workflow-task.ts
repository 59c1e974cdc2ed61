/**
 * A state-machine step that waits on a person (every waitForTaskToken task invokes this). It succeeds once the
 * token is stored: what it then delivers (a callback, an email) is the outbox's, so an SES refusal or a throttle
 * can never fail the execution. What throws before that (reading the item, making the contract) is retried by
 * the state machine with a fresh token.
 *  0. An execution that is not the application's current one (a restart replaced it) stores nothing.
 *  1. A repeated invocation with the same token changes nothing.
 *  2. If the person already did what the step waits for (the action came before the workflow reached the step),
 *     spend the token now with the recorded result.
 *  3. Otherwise store the token on the application (never in a URL or an email), so the API action that completes
 *     the step spends it once.
 *  4. The contract step of an item approved before the contract was made at approval (items written by the old
 *     code) generates it here and emails the applicant that it is ready.
 *  5. Deliver the outbox; what fails stays there for the sweep.
 */
import { type Application, executionName } from '../domain/application.ts';
import type { WaitStep } from '../domain/stages.ts';
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
): Promise<'waiting' | 'completed' | 'superseded'> => {
  // Only the contract step needs the item before its change: the PDF is made outside the optimistic retry loop.
  const current = input.step === 'contract' ? await ports.store.get(input.applicationId) : undefined;
  const contract =
    current && !current.contract ? await prepareContract(current, ports, ports.clock.now()) : undefined;

  let outcome = 'waiting' as 'waiting' | 'completed' | 'superseded';
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
