/**
 * What every use case that changes an application shares: optimistic read-modify-write with retries on version
 * conflicts, the due-index key, and delivery of the transactional outbox after the change commits.
 */

import { TZDate } from '@date-fns/tz';
import { ulid } from 'ulid';
import type { Application, ApplicationEvent, OutboxEntry } from '../domain/application.ts';
import {
  type ComplianceFacts,
  dbsDeadline,
  dbsImageDeletionDate,
  nextComplianceDate,
  retentionDate,
} from '../domain/compliance.ts';
import { addDaysIso, type IsoDate, londonToday } from '../domain/dates.ts';
import { certificateAlertDate } from '../domain/dbs-application.ts';
import { windowLastDay } from '../domain/induction.ts';
import { nextDueDate } from '../domain/reminders.ts';
import type { Stage, WaitStep } from '../domain/stages.ts';
import { type Ports, TaskGone, Undeliverable, VersionConflict } from '../ports/index.ts';
import { errorSummary, logger } from '../shared/logger.ts';
import { withStatusLinkTokens } from './status-links.ts';

const OUTBOX_RETRY_MS = 60_000;
/** Deliveries of one outbox entry before it is given up (each is itself a few SDK attempts; the sweep retries
 *  every 15 minutes on AWS, so about two hours). */
export const MAX_OUTBOX_ATTEMPTS = 8;
/** How long after a workflow is flagged the sweep looks at it: long enough for a step the workflow is moving
 *  to right then to store its token, so a healthy workflow is not restarted. */
export const WORKFLOW_CHECK_DELAY_MS = 60_000;
const MAX_ATTEMPTS = 5;
const RETRY_JITTER_MS = 25;

export const outboxEntry = <E extends DistributiveOmit<OutboxEntry, 'id'>>(entry: E): OutboxEntry =>
  ({ id: ulid(), ...entry }) as OutboxEntry;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The stages that wait on the applicant, so the reminder cadence applies (DESIGN §3 "Reminders"). */
export const reminderCadenceFor = (app: Application): { includeLapse: boolean } | undefined => {
  switch (app.stage) {
    case 'awaiting-documents':
      return { includeLapse: true };
    case 'contract-sent':
    case 'induction-invited':
    case 'awaiting-availability':
      return { includeLapse: false };
    case 'awaiting-dbs':
      // Chased until someone applies: the applicant (reminders) or, when the provider applies, staff (reminders
      // to staff, see onboarding-sweep). Once applied, only the certificate alert is left.
      return app.dbsApplication?.status === 'applied' ? undefined : { includeLapse: false };
    default:
      return undefined;
  }
};

/** The instant a London calendar date begins. */
export const londonMidnight = (date: IsoDate): string => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, 'Europe/London').getTime()).toISOString();
};

/** The next moment the sweep must look at the application; undefined takes it out of the due index. */
export const nextDueAt = (app: Application, now: Date): string | undefined => {
  const candidates: string[] = [];
  if (app.outbox.length > 0 || app.workflowPendingSince) {
    candidates.push(new Date(now.getTime() + OUTBOX_RETRY_MS).toISOString());
  }
  if (app.workflowFailure) {
    candidates.push(new Date(Date.parse(app.workflowFailure.at) + WORKFLOW_CHECK_DELAY_MS).toISOString());
  }
  const cadence = reminderCadenceFor(app);
  if (cadence) {
    const date = nextDueDate(londonToday(new Date(app.stageEnteredAt)), app.remindersSent, cadence);
    if (date) candidates.push(londonMidnight(date));
  }
  if (app.stage === 'awaiting-availability' && app.induction) {
    candidates.push(londonMidnight(addDaysIso(windowLastDay(app.induction), 1)));
  }
  const alert = awaitingCertificateAlert(app);
  if (alert && !app.remindersSent.includes(alert.key)) candidates.push(londonMidnight(alert.date));
  return candidates.sort()[0];
};

/** In awaiting-dbs, once the provider has applied: the day staff are alerted if the certificate has not come. */
export const awaitingCertificateAlert = (app: Application): { key: string; date: IsoDate } | undefined => {
  const appliedOn = app.dbsApplication?.status === 'applied' ? app.dbsApplication.appliedOn : undefined;
  if (app.stage !== 'awaiting-dbs' || !appliedOn) return undefined;
  return { key: `dbs-certificate-alert@${appliedOn}`, date: certificateAlertDate(appliedOn) };
};

