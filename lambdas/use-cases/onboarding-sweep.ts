/**
 * The onboarding sweep (scheduled; also POST /__dev/schedules/onboarding-sweep with `asOf`).
 *  1. Read only what is due at `asOf` through the sparse due index: its cost grows with what is due, not with the
 *     table.
 *  2. Finish what a failure left half-done: check or restart a flagged workflow (workflow-recovery.ts), start a
 *     workflow that failed to start, deliver an undelivered outbox.
 *  3. Apply the time rules as of `asOf`: close an induction window that passed without availability (back to
 *     induction-invited, rebook email, staff told); send each due reminder once (days 3 and 7), alert staff at 14
 *     days, lapse an application still without documents at 00:00 London on day 31 (they are due by the end of
 *     day 30). In awaiting-dbs with the provider applying, the reminders go to staff; once applied, staff are
 *     alerted when no certificate is recorded 60 days on.
 *  4. Re-key the application in the due index (or take it out when nothing is left).
 */
import type { Application, ApplicationEvent } from '../domain/application.ts';
import { londonToday } from '../domain/dates.ts';
import { inductionExpired } from '../domain/induction.ts';
import { dueActions, type ReminderAction } from '../domain/reminders.ts';
import {
  inductionExpiredEmail,
  type Links,
  lapsed,
  reminder,
  staffDbsApplyReminder,
  staffDbsCertificateLate,
  staffInductionExpired,
  staffLapsed,
  staffStalled,
} from '../emails/templates.ts';
import type { Ports } from '../ports/index.ts';
import { startWorkflow } from './create-application.ts';
import {
  awaitingCertificateAlert,
  completeStep,
  deliverOutbox,
  enterStage,
  event,
  mutate,
  nextDueAt,
  outboxEntry,
  reminderCadenceFor,
  WORKFLOW_CHECK_DELAY_MS,
  withoutUndefined,
} from './support.ts';
import { recoverWorkflow } from './workflow-recovery.ts';

export interface SweepResult {
  asOf: string;
  examined: number;
  workflowsStarted: number;
  workflowsRestarted: number;
  outboxDelivered: number;
  reminders: number;
  staffAlerts: number;
  lapsed: number;
  inductionsExpired: number;
}

const PAGE = 100;

export const onboardingSweep = async (
  input: { asOf: Date },
  ports: Ports,
  links: Links,
): Promise<SweepResult> => {
  const result: SweepResult = {
    asOf: input.asOf.toISOString(),
    examined: 0,
    workflowsStarted: 0,
    workflowsRestarted: 0,
    outboxDelivered: 0,
    reminders: 0,
    staffAlerts: 0,
    lapsed: 0,
    inductionsExpired: 0,
  };
  let cursor: string | undefined;
  do {
    const page = await ports.store.due(input.asOf.toISOString(), PAGE, cursor);
    cursor = page.cursor;
    for (const due of page.items) {
      result.examined++;
      await sweepOne(due, input.asOf, ports, links, result);
    }
  } while (cursor);
  return result;
};

type Change = { next: Application; events: ApplicationEvent[] };

const expireInduction = (app: Application, now: Date, links: Links): Change => {
  const stage = enterStage(app, 'induction-invited', now);
  const next: Application = withoutUndefined({
    ...app,
    ...stage.fields,
    ...completeStep(app, 'availability', { outcome: 'induction-expired' }),
    induction: undefined,
    // Kept so staff can still extend this window after it closed (DESIGN §3).
    expiredInduction: app.induction,
  });
  next.outbox = [
    ...next.outbox,
    outboxEntry({ kind: 'email', email: inductionExpiredEmail(app, links) }),
    outboxEntry({ kind: 'email', email: staffInductionExpired(app, links) }),
  ];
  return {
    next,
    events: [
      event(app.id, now, 'induction-expired', { attendedOn: app.induction?.attendedOn ?? '' }),
      stage.event,
    ],
  };
};

