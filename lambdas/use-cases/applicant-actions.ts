/**
 * What the applicant does after submitting, each through their own access token (404 for anyone else's):
 *
 * getContract: once the contract is sent, its version, SHA-256 and a short-lived download URL.
 * signContract: see sign-contract.ts (kept apart so only its Lambda bundles pdf-lib).
 * giveAvailability
 *  1. Only in awaiting-availability; the rules of DESIGN §3 (slots, hours, start date inside the induction window)
 *     and the insurance in force on the start date (422 naming what would pass).
 *  2. The DBS assessed again as of the start date: more than 12 months old that day needs the fee accepted (the
 *     provider's renewal application) and sets dbsRenewalDueBy = start date + 6 months; not dated within 3 years
 *     that day is refused until staff record a new certificate (422 naming what would pass).
 *  3. → active; welcome email, staff told.
 * requestDbsApplication (PUT /applications/{id}/dbs-application)
 *  1. Open or active, and only when the provider may apply: no acceptable certificate, or one more than 12 months
 *     old by the latest start date (422 otherwise).
 *  2. The fee is accepted: the provider's DBS application is `requested` (asking again changes nothing, except
 *     `applyNow: true`, which asks the provider to apply before the start); staff are told when to apply now.
 * withdraw
 *  1. From any open stage; the step's token is spent as a failure (the workflow ends as Withdrawn), or the
 *     execution stopped when no token is held.
 *  2. Emails to the applicant and to staff; the email address is freed.
 */
import type { Application, ApplicationEvent } from '../domain/application.ts';
import { checkAvailability } from '../domain/availability.ts';
import { formatLongDate, londonToday } from '../domain/dates.ts';
import {
  assessAtActivation,
  newDbsApplication,
  providerApplicationPossible,
} from '../domain/dbs-application.ts';
import { RuleViolation } from '../domain/errors.ts';
import { windowLastDay } from '../domain/induction.ts';
import { insuranceInForceOn } from '../domain/insurance.ts';
import { stageInSentence } from '../domain/labels.ts';
import { isClosed, isOpen } from '../domain/stages.ts';
import {
  type Links,
  staffActivated,
  staffDbsApplicationRequested,
  staffWithdrawn,
  welcome,
  withdrawalConfirmed,
} from '../emails/templates.ts';
import type { Ports } from '../ports/index.ts';
import { Conflict } from '../shared/errors.ts';
import { findOwnApplication } from './get-application.ts';
import {
  completeStep,
  deliverOutbox,
  enterStage,
  event,
  mutate,
  outboxEntry,
  withoutUndefined,
} from './support.ts';

export interface Caller {
  applicationId: string;
  accessToken: string;
}

export const CONTRACT_URL_SECONDS = 5 * 60;

export const act = async (
  ports: Ports,
  caller: Caller,
  decide: (app: Application, now: Date) => { next: Application; events: ApplicationEvent[] },
): Promise<Application> => {
  await findOwnApplication(ports, caller.applicationId, caller.accessToken);
  const result = await mutate(ports, caller.applicationId, decide);
  if (!result) throw new Conflict('The application changed; try again');
  await deliverOutbox(ports, result.after, result.before);
  return result.after;
};

export const getContract = async (caller: Caller, ports: Ports) => {
  const app = await findOwnApplication(ports, caller.applicationId, caller.accessToken);
  const contract = app.contract;
  if (!contract) throw new Conflict('Your contract is not ready yet: we will email you when it is');
  const now = ports.clock.now();
  return {
    version: contract.version,
    sha256: contract.sha256,
    downloadUrl: await ports.documents.downloadUrl(
      contract.signature?.signedKey ?? contract.key,
      CONTRACT_URL_SECONDS,
    ),
    expiresAt: new Date(now.getTime() + CONTRACT_URL_SECONDS * 1000).toISOString(),
    signed: Boolean(contract.signature),
    ...(contract.signature ? { signedAt: contract.signature.at } : {}),
  };
};

