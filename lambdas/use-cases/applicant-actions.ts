/**
 * What the applicant does after submitting, each through their own access token (404 for anyone else's):
 *
 * getContract: once the contract is sent, its version, SHA-256 and a short-lived download URL.
 * signContract
 *  1. Only in contract-sent, once (a second signature is 409).
 *  2. The typed name must match the application (case and spacing ignored) and the hash must be the contract's
 *     (422 otherwise, saying what would pass).
 *  3. The evidence (name, time, IP, user agent, hash) is stored with a signed copy: the PDF plus a signature page.
 *  4. → induction-invited; the invitation (account link, booking link) to the applicant, a note to staff.
 * giveAvailability
 *  1. Only in awaiting-availability; the rules of DESIGN §3 (slots, hours, start date inside the induction window)
 *     and the insurance in force on the start date (422 naming what would pass).
 *  2. → active; for a renewal-after-start DBS, dbsRenewalDueBy = start date + 6 months; welcome email, staff told.
 * withdraw
 *  1. From any open stage; the step's token is spent as a failure (the workflow ends as Withdrawn), or the
 *     execution stopped when no token is held.
 *  2. Emails to the applicant and to staff; the email address is freed.
 */
import { createHash } from 'node:crypto';
import { appendSignaturePage } from '../contracts/contract-pdf.ts';
import type { Application, ApplicationEvent } from '../domain/application.ts';
import { checkAvailability } from '../domain/availability.ts';
import { londonToday } from '../domain/dates.ts';
import { dbsRenewalDueBy } from '../domain/dbs.ts';
import { RuleViolation } from '../domain/errors.ts';
import { insuranceInForceOn } from '../domain/insurance.ts';
import { isOpen } from '../domain/stages.ts';
import {
  inductionInvitation,
  type Links,
  staffActivated,
  staffContractSigned,
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
  nextDueAt,
  outboxEntry,
  withoutUndefined,
} from './support.ts';

export interface Caller {
  applicationId: string;
  accessToken: string;
}

export const CONTRACT_URL_SECONDS = 5 * 60;

const act = async (
  ports: Ports,
  caller: Caller,
  decide: (app: Application, now: Date) => { next: Application; events: ApplicationEvent[] },
): Promise<Application> => {
  await findOwnApplication(ports, caller.applicationId, caller.accessToken);
  const result = await mutate(ports, caller.applicationId, (app, now) => {
    const change = decide(app, now);
    return { next: { ...change.next, dueAt: nextDueAt(change.next, now) }, events: change.events };
  });
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

const normaliseName = (name: string) => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

export const signContract = async (
  caller: Caller,
  input: { fullName: string; contractSha256: string },
  request: { ip: string; userAgent: string },
  ports: Ports,
  links: Links,
): Promise<Application> => {
  const app = await findOwnApplication(ports, caller.applicationId, caller.accessToken);
  if (app.contract?.signature) throw new Conflict('This contract is already signed');
  if (app.stage !== 'contract-sent' || !app.contract) {
    throw new Conflict(`There is no contract to sign now; this application is ${app.stage}`);
  }
  const contract = app.contract;
  const expectedName = `${app.applicant.firstName} ${app.applicant.lastName}`;
  const violations = [
    ...(normaliseName(input.fullName) === normaliseName(expectedName)
      ? []
      : [
          {
            path: 'fullName',
            message: 'Type your full name exactly as on your application: first name, then last name',
          },
        ]),
    ...(input.contractSha256 === contract.sha256
      ? []
      : [
          {
            path: 'contractSha256',
            message: 'This is not the contract we sent you: reload the page to see the current one',
          },
        ]),
  ];
  if (violations.length > 0) throw new RuleViolation(violations);

  const original = await ports.documents.get(contract.key);
  if (!original) throw new Error(`contract object missing for ${app.id}`);
  const at = ports.clock.now().toISOString();
  const evidence = {
    fullName: input.fullName.trim(),
    at,
    ip: request.ip,
    userAgent: request.userAgent,
    contractSha256: contract.sha256,
  };
  const signed = await appendSignaturePage(original, { ...evidence, version: contract.version });
  const signedKey = contract.key.replace(/\.pdf$/, '-signed.pdf');
  await ports.documents.put(signedKey, signed, 'application/pdf');
  const signedSha256 = createHash('sha256').update(signed).digest('hex');

  return act(ports, caller, (current, now) => {
    if (current.contract?.signature) throw new Conflict('This contract is already signed');
    if (current.stage !== 'contract-sent' || current.contract?.key !== contract.key) {
      throw new Conflict(`There is no contract to sign now; this application is ${current.stage}`);
    }
    const stage = enterStage(current, 'induction-invited', now);
    const next: Application = withoutUndefined({
      ...current,
      ...stage.fields,
      ...completeStep(current, 'contract', {}),
      contract: { ...contract, signature: { ...evidence, signedKey, signedSha256 } },
    });
    next.outbox = [
      ...next.outbox,
      outboxEntry({ kind: 'email', email: inductionInvitation(next, links) }),
      outboxEntry({ kind: 'email', email: staffContractSigned(next, links) }),
    ];
    return {
      next,
      events: [
        event(current.id, now, 'contract-signed', { version: contract.version }, 'applicant'),
        stage.event,
      ],
    };
  });
};

export interface AvailabilityInput {
  patientsPerWeek: number;
  startDate: string;
  weeklySlots: { day: 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'; start: string; end: string }[];
}

export const giveAvailability = (caller: Caller, input: AvailabilityInput, ports: Ports, links: Links) =>
  act(ports, caller, (app, now) => {
    if (app.stage !== 'awaiting-availability' || !app.induction) {
      throw new Conflict(`Availability is asked for after the induction; this application is ${app.stage}`);
    }
    const violations = checkAvailability(input, {
      today: londonToday(now),
      inductionAttendedOn: app.induction.attendedOn,
    });
    if (violations.length === 0 && !insuranceInForceOn(app.insurance, input.startDate)) {
      violations.push({
        path: 'startDate',
        message: `Your indemnity insurance ends on ${app.insurance.endDate}: choose a start date on or before it, or send us your renewed policy`,
      });
    }
    if (violations.length > 0) throw new RuleViolation(violations);
    const stage = enterStage(app, 'active', now);
    const renewal =
      app.dbs.assessment === 'renewal-after-start' ? dbsRenewalDueBy(input.startDate) : undefined;
    const next: Application = withoutUndefined({
      ...app,
      ...stage.fields,
      ...completeStep(app, 'availability', { outcome: 'active' }),
      availability: { ...input, givenAt: now.toISOString() },
      dbsRenewalDueBy: renewal,
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
    if (!isOpen(app.stage)) throw new Conflict(`This application is ${app.stage} and cannot be withdrawn`);
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
