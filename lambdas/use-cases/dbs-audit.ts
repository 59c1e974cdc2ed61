/**
 * The daily compliance audit (dbs-audit; also POST /__dev/schedules/dbs-audit with `asOf`).
 *  1. Read only the therapists with something due at `asOf` through the sparse compliance index (flagged ones stay
 *     in it): the cost grows with what is due, never with the table.
 *  2. For each, the actions of domain/compliance.ts due that day: DBS reminders (60, 30, 14, 7, 0 days before the
 *     DBS deadline chased: the renewal application, to staff and, while the fee is not accepted, the therapist; or
 *     the re-check), insurance reminders (30, 14, 7, 0 days before the end date), and once past, the
 *     dbs-renewal-overdue / dbs-overdue / insurance-expired flag with a staff alert; the staff alert when the
 *     certificate the provider applied for has not come 60 days on. Each is recorded by key, so a rerun sends nothing
 *     twice, and each is an event in the therapist's history.
 *  3. The staff digest: once a day, when there is something to act on (overdue, due this week, flags raised or
 *     cleared since yesterday's digest).
 */
import type { Application, ApplicationEvent, ComplianceFlag } from '../domain/application.ts';
import { complianceActionsDue, type DueAction, dbsDeadline } from '../domain/compliance.ts';
import { addDaysIso, daysBetween, formatLongDate, londonToday } from '../domain/dates.ts';
import { COMPLIANCE_FLAG_NAMES, DBS_DEADLINE_NAMES } from '../domain/labels.ts';
import {
  type DigestLine,
  dbsReminder,
  insuranceReminder,
  type Links,
  staffComplianceAlert,
  staffDbsCertificateLate,
  staffDbsRenewalReminder,
  staffDigest,
} from '../emails/templates.ts';
import type { DigestChange, Email, Ports } from '../ports/index.ts';
import { complianceFacts, deliverOutbox, event, londonMidnight, mutate, outboxEntry } from './support.ts';

export interface AuditResult {
  asOf: string;
  examined: number;
  /** Items read from the table (index pages and item reads): the cost of the run. */
  itemsRead: number;
  reminders: number;
  flagsRaised: number;
  digestSent: boolean;
}

const PAGE = 100;

const name = (app: Application) => `${app.applicant.firstName} ${app.applicant.lastName}`;

const FLAG_DETAILS = {
  'dbs-renewal-overdue': (due: string) =>
    `the provider's application for a new DBS certificate was due by ${formatLongDate(due)} and none is recorded.`,
  'dbs-overdue': (due: string) =>
    `the DBS re-check was due by ${formatLongDate(due)} and neither a new certificate nor a clean status check is recorded.`,
  'insurance-expired': (due: string) =>
    `the indemnity insurance ended on ${formatLongDate(due)} and no renewal is recorded.`,
} as const;

/**
 * What one compliance action does. Renewal reminders go to staff (they apply) and, while the fee is not accepted,
 * to the therapist; re-check and insurance reminders go to the therapist.
 */
const carryOut = (
  app: Application,
  action: DueAction,
  links: Links,
): { emails: Email[]; flag?: ComplianceFlag } => {
  const { deadline } = action;
  const days = action.daysBefore ?? 0;
  switch (action.action) {
    case 'dbs-renewal-overdue':
    case 'dbs-overdue':
    case 'insurance-expired':
      return {
        flag: action.action,
        emails: [
          staffComplianceAlert(app, action.action, FLAG_DETAILS[action.action](deadline.dueDate), links),
        ],
      };
    case 'dbs-certificate-alert':
      return {
        emails: [staffDbsCertificateLate(app, app.dbsApplication?.appliedOn ?? deadline.dueDate, links)],
      };
  }
  if (deadline.kind === 'dbs-renewal') {
    return {
      emails: [
        staffDbsRenewalReminder(app, deadline.dueDate, days, links),
        ...(app.dbsApplication
          ? []
          : [dbsReminder(app, { kind: 'dbs-renewal', dueDate: deadline.dueDate }, days, links)]),
      ],
    };
  }
  if (deadline.kind === 'dbs-recheck') {
    return { emails: [dbsReminder(app, { kind: 'dbs-recheck', dueDate: deadline.dueDate }, days, links)] };
  }
  return { emails: [insuranceReminder(app, deadline.dueDate, days, links)] };
};