export interface AvailabilityInput {
  patientsPerWeek: number;
  startDate: string;
  weeklySlots: { day: 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'; start: string; end: string }[];
}

export const giveAvailability = (caller: Caller, input: AvailabilityInput, ports: Ports, links: Links) =>
  act(ports, caller, (app, now) => {
    if (app.stage !== 'awaiting-availability' || !app.induction) {
      throw new Conflict(
        `Availability is asked for after the induction; this application is ${stageInSentence(app.stage)}`,
      );
    }
    const violations = checkAvailability(input, {
      today: londonToday(now),
      lastStartDate: windowLastDay(app.induction),
    });
    if (violations.length === 0 && !insuranceInForceOn(app.insurance, input.startDate)) {
      violations.push({
        path: 'startDate',
        message: `Your indemnity insurance must be in force on your start date (it covers ${formatLongDate(app.insurance.startDate)} to ${formatLongDate(app.insurance.endDate)}): choose a start date in that period, or send us your renewed policy`,
      });
    }
    if (violations.length > 0) throw new RuleViolation(violations);
    const atStart = assessAtActivation({
      dbs: app.dbs,
      feeAccepted: Boolean(app.dbsApplication),
      startDate: input.startDate,
      today: londonToday(now),
    });
    const stage = enterStage(app, 'active', now);
    const next: Application = withoutUndefined({
      ...app,
      ...stage.fields,
      ...completeStep(app, 'availability', { outcome: 'active' }),
      availability: { ...input, givenAt: now.toISOString() },
      dbs: { ...app.dbs, ...atStart.result },
      dbsRenewalDueBy: atStart.dbsRenewalDueBy,
      compliance: { sent: [], flags: [] },
    });
    next.outbox = [
      ...next.outbox,
      outboxEntry({ kind: 'email', email: welcome(next, links) }),
      outboxEntry({ kind: 'email', email: staffActivated(next, links) }),
    ];
    return {
      next,
      events: [
        event(
          app.id,
          now,
          'availability-given',
          { patientsPerWeek: input.patientsPerWeek, startDate: input.startDate },
          'applicant',
        ),
        stage.event,
      ],
    };
  });

export const withdraw = (caller: Caller, input: { reason?: string }, ports: Ports, links: Links) =>
  act(ports, caller, (app, now) => {
    if (!isOpen(app.stage))
      throw new Conflict(`This application is ${stageInSentence(app.stage)} and cannot be withdrawn`);
    const stage = enterStage(app, 'withdrawn', now);
    const spend = app.task
      ? outboxEntry({
          kind: 'task-failure',
          token: app.task.token,
          error: 'Withdrawn',
          cause: 'The applicant withdrew',
        })
      : undefined;
    const next: Application = withoutUndefined({
      ...app,
      ...stage.fields,
      task: undefined,
      earlyResults: undefined,
      closedAt: now.toISOString(),
      closedReason: 'withdrawn',
    });
    next.outbox = [
      ...next.outbox,
      ...(spend ? [spend] : []),
      ...(!spend && app.executionArn
        ? [
            outboxEntry({
              kind: 'stop-execution',
              executionArn: app.executionArn,
              cause: 'The applicant withdrew',
            }),
          ]
        : []),
      outboxEntry({ kind: 'email', email: withdrawalConfirmed(next, links) }),
      outboxEntry({ kind: 'email', email: staffWithdrawn(app, links) }),
    ];
    return {
      next,
      events: [
        event(app.id, now, 'withdrawn', { reasonGiven: Boolean(input.reason) }, 'applicant'),
        stage.event,
      ],
    };
  });

export const requestDbsApplication = (
  caller: Caller,
  input: { acceptsFee: true; applyNow?: boolean },
  ports: Ports,
  links: Links,
) =>
  act(ports, caller, (app, now) => {
    if (isClosed(app.stage))
      throw new Conflict(`This application is ${stageInSentence(app.stage)}: nothing can be changed`);
    const today = londonToday(now);
    // The latest day the applicant could start: the fee is asked for whenever the certificate is too old by then.
    const latest =
      app.stage === 'awaiting-availability' && app.induction ? windowLastDay(app.induction) : today;
    const needed =
      app.stage === 'active'
        ? app.dbsRenewalDueBy !== undefined
        : providerApplicationPossible(app.dbs, latest);
    if (!needed) {
      throw new RuleViolation([
        {
          path: 'acceptsFee',
          message: 'Your DBS certificate is current: we do not need to apply for a new one',
        },
      ]);
    }
    // Before activation the provider applies now when asked, or whenever a new certificate is required anyway.
    const applyNow =
      app.stage !== 'active' &&
      (input.applyNow === true || app.dbs.assessment === 'new-certificate-required');
    const existing = app.dbsApplication;
    if (existing && (existing.applyNow || !applyNow || existing.status !== 'requested')) {
      return { next: app, events: [] };
    }
    const next: Application = {
      ...app,
      dbs:
        app.dbs.assessment === 'new-certificate-required'
          ? { ...app.dbs, applyOnMyBehalf: true, acceptsFee: true }
          : app.dbs,
      dbsApplication: existing ? { ...existing, applyNow } : newDbsApplication(now.toISOString(), applyNow),
    };
    // In review the team is told at approval; in awaiting-dbs or later, now.
    if (applyNow && !['awaiting-documents', 'in-review'].includes(app.stage)) {
      next.outbox = [
        ...next.outbox,
        outboxEntry({ kind: 'email', email: staffDbsApplicationRequested(next, links) }),
      ];
    }
    return {
      next,
      events: [
        event(
          app.id,
          now,
          'dbs-application-requested',
          { applyNow, feeGbp: next.dbsApplication?.feeGbp ?? 0 },
          'applicant',
        ),
      ],
    };
  });
