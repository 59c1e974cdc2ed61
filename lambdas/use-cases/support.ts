/**
 * What every use case that changes an application shares: optimistic read-modify-write with retries on version
 * conflicts, the due-index key, and delivery of the transactional outbox after the change commits.
 */
import { ulid } from 'ulid';
import type { Application, ApplicationEvent, OutboxEntry } from '../domain/application.ts';
import { type Ports, VersionConflict } from '../ports/index.ts';
import { logger } from '../shared/logger.ts';

const OUTBOX_RETRY_MS = 60_000;
const MAX_ATTEMPTS = 5;

export const outboxEntry = <E extends DistributiveOmit<OutboxEntry, 'id'>>(entry: E): OutboxEntry =>
  ({ id: ulid(), ...entry }) as OutboxEntry;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The next moment the sweep must look at the application; undefined takes it out of the due index. */
export const nextDueAt = (app: Application, now: Date, reminderDueAt?: string): string | undefined => {
  const soon = new Date(now.getTime() + OUTBOX_RETRY_MS).toISOString();
  const candidates = [
    app.outbox.length > 0 || app.workflowPendingSince ? soon : undefined,
    reminderDueAt,
  ].filter((d): d is string => Boolean(d));
  return candidates.sort()[0];
};

export interface Change {
  next: Application;
  events: ApplicationEvent[];
}

/**
 * Applies `decide` to the current item and commits the result, retrying on version conflicts.
 * `decide` returns undefined when there is nothing to change (a duplicate event, an already-spent step).
 */
export const mutate = async (
  ports: Pick<Ports, 'store' | 'clock'>,
  id: string,
  decide: (app: Application, now: Date) => Change | undefined,
): Promise<{ before: Application; after: Application; changed: boolean } | undefined> => {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const before = await ports.store.get(id);
    if (!before) return undefined;
    const now = ports.clock.now();
    const change = decide(before, now);
    if (!change) return { before, after: before, changed: false };
    const next: Application = { ...change.next, version: before.version + 1, updatedAt: now.toISOString() };
    try {
      await ports.store.update(next, before, change.events);
      return { before, after: next, changed: true };
    } catch (error) {
      if (!(error instanceof VersionConflict) || attempt === MAX_ATTEMPTS) throw error;
    }
  }
  return undefined;
};

/**
 * Delivers the outbox of an application (emails, task callbacks) and removes what was delivered. What fails stays
 * in the outbox for the next attempt or the sweep; the ids of the failures are returned so async callers can
 * throw and let the platform retry.
 */
export const deliverOutbox = async (
  ports: Pick<Ports, 'store' | 'mailer' | 'workflow'>,
  app: Application,
): Promise<{ delivered: string[]; failed: string[] }> => {
  const delivered: string[] = [];
  const failed: string[] = [];
  for (const entry of app.outbox) {
    try {
      if (entry.kind === 'email') await ports.mailer.send(entry.email);
      else if (entry.kind === 'task-success') await ports.workflow.succeed(entry.token, entry.output);
      else await ports.workflow.fail(entry.token, entry.error, entry.cause);
      delivered.push(entry.id);
    } catch (error) {
      logger.warn('outbox delivery failed; will retry', {
        applicationId: app.id,
        kind: entry.kind,
        error: error as Error,
      });
      failed.push(entry.id);
    }
  }
  if (delivered.length > 0) await ports.store.clearOutbox(app.id, delivered);
  return { delivered, failed };
};

export const event = (
  applicationId: string,
  at: Date,
  type: string,
  details?: ApplicationEvent['details'],
  actor: ApplicationEvent['actor'] = 'system',
  actorId?: string,
): ApplicationEvent => ({
  applicationId,
  at: at.toISOString(),
  type,
  actor,
  ...(actorId ? { actorId } : {}),
  ...(details ? { details } : {}),
});