export const complianceFacts = (app: Application): ComplianceFacts => ({
  dbs: { issueDate: app.dbs.hasCertificate ? app.dbs.issueDate : undefined },
  ...(app.dbsRenewalDueBy ? { dbsRenewalDueBy: app.dbsRenewalDueBy } : {}),
  ...(app.dbsApplication?.appliedOn ? { dbsAppliedOn: app.dbsApplication.appliedOn } : {}),
  ...(app.dbsStatusCheck?.result === 'no-new-information'
    ? { dbsCleanCheckOn: app.dbsStatusCheck.checkedOn }
    : {}),
  insuranceEndDate: app.insurance.endDate,
});

/**
 * When dbs-audit must next look at an active therapist: the next compliance action; while a flag holds, a day in
 * the past (the earliest deadline, or the day of this write), so a flagged therapist stays in the index — and in
 * the report, the audit and the digest — until the flag clears: overdue is due.
 */
export const nextComplianceAt = (app: Application, now: Date): string | undefined => {
  if (app.stage !== 'active' || !app.compliance) return undefined;
  const facts = complianceFacts(app);
  const dates = [nextComplianceDate(facts, app.compliance.sent)];
  if (app.compliance.flags.length > 0) {
    dates.push(dbsDeadline(facts)?.dueDate, facts.insuranceEndDate, londonToday(now));
  }
  const first = dates.filter((d): d is string => d !== undefined).sort()[0];
  return first === undefined ? undefined : londonMidnight(first);
};

/** When retention must next act: deleting a closed application, or the DBS certificate image after review. */
export const nextRetentionAt = (app: Application): string | undefined => {
  const dates: string[] = [];
  if (app.closedAt) dates.push(retentionDate(londonToday(new Date(app.closedAt))));
  if (app.documents['dbs-certificate'] && !app.dbsImageDeletedAt && app.review) {
    dates.push(dbsImageDeletionDate(londonToday(new Date(app.review.decidedAt))));
  }
  const first = dates.sort()[0];
  return first ? londonMidnight(first) : undefined;
};

/** Derives every index key from the item, so no use case can leave one stale. */
export const withIndexKeys = (app: Application, now: Date): Application =>
  withoutUndefined({
    ...app,
    dueAt: nextDueAt(app, now),
    complianceDueAt: nextComplianceAt(app, now),
    retentionDueAt: nextRetentionAt(app),
  });

export interface Change {
  next: Application;
  events: ApplicationEvent[];
}

/**
 * Applies `decide` to the current item and commits the result, retrying on version conflicts (after a random
 * pause); a conflict that outlasts every attempt is thrown as VersionConflict (409 at the HTTP edge). Each new
 * email's status link gets a token of its own (status-links.ts).
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
    const next: Application = withIndexKeys(
      withStatusLinkTokens(
        { ...change.next, version: before.version + 1, updatedAt: now.toISOString() },
        before,
      ),
      now,
    );
    try {
      await ports.store.update(next, before, change.events);
      return { before, after: next, changed: true };
    } catch (error) {
      if (!(error instanceof VersionConflict) || attempt === MAX_ATTEMPTS) throw error;
      // Callers that collided once collide again in lock step unless they spread out.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * RETRY_JITTER_MS * attempt));
    }
  }
  return undefined;
};

/**
 * Delivers the outbox of an application (emails, task callbacks) and removes what was delivered. What fails stays
 * in the outbox for the next attempt or the sweep, with its failed attempts counted; the ids of the failures are
 * returned so async callers can throw and let the platform retry. Nothing is dropped silently:
 *  - an email refused for good (Undeliverable) or failing at its last attempt moves to `undelivered`, for staff;
 *  - a callback whose token is gone (TaskGone), or failing at its last attempt, flags the workflow
 *    (`workflowFailure`): the sweep checks it and restarts the workflow at the application's step.
 */
