/**
 * A state-machine step that waits on a person (every waitForTaskToken task invokes this).
 *  1. A repeated invocation with the same token changes nothing.
 *  2. If the person already did what the step waits for (the action came before the workflow reached the step),
 *     spend the token now with the recorded result.
 *  3. Otherwise store the token on the application (never in a URL or an email), so the API action that completes
 *     the step spends it once.
 *  4. The contract step first generates the applicant's contract PDF and emails them that it is ready.
 *  5. Deliver the outbox.
 */
import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import { CONTRACT_VERSION, renderContract } from '../contracts/contract-pdf.ts';
import type { Application } from '../domain/application.ts';
import { londonToday } from '../domain/dates.ts';
import type { WaitStep } from '../domain/stages.ts';
import { contractReady, type Links } from '../emails/templates.ts';
import type { Ports } from '../ports/index.ts';
import { deliverOutbox, event, mutate, outboxEntry, withoutUndefined } from './support.ts';

export interface WorkflowTaskInput {
  step: WaitStep;
  applicationId: string;
  taskToken: string;
}

const prepareContract = async (app: Application, ports: Ports, now: Date) => {
  const date = londonToday(now);
  const pdf = await renderContract({
    applicationId: app.id,
    fullName: `${app.applicant.firstName} ${app.applicant.lastName}`,
    date,
    version: CONTRACT_VERSION,
  });
  const key = `applications/${app.id}/contract/${CONTRACT_VERSION}-${ulid()}.pdf`;
  await ports.documents.put(key, pdf, 'application/pdf');
  return {
    version: CONTRACT_VERSION,
    key,
    sha256: createHash('sha256').update(pdf).digest('hex'),
    generatedAt: now.toISOString(),
  };
};

export const workflowTask = async (
  input: WorkflowTaskInput,
  ports: Ports,
  links: Links,
): Promise<'waiting' | 'completed'> => {
  // Only the contract step needs the item before its change: the PDF is made outside the optimistic retry loop.
  const current = input.step === 'contract' ? await ports.store.get(input.applicationId) : undefined;
  const contract =
    current && !current.contract ? await prepareContract(current, ports, ports.clock.now()) : undefined;

  let outcome = 'waiting' as 'waiting' | 'completed';
  const result = await mutate(ports, input.applicationId, (app, now) => {
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
    if (contract && !app.contract) {
      next = { ...next, contract };
      next.outbox = [...next.outbox, outboxEntry({ kind: 'email', email: contractReady(next, links) })];
      events.push(event(app.id, now, 'contract-generated', { version: contract.version }));
    }
    return { next, events };
  });
  // Another invocation stored its own contract first: this one's PDF is not referenced, so remove it.
  if (contract && result?.after.contract?.key !== contract.key) await ports.documents.delete(contract.key);
  if (!result) throw new Error(`Application ${input.applicationId} not found for step ${input.step}`);
  const { failed } = await deliverOutbox(ports, result.after, result.before);
  if (failed.length > 0) throw new Error(`outbox of ${input.applicationId} not delivered`);
  return outcome;
};