export const dbsAudit = async (input: { asOf: Date }, ports: Ports, links: Links): Promise<AuditResult> => {
  const today = londonToday(input.asOf);
  const result: AuditResult = {
    asOf: input.asOf.toISOString(),
    examined: 0,
    itemsRead: 0,
    reminders: 0,
    flagsRaised: 0,
    digestSent: false,
  };
  const raised: DigestChange[] = [];
  const dueThisWeek: DigestLine[] = [];
  const overdue: DigestLine[] = [];

  // Everything with an action due within the week: today's actions are carried out, the rest goes in the digest.
  const horizon = londonMidnight(addDaysIso(today, 7));
  let cursor: string | undefined;
  do {
    const page = await ports.store.complianceDue(horizon, PAGE, cursor);
    cursor = page.cursor;
    result.itemsRead += page.items.length;
    for (const listed of page.items) {
      if (listed.stage !== 'active') continue;
      result.examined++;
      const facts = complianceFacts(listed);
      const deadline = dbsDeadline(facts);
      const line = (text: string): DigestLine => ({ applicationId: listed.id, name: name(listed), text });
      if (listed.compliance?.flags.length) {
        overdue.push(line(listed.compliance.flags.map((flag) => COMPLIANCE_FLAG_NAMES[flag]).join(', ')));
      } else {
        if (deadline && daysBetween(today, deadline.dueDate) <= 7) {
          dueThisWeek.push(
            line(`DBS: ${DBS_DEADLINE_NAMES[deadline.kind]} ${formatLongDate(deadline.dueDate)}`),
          );
        }
        if (daysBetween(today, facts.insuranceEndDate) <= 7) {
          dueThisWeek.push(line(`insurance ends ${formatLongDate(facts.insuranceEndDate)}`));
        }
      }
      if (!listed.complianceDueAt || listed.complianceDueAt > input.asOf.toISOString()) continue;

      const outcome = await mutate(ports, listed.id, (app, now) => {
        if (app.stage !== 'active' || !app.compliance) return undefined;
        const due = complianceActionsDue(complianceFacts(app), today, app.compliance.sent);
        if (due.actions.length === 0 && due.skippedKeys.length === 0) return undefined;
        const events: ApplicationEvent[] = [];
        const flags = new Set(app.compliance.flags);
        const outbox = [...app.outbox];
        for (const action of due.actions) {
          const { emails, flag } = carryOut(app, action, links);
          const toTherapist = emails.some((email) => email.to === app.applicant.email);
          const toTeam = emails.some((email) => email.to !== app.applicant.email);
          for (const email of emails) outbox.push(outboxEntry({ kind: 'email', email }));
          if (flag && !flags.has(flag)) {
            flags.add(flag);
            result.flagsRaised++;
            raised.push({ applicationId: app.id, flag, change: 'raised', at: now.toISOString() });
            events.push(
              event(app.id, now, 'compliance-flag-raised', { flag, deadline: action.deadline.dueDate }),
            );
          } else {
            result.reminders++;
            events.push(
              event(app.id, now, 'compliance-reminder-sent', {
                action: action.action,
                deadline: action.deadline.kind,
                dueDate: action.deadline.dueDate,
                toTherapist,
                toTeam,
              }),
            );
          }
        }
        return {
          next: {
            ...app,
            outbox,
            compliance: {
              sent: [...app.compliance.sent, ...due.actions.map((a) => a.key), ...due.skippedKeys],
              flags: [...flags],
            },
          },
          events,
        };
      });
      result.itemsRead++;
      if (outcome?.changed) await deliverOutbox(ports, outcome.after, outcome.before);
    }
  } while (cursor);

  await ports.store.addToDigest(today, raised);
  result.digestSent = await sendDigest(today, input.asOf, { dueThisWeek, overdue }, ports, links);
  return result;
};

/** One digest a day, only when there is something to act on; flags cleared by staff since yesterday included. */
const sendDigest = async (
  today: string,
  asOf: Date,
  lists: { dueThisWeek: DigestLine[]; overdue: DigestLine[] },
  ports: Ports,
  links: Links,
): Promise<boolean> => {
  const yesterday = await ports.store.digest(addDaysIso(today, -1));
  // Flags cleared after yesterday's digest went out have not been reported yet.
  const lateClears = (yesterday?.changes ?? []).filter(
    (c) => c.change === 'cleared' && (!yesterday?.sentAt || c.at > yesterday.sentAt),
  );
  const changes = [...lateClears, ...((await ports.store.digest(today))?.changes ?? [])];
  const describe = async (change: DigestChange): Promise<DigestLine> => {
    const app = await ports.store.get(change.applicationId);
    return {
      applicationId: change.applicationId,
      name: app ? name(app) : 'deleted application',
      text: COMPLIANCE_FLAG_NAMES[change.flag],
    };
  };
  const raised = await Promise.all(changes.filter((c) => c.change === 'raised').map(describe));
  const cleared = await Promise.all(changes.filter((c) => c.change === 'cleared').map(describe));
  if (lists.overdue.length + lists.dueThisWeek.length + raised.length + cleared.length === 0) return false;
  if ((await ports.store.digest(today))?.sentAt) return false;
  await ports.mailer.send(staffDigest(today, { ...lists, raised, cleared }, links));
  await ports.store.markDigestSent(today, asOf.toISOString());
  return true;
};
