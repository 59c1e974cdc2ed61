/**
 * A state-machine step that waits on a person (every waitForTaskToken task invokes this).
 *  1. Store the task token on the application (never in a URL or an email), so the API action that completes the
 *     step can spend it once.
 *  2. If the step is already done (documents all uploaded before the workflow reached this step), spend the token
 *     now instead.
 *  3. Deliver the outbox.
 */
import type { Application } from '../domain/application.ts';
import type { WaitStep } from '../domain/stages.ts';
import type { Ports } from '../ports/index.ts';
import { deliverOutbox, event, mutate, nextDueAt, outboxEntry } from './support.ts';

export interface WorkflowTaskInput {
  step: WaitStep;
  applicationId: string;
  taskToken: string;
}

/** Whether the person has already done what the step waits for. */
const alreadyDone = (app: Application, step: WaitStep): Record<string, unknown> | undefined => {
  if (step === 'documents' && app.stage !== 'awaiting-documents') return { documents: 'complete' };
  return undefined;
};

export const workflowTask = async (
  input: WorkflowTaskInput,
  ports: Ports,
): Promise<'waiting' | 'completed'> => {
  let outcome = 'waiting' as 'waiting' | 'completed';
  const result = await mutate(ports, input.applicationId, (app, now) => {
    if (app.task?.token === input.taskToken) return undefined;
    const done = alreadyDone(app, input.step);
    outcome = done ? 'completed' : 'waiting';
    const next: Application = done
      ? {
          ...app,
          outbox: [
            ...app.outbox,
            outboxEntry({ kind: 'task-success', token: input.taskToken, output: done }),
          ],
        }
      : { ...app, task: { step: input.step, token: input.taskToken, storedAt: now.toISOString() } };
    return {
      next: { ...next, dueAt: nextDueAt(next, now) },
      events: [event(app.id, now, done ? 'step-already-complete' : 'step-waiting', { step: input.step })],
    };
  });
  if (!result) throw new Error(`Application ${input.applicationId} not found for step ${input.step}`);
  const { failed } = await deliverOutbox(ports, result.after);
  if (failed.length > 0) throw new Error(`outbox of ${input.applicationId} not delivered`);
  return outcome;
};
