/**
 * The onboarding sweep (scheduled; also POST /__dev/schedules/onboarding-sweep with `asOf`).
 *  1. Read only what is due at `asOf` through the sparse due index: its cost grows with what is due, not with the
 *     table.
 *  2. For each: start a workflow that failed to start; deliver an outbox left undelivered.
 *  3. Take the application out of the due index when nothing is left to do.
 */
import type { Application } from '../domain/application.ts';
import type { Ports } from '../ports/index.ts';
import { startWorkflow } from './create-application.ts';
import { deliverOutbox, mutate, nextDueAt } from './support.ts';

export interface SweepResult {
  asOf: string;
  examined: number;
  workflowsStarted: number;
  outboxDelivered: number;
}

const PAGE = 100;

export const onboardingSweep = async (input: { asOf: Date }, ports: Ports): Promise<SweepResult> => {
  const result: SweepResult = {
    asOf: input.asOf.toISOString(),
    examined: 0,
    workflowsStarted: 0,
    outboxDelivered: 0,
  };
  let cursor: string | undefined;
  do {
    const page = await ports.store.due(input.asOf.toISOString(), PAGE, cursor);
    cursor = page.cursor;
    for (const due of page.items) {
      result.examined++;
      await sweepOne(due, ports, result);
    }
  } while (cursor);
  return result;
};

const sweepOne = async (due: Application, ports: Ports, result: SweepResult): Promise<void> => {
  if (due.workflowPendingSince && !due.executionArn) {
    await startWorkflow(ports, due);
    const after = await ports.store.get(due.id);
    if (after?.executionArn) result.workflowsStarted++;
  }
  const current = await ports.store.get(due.id);
  if (current && current.outbox.length > 0) {
    const { delivered } = await deliverOutbox(ports, current);
    result.outboxDelivered += delivered.length;
  }
  await mutate(ports, due.id, (app, now) => {
    const dueAt = nextDueAt(app, now);
    return dueAt === app.dueAt ? undefined : { next: { ...app, dueAt }, events: [] };
  });
};