const lapse = (app: Application, now: Date, links: Links): Change => {
  const stage = enterStage(app, 'lapsed', now);
  const next: Application = withoutUndefined({
    ...app,
    ...stage.fields,
    task: undefined,
    earlyResults: undefined,
    closedAt: now.toISOString(),
    closedReason: 'lapsed',
  });
  next.outbox = [
    ...next.outbox,
    ...(app.task
      ? [
          outboxEntry({
            kind: 'task-failure',
            token: app.task.token,
            error: 'Lapsed',
            cause: 'No documents after 30 days',
          }),
        ]
      : app.executionArn
        ? [outboxEntry({ kind: 'stop-execution', executionArn: app.executionArn, cause: 'Lapsed' })]
        : []),
    outboxEntry({ kind: 'email', email: lapsed(app, links) }),
    outboxEntry({ kind: 'email', email: staffLapsed(app, links) }),
  ];
  return { next, events: [event(app.id, now, 'lapsed'), stage.event] };
};

const days = (action: ReminderAction) => Number(action.split('-').pop());

const sweepOne = async (listed: Application, asOf: Date, ports: Ports, links: Links, result: SweepResult) => {
  let due = listed;
  if (due.workflowFailure && Date.parse(due.workflowFailure.at) + WORKFLOW_CHECK_DELAY_MS <= asOf.getTime()) {
    const recovered = await recoverWorkflow(due.id, ports, links);
    if (recovered) due = recovered.app;
    if (recovered?.recovery === 'restarted') result.workflowsRestarted++;
  }
  if (due.workflowPendingSince && !due.executionArn) {
    if (await startWorkflow(ports, due)) result.workflowsStarted++;
  }
  const today = londonToday(asOf);
  const outcome = await mutate(ports, due.id, (app, now) => {
    let change: Change | undefined;
    if (app.stage === 'awaiting-availability' && app.induction && inductionExpired(app.induction, today)) {
      change = expireInduction(app, now, links);
      result.inductionsExpired++;
    } else {
      const cadence = reminderCadenceFor(app);
      const actions = cadence
        ? dueActions(londonToday(new Date(app.stageEnteredAt)), today, app.remindersSent, cadence)
        : [];
      if (actions.some((a) => a.startsWith('lapse-'))) {
        change = lapse(app, now, links);
        result.lapsed++;
      } else if (actions.length > 0) {
        const next: Application = { ...app, remindersSent: [...app.remindersSent, ...actions] };
        // A sweep that missed days sends one reminder (the latest), not a burst of them.
        const latestReminder = actions.filter((a) => a.startsWith('reminder-')).pop();
        if (latestReminder) {
          // The provider applies for this applicant's certificate: the team is chased, not the applicant.
          const email =
            app.stage === 'awaiting-dbs' && app.dbsApplication
              ? staffDbsApplyReminder(app, days(latestReminder), links)
              : reminder(app, days(latestReminder), links);
          next.outbox = [...next.outbox, outboxEntry({ kind: 'email', email })];
          result.reminders++;
        }
        const alert = actions.find((a) => a.startsWith('staff-alert-'));
        if (alert) {
          next.outbox = [
            ...next.outbox,
            outboxEntry({ kind: 'email', email: staffStalled(app, days(alert), links) }),
          ];
          result.staffAlerts++;
        }
        change = {
          next,
          events: actions.map((action) => event(app.id, now, 'reminder-sent', { action, stage: app.stage })),
        };
      }
    }
    const certificateAlert = awaitingCertificateAlert(app);
    if (
      !change &&
      certificateAlert &&
      !app.remindersSent.includes(certificateAlert.key) &&
      certificateAlert.date <= today
    ) {
      const next: Application = { ...app, remindersSent: [...app.remindersSent, certificateAlert.key] };
      next.outbox = [
        ...next.outbox,
        outboxEntry({
          kind: 'email',
          email: staffDbsCertificateLate(app, app.dbsApplication?.appliedOn ?? certificateAlert.date, links),
        }),
      ];
      result.staffAlerts++;
      change = {
        next,
        events: [event(app.id, now, 'reminder-sent', { action: certificateAlert.key, stage: app.stage })],
      };
    }
    // Nothing to do but maybe a stale due key (mutate derives the keys): write only if it would move.
    if (!change && nextDueAt(app, now) === app.dueAt) return undefined;
    return change ?? { next: app, events: [] };
  });
  const current = outcome?.after;
  if (current && current.outbox.length > 0) {
    const { delivered } = await deliverOutbox(ports, current);
    result.outboxDelivered += delivered.length;
  }
};