export const deliverOutbox = async (
  ports: Pick<Ports, 'store' | 'mailer' | 'workflow' | 'clock'>,
  app: Application,
  /** The item before this change: only entries this change added are delivered, so two concurrent invocations
   *  never send the same email; entries left by a failure are the sweep's. Omitted: deliver everything. */
  before?: Application,
): Promise<{ delivered: string[]; failed: string[] }> => {
  const delivered: string[] = [];
  const failures: OutboxFailure[] = [];
  const earlier = new Set(before?.outbox.map((entry) => entry.id) ?? []);
  for (const entry of app.outbox.filter((e) => !earlier.has(e.id))) {
    try {
      if (entry.kind === 'email') await ports.mailer.send(entry.email);
      else if (entry.kind === 'task-success') await ports.workflow.succeed(entry.token, entry.output);
      else if (entry.kind === 'task-failure')
        await ports.workflow.fail(entry.token, entry.error, entry.cause);
      else await ports.workflow.stop(entry.executionArn, entry.cause);
      delivered.push(entry.id);
    } catch (error) {
      const name = (error as Error).name || 'Error';
      const final =
        error instanceof Undeliverable ||
        error instanceof TaskGone ||
        (entry.attempts ?? 0) + 1 >= MAX_OUTBOX_ATTEMPTS;
      await logger.warn(final ? 'outbox delivery failed; giving up' : 'outbox delivery failed; will retry', {
        applicationId: app.id,
        kind: entry.kind,
        error: errorSummary(error),
      });
      // TaskGone and Undeliverable carry the service's error name; any other message may quote personal data.
      const ours = error instanceof TaskGone || error instanceof Undeliverable;
      failures.push({
        id: entry.id,
        error: ours ? (error as Error).message : name,
        final,
        gone: error instanceof TaskGone,
      });
    }
  }
  if (delivered.length > 0) await ports.store.clearOutbox(app.id, delivered);
  if (failures.length > 0) await recordOutboxFailures(ports, app.id, failures);
  return { delivered, failed: failures.filter((f) => !f.final).map((f) => f.id) };
};

interface OutboxFailure {
  id: string;
  /** The service's error name, e.g. MessageRejected, TaskTimedOut, ThrottlingException. */
  error: string;
  /** No further attempt: the entry leaves the outbox. */
  final: boolean;
  /** The callback's token names no waiting task. */
  gone: boolean;
}

/** Counts the failed attempts; takes the given-up entries out of the outbox and flags them for staff. */
const recordOutboxFailures = (ports: Pick<Ports, 'store' | 'clock'>, id: string, failures: OutboxFailure[]) =>
  mutate(ports, id, (app, now) => {
    const byId = new Map(failures.map((f) => [f.id, f]));
    if (!app.outbox.some((entry) => byId.has(entry.id))) return undefined;
    const at = now.toISOString();
    const events: ApplicationEvent[] = [];
    const undelivered = [...(app.undelivered ?? [])];
    let workflowFailure = app.workflowFailure;
    const outbox: OutboxEntry[] = [];
    for (const entry of app.outbox) {
      const failure = byId.get(entry.id);
      const attempts = (entry.attempts ?? 0) + (failure ? 1 : 0);
      if (!failure?.final) {
        outbox.push(failure ? { ...entry, attempts } : entry);
      } else if (entry.kind === 'email') {
        undelivered.push({
          id: entry.id,
          to: entry.email.to,
          subject: entry.email.subject,
          error: failure.error,
          attempts,
          at,
        });
        events.push(event(app.id, now, 'email-undelivered', { error: failure.error, attempts }));
      } else if (entry.kind === 'stop-execution') {
        events.push(event(app.id, now, 'stop-execution-undelivered', { error: failure.error, attempts }));
      } else {
        const reason = failure.gone ? 'task-gone' : 'callback-undelivered';
        workflowFailure ??= { at, reason };
        events.push(event(app.id, now, 'workflow-flagged', { reason, error: failure.error }));
      }
    }
    return { next: withoutUndefined({ ...app, outbox, undelivered, workflowFailure }), events };
  });

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

/**
 * Completes the step the workflow waits on: the stored token moves into the outbox (spent once, after the commit),
 * or, when the workflow has not reached the step yet, the result waits on the item for the step's Lambda.
 */
export const completeStep = (
  app: Application,
  step: WaitStep,
  output: Record<string, unknown>,
): Pick<Application, 'task' | 'earlyResults' | 'outbox'> => {
  if (app.task?.step === step) {
    return {
      task: undefined,
      earlyResults: app.earlyResults,
      outbox: [...app.outbox, outboxEntry({ kind: 'task-success', token: app.task.token, output })],
    };
  }
  return {
    task: undefined,
    earlyResults: [...(app.earlyResults ?? []), { step, output }],
    outbox: app.outbox,
  };
};

/** Moves the application to a stage: the reminder clock restarts, and the move is an event. */
export const enterStage = (
  app: Application,
  stage: Stage,
  now: Date,
): { fields: Pick<Application, 'stage' | 'stageEnteredAt' | 'remindersSent'>; event: ApplicationEvent } => ({
  fields: { stage, stageEnteredAt: now.toISOString(), remindersSent: [] },
  event: event(app.id, now, 'stage-changed', { from: app.stage, to: stage }),
});

/** Drops keys whose value is undefined, so a removed attribute really leaves the item. */
export const withoutUndefined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
