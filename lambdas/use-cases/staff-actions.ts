/**
 * What the affiliate team does to an application: review it, record a new DBS certificate, record an induction.
 * Each action is valid in one stage only (409 otherwise), checks its rules (422), moves the stage, spends the
 * step's task token once (through the outbox), emails whoever acts next and appends events naming the staff id.
 *
 * review
 *  1. approve needs every check that can apply recorded true (not the original of a certificate the applicant does
 *     not have); the DBS check method is recorded for a certificate the applicant has.
 *  2. approve → awaiting-dbs when a new certificate is required, else contract-sent: the contract PDF is made and
 *     stored first and committed with the stage, and the applicant emailed that it is ready (see contract.ts).
 *  3. request-changes → awaiting-documents: the named documents (default: every required one) are cleared for
 *     fresh uploads, the others kept; the note and the documents to send again emailed. `documents` is only for
 *     request-changes, and must name documents the application requires (422).
 *  4. reject → rejected, politely emailed; the email address is freed.
 * recordDbs
 *  1. In awaiting-dbs, before activation (contract-sent to awaiting-availability) or active; the new certificate is
 *     assessed again and must be current; the provider's DBS application, if any, → certificate-recorded.
 *  2. awaiting-dbs → contract-sent, with the contract made first (as for approval); active: the renewal is done,
 *     the re-check restarts, DBS flags clear, and a certificate the therapist uploaded to verify is verified
 *     (renewals.ts; so is an uploaded insurance schedule by recordInsurance).
 * recordInduction
 *  1. Only in induction-invited; attendedOn not in the future and not more than 14 days ago (its window still open).
 *  2. → awaiting-availability; the applicant is asked for availability within the 14-day window.
 * extendInduction
 *  1. In awaiting-availability (the window open, or closed but not yet swept), or in induction-invited after the
 *     sweep closed a window (409 otherwise); the new last day from today to 14 days ahead, later than the current
 *     one; a reason.
 *  2. The window's last day moves (each extension replaces the previous); a closed window is reopened: back to
 *     awaiting-availability, spending the induction step as a recorded induction does. The applicant is emailed
 *     the new last start date.
 */

import type * as z from 'zod';
import type { Application, ApplicationEvent, ComplianceFlag, ContractRecord } from '../domain/application.ts';
import { flagsFor } from '../domain/compliance.ts';
import { londonToday } from '../domain/dates.ts';
import { assessDbs } from '../domain/dbs.ts';
import { checkAppliedOn, checkStatusCheckedOn } from '../domain/dbs-application.ts';
import { assertNoViolations, RuleViolation, type Violation } from '../domain/errors.ts';
import { checkAttendedOn, checkExtension, lastStartDate, windowLastDay } from '../domain/induction.ts';
import { checkInsurance } from '../domain/insurance.ts';
import { stageInSentence } from '../domain/labels.ts';
import { type DbsLevel, DOCUMENT_KINDS, type DocumentKind, isClosed, type Stage } from '../domain/stages.ts';
import {
  applicationRejected,
  availabilityRequested,
  changesRequested,
  DOCUMENT_LABELS,
  inductionExtended,
  type Links,
  newDbsNeeded,
  staffDbsApplicationRequested,
} from '../emails/templates.ts';
import type { DigestChange, Ports } from '../ports/index.ts';
import { Conflict, NotFound } from '../shared/errors.ts';
import type { insuranceSchema, reviewSchema } from '../shared/schemas.ts';
import { withContract, withPreparedContract } from './contract.ts';
import { renewalVerified } from './renewals.ts';
import {
  completeStep,
  complianceFacts,
  deliverOutbox,
  enterStage,
  event,
  mutate,
  outboxEntry,
  withoutUndefined,
} from './support.ts';

export interface StaffContext {
  staffId: string;
  links: Links;
}

const requireStage = (app: Application, stage: Stage, action: string) => {
  if (app.stage !== stage)
    throw new Conflict(
      `${action} is only possible ${stageInSentence(stage)}; this application is ${stageInSentence(app.stage)}`,
    );
};

/** Runs a staff action as one optimistic change, then delivers its outbox. */
const act = async (
  ports: Ports,
  id: string,
  decide: (app: Application, now: Date) => { next: Application; events: ApplicationEvent[] },
): Promise<Application> => {
  const result = await mutate(ports, id, (app, now) => withFlagsCleared(app, now, decide(app, now)));
  if (!result) throw new NotFound();
  const clears = digestClears(result.before, result.after, result.after.updatedAt);
  if (clears.length > 0) await ports.store.addToDigest(londonToday(new Date(result.after.updatedAt)), clears);
  await deliverOutbox(ports, result.after, result.before);
  return result.after;
};

export type ReviewInput = z.infer<typeof reviewSchema>;

/** Each check in the words of the review form, so that every refusal names the one missing. */
const CHECK_MESSAGES = {
  dbsOriginalSeen: 'Record that you have seen the original DBS certificate before approving',
  insuranceVerified: 'Record that the insurance is verified before approving',
  registerChecked: 'Record that the professional register is checked before approving',
} as const;

/** The checks approval needs: seeing the original of a certificate the applicant does not have cannot apply. */
const missingChecks = (app: Application, input: ReviewInput): Violation[] => {
  const required = app.dbs.hasCertificate
    ? (['dbsOriginalSeen', 'insuranceVerified', 'registerChecked'] as const)
    : (['insuranceVerified', 'registerChecked'] as const);
  const missing: Violation[] = required
    .filter((check) => input.checks[check] !== true)
    .map((check) => ({ path: `checks.${check}`, message: CHECK_MESSAGES[check] }));
  if (app.dbs.hasCertificate && input.checks.dbsCheckMethod === undefined)
    missing.push({
      path: 'checks.dbsCheckMethod',
      message:
        'Record how the original DBS certificate was seen: in person, on the DBS Update Service or with a digital identity service',
    });
  return missing;
};

/** The contract made for this change, or the item's own; without either the stage cannot say contract-sent. */
const contractFor = (app: Application, prepared: ContractRecord | undefined): ContractRecord => {
  const contract = app.contract ?? prepared;
  if (!contract) throw new Conflict('The application changed while its contract was prepared; try again');
  return contract;
};

export const review = async (id: string, input: ReviewInput, ports: Ports, ctx: StaffContext) =>
  // A contract is made only for an approval that will go through, so a refused approval generates nothing.
  withPreparedContract(
    ports,
    id,
    (app) =>
      input.decision === 'approve' &&
      app.stage === 'in-review' &&
      app.dbs.assessment !== 'new-certificate-required' &&
      missingChecks(app, input).length === 0,
    (prepared) => decideReview(id, input, ports, ctx, prepared),
  );

const decideReview = (
  id: string,
  input: ReviewInput,
  ports: Ports,
  ctx: StaffContext,
  prepared: ContractRecord | undefined,
) =>
  act(ports, id, (app, now) => {
    requireStage(app, 'in-review', 'A review');
    const decidedAt = now.toISOString();
    const again = input.decision === 'request-changes' ? documentsToSendAgain(app, input) : undefined;
    if (input.decision !== 'request-changes' && input.documents) {
      throw new RuleViolation([
        { path: 'documents', message: 'Name documents only when you request changes' },
      ]);
    }
    const record = withoutUndefined({ ...input, documents: again, decidedAt, decidedBy: ctx.staffId });
    const decided = event(
      app.id,
      now,
      'review-decided',
      { decision: input.decision, ...(again ? { documents: again.join(' ') } : {}) },
      'staff',
      ctx.staffId,
    );
    if (input.decision === 'approve') {
      const missing = missingChecks(app, input);
      if (missing.length > 0) throw new RuleViolation(missing);
      const dbsRequired = app.dbs.assessment === 'new-certificate-required';
      const stage = enterStage(app, dbsRequired ? 'awaiting-dbs' : 'contract-sent', now);
      const approved: Application = withoutUndefined({
        ...app,
        ...stage.fields,
        ...completeStep(app, 'review', { decision: 'approve', dbsRequired }),
        review: record,
        // How the original was seen means something only for a certificate the applicant has.
        dbs: withoutUndefined({ ...app.dbs, checkMethod: input.checks.dbsCheckMethod }),
      });
      let result: { next: Application; events: ApplicationEvent[] };
      if (dbsRequired) {
        approved.outbox = [
          ...approved.outbox,
          outboxEntry({ kind: 'email', email: newDbsNeeded(approved, ctx.links) }),
        ];
        result = { next: approved, events: [decided, stage.event] };
      } else {
        const sent = withContract(approved, contractFor(app, prepared), ctx.links, now);
        result = { next: sent.next, events: [decided, ...sent.events, stage.event] };
      }
      // Asked before the review: the team applies once approved.
      if (result.next.dbsApplication?.status === 'requested' && result.next.dbsApplication.applyNow)
        result.next.outbox = [
          ...result.next.outbox,
          outboxEntry({ kind: 'email', email: staffDbsApplicationRequested(result.next, ctx.links) }),
        ];
      return result;
    }
    if (input.decision === 'request-changes') {
      const stage = enterStage(app, 'awaiting-documents', now);
      const next: Application = withoutUndefined({
        ...app,
        ...stage.fields,
        ...completeStep(app, 'review', { decision: 'request-changes', dbsRequired: false }),
        review: record,
        documents: keepOthers(app.documents, again ?? []),
        documentProblems: keepOthers(app.documentProblems, again ?? []),
      });
      next.outbox = [
        ...next.outbox,
        outboxEntry({ kind: 'email', email: changesRequested(next, input.note, again ?? [], ctx.links) }),
      ];
      return { next, events: [decided, stage.event] };
    }
    const stage = enterStage(app, 'rejected', now);
    const next: Application = withoutUndefined({
      ...app,
      ...stage.fields,
      ...completeStep(app, 'review', { decision: 'reject', dbsRequired: false }),
      review: record,
      closedAt: decidedAt,
      closedReason: 'rejected',
    });
    next.outbox = [
      ...next.outbox,
      outboxEntry({ kind: 'email', email: applicationRejected(next, input.note, ctx.links) }),
    ];
    return { next, events: [decided, stage.event] };
  });

/** Stages in which a new certificate can be recorded without moving the stage (before activation). */
const CERTIFICATE_ONLY_STAGES: readonly Stage[] = [
  'contract-sent',
  'induction-invited',
  'awaiting-availability',
];

/** The documents staff ask for again: the ones named, or every required one when none are named. */
const documentsToSendAgain = (app: Application, input: ReviewInput): DocumentKind[] => {
  const named = input.documents ?? app.requiredDocuments;
  const violations = named.flatMap((kind, i) =>
    app.requiredDocuments.includes(kind)
      ? []
      : [
          {
            path: `documents.${i}`,
            message: `This application has no ${DOCUMENT_LABELS[kind]} to send again`,
          },
        ],
  );
  if (violations.length > 0) throw new RuleViolation(violations);
  return DOCUMENT_KINDS.filter((kind) => named.includes(kind));
};

const keepOthers = <V>(byKind: Partial<Record<DocumentKind, V>>, again: readonly DocumentKind[]) =>
  Object.fromEntries(
    Object.entries(byKind).filter(([kind]) => !again.includes(kind as DocumentKind)),
  ) as Partial<Record<DocumentKind, V>>;

export const recordDbs = (
  id: string,
  input: { certificateNumber: string; issueDate: string; level: DbsLevel },
  ports: Ports,
  ctx: StaffContext,
) =>
  withPreparedContract(
    ports,
    id,
    (app) => app.stage === 'awaiting-dbs',
    (prepared) =>
      act(ports, id, (app, now) => {
        if (app.stage === 'active') return renewDbs(app, input, now, ctx);
        const recorded = event(app.id, now, 'dbs-recorded', { level: input.level }, 'staff', ctx.staffId);
        if (CERTIFICATE_ONLY_STAGES.includes(app.stage)) {
          const next: Application = {
            ...app,
            dbs: newCertificate(app, input, now),
            ...certificateRecorded(app, now),
          };
          return { next, events: [recorded] };
        }
        requireStage(app, 'awaiting-dbs', 'Recording a new DBS certificate');
        const stage = enterStage(app, 'contract-sent', now);
        const withCertificate: Application = withoutUndefined({
          ...app,
          ...stage.fields,
          ...completeStep(app, 'dbs', {}),
          dbs: newCertificate(app, input, now),
          ...certificateRecorded(app, now),
        });
        const sent = withContract(withCertificate, contractFor(app, prepared), ctx.links, now);
        return { next: sent.next, events: [recorded, ...sent.events, stage.event] };
      }),
  );

/** The provider's DBS application, if any, ends with the certificate recorded. */
const certificateRecorded = (app: Application, now: Date): Pick<Application, 'dbsApplication'> =>
  app.dbsApplication
    ? {
        dbsApplication: {
          ...app.dbsApplication,
          status: 'certificate-recorded',
          certificateRecordedAt: now.toISOString(),
        },
      }
    : {};

const newCertificate = (
  app: Application,
  input: { certificateNumber: string; issueDate: string; level: DbsLevel },
  now: Date,
) => {
  const { assessment, reasons } = assessDbs({ hasCertificate: true, ...input }, londonToday(now));
  if (assessment !== 'current') {
    throw new RuleViolation([
      { path: 'issueDate', message: `The new certificate must be current (${reasons.join('; ')})` },
    ]);
  }
  return {
    ...app.dbs,
    hasCertificate: true as const,
    level: input.level,
    certificateNumber: input.certificateNumber,
    issueDate: input.issueDate,
    onUpdateService: 'onUpdateService' in app.dbs ? app.dbs.onUpdateService : false,
    assessment,
    reasons,
  };
};

/** Clears compliance flags; `act` reports them in the day's digest. */
const clearFlags = (app: Application, cleared: readonly ComplianceFlag[]) =>
  app.compliance
    ? { ...app.compliance, flags: app.compliance.flags.filter((f) => !cleared.includes(f)) }
    : app.compliance;

/** A flag a staff action clears is an entry of its own (and so a published event: issue 11 §3). */
const withFlagsCleared = (
  before: Application,
  now: Date,
  change: { next: Application; events: ApplicationEvent[] },
): { next: Application; events: ApplicationEvent[] } => {
  const cleared = (before.compliance?.flags ?? []).filter(
    (flag) => !change.next.compliance?.flags.includes(flag),
  );
  return {
    next: change.next,
    events: [
      ...change.events,
      ...cleared.map((flag) => event(before.id, now, 'compliance-flag-cleared', { flag })),
    ],
  };
};

export const digestClears = (before: Application, after: Application, at: string): DigestChange[] =>
  (before.compliance?.flags ?? [])
    .filter((flag) => !after.compliance?.flags.includes(flag))
    .map((flag) => ({ applicationId: after.id, flag, change: 'cleared' as const, at }));

/** An active therapist's renewed certificate: the renewal deadline is met, the re-check counts from the new issue. */
const renewDbs = (
  app: Application,
  input: { certificateNumber: string; issueDate: string; level: DbsLevel },
  now: Date,
  ctx: StaffContext,
) => {
  const verified = renewalVerified(app, 'dbs-certificate', now, ctx.staffId);
  const next: Application = withoutUndefined({
    ...app,
    ...verified.fields,
    dbs: newCertificate(app, input, now),
    ...certificateRecorded(app, now),
    dbsRenewalDueBy: undefined,
    dbsStatusCheck: undefined,
    compliance: clearFlags(app, ['dbs-overdue', 'dbs-renewal-overdue']),
  });
  return {
    next,
    events: [
      ...verified.events,
      event(
        app.id,
        now,
        'dbs-renewed',
        { level: input.level, issueDate: input.issueDate },
        'staff',
        ctx.staffId,
      ),
    ],
  };
};

/** An active therapist's renewed insurance, checked like the original; an insurance-expired flag clears. */
export const recordInsurance = (id: string, input: InsuranceInput, ports: Ports, staffId: string) =>
  act(ports, id, (app, now) => {
    requireStage(app, 'active', 'Recording renewed insurance');
    const violations = checkInsurance(input, londonToday(now));
    if (violations.length > 0)
      throw new RuleViolation(violations.map((v) => ({ ...v, path: v.path.replace(/^insurance\./, '') })));
    const verified = renewalVerified(app, 'indemnity-insurance', now, staffId);
    const next: Application = withoutUndefined({
      ...app,
      ...verified.fields,
      insurance: input,
      compliance: clearFlags(app, ['insurance-expired']),
    });
    return {
      next,
      events: [
        ...verified.events,
        event(
          app.id,
          now,
          'insurance-renewed',
          { endDate: input.endDate, coverAmountGbp: input.coverAmountGbp },
          'staff',
          staffId,
        ),
      ],
    };
  });

export type InsuranceInput = z.infer<typeof insuranceSchema>;

export const recordInduction = (id: string, input: { attendedOn: string }, ports: Ports, ctx: StaffContext) =>
  act(ports, id, (app, now) => {
    requireStage(app, 'induction-invited', 'Recording an induction');
    const violations = checkAttendedOn(input.attendedOn, londonToday(now));
    if (violations.length > 0) throw new RuleViolation(violations);
    const stage = enterStage(app, 'awaiting-availability', now);
    const next: Application = withoutUndefined({
      ...app,
      ...stage.fields,
      ...completeStep(app, 'induction', {}),
      induction: { attendedOn: input.attendedOn, recordedAt: now.toISOString(), recordedBy: ctx.staffId },
      expiredInduction: undefined,
    });
    next.outbox = [
      ...next.outbox,
      outboxEntry({
        kind: 'email',
        email: availabilityRequested(next, lastStartDate(input.attendedOn), ctx.links),
      }),
    ];
    return {
      next,
      events: [
        event(app.id, now, 'induction-recorded', { attendedOn: input.attendedOn }, 'staff', ctx.staffId),
        stage.event,
      ],
    };
  });

export const extendInduction = (
  id: string,
  input: { lastStartDate: string; reason: string },
  ports: Ports,
  ctx: StaffContext,
) =>
  act(ports, id, (app, now) => {
    const open = app.stage === 'awaiting-availability' ? app.induction : undefined;
    const closed = app.stage === 'induction-invited' ? app.expiredInduction : undefined;
    const induction = open ?? closed;
    if (!induction) {
      throw new Conflict(
        app.stage === 'induction-invited'
          ? 'There is no induction to extend: record the induction the therapist attends'
          : `An induction window can be extended in awaiting-availability, or in induction-invited after it closed; this application is ${app.stage}`,
      );
    }
    assertNoViolations(checkExtension(input.lastStartDate, windowLastDay(induction), londonToday(now)));
    const extended = {
      ...induction,
      extension: {
        lastStartDate: input.lastStartDate,
        reason: input.reason,
        recordedAt: now.toISOString(),
        recordedBy: ctx.staffId,
      },
    };
    const reopened = closed ? enterStage(app, 'awaiting-availability', now) : undefined;
    const next: Application = withoutUndefined({
      ...app,
      ...(reopened ? { ...reopened.fields, ...completeStep(app, 'induction', {}) } : {}),
      induction: extended,
      expiredInduction: undefined,
    });
    next.outbox = [
      ...next.outbox,
      outboxEntry({ kind: 'email', email: inductionExtended(next, input.lastStartDate, ctx.links) }),
    ];
    return {
      next,
      events: [
        event(
          app.id,
          now,
          'induction-extended',
          { lastStartDate: input.lastStartDate, reopened: closed ? 'yes' : 'no' },
          'staff',
          ctx.staffId,
        ),
        ...(reopened ? [reopened.event] : []),
      ],
    };
  });

/**
 * recordDbsApplication (POST /staff/applications/{id}/dbs-application): the provider applied.
 *  1. Only where the therapist asked for it (fee accepted, status requested; 409 otherwise); appliedOn not in the
 *     future (422).
 *  2. → applied: the renewal deadline is met when appliedOn is on or before it, and a dbs-renewal-overdue flag
 *     clears (a late application still ends the chase); the certificate alert counts from appliedOn.
 */
export const recordDbsApplication = (
  id: string,
  input: { appliedOn: string; reference: string },
  ports: Ports,
  staffId: string,
) =>
  act(ports, id, (app, now) => {
    if (isClosed(app.stage))
      throw new Conflict(`This application is ${stageInSentence(app.stage)}: nothing can be recorded`);
    if (app.dbsApplication?.status !== 'requested') {
      throw new Conflict(
        app.dbsApplication
          ? `The DBS application is already recorded (${app.dbsApplication.status})`
          : 'The applicant has not asked us to apply for a DBS certificate (no fee accepted)',
      );
    }
    assertNoViolations(checkAppliedOn(input.appliedOn, londonToday(now)));
    const next: Application = {
      ...app,
      dbsApplication: {
        ...app.dbsApplication,
        status: 'applied',
        appliedOn: input.appliedOn,
        reference: input.reference,
      },
      compliance: clearFlags(app, ['dbs-renewal-overdue']),
    };
    return {
      next,
      events: [event(app.id, now, 'dbs-application-made', { appliedOn: input.appliedOn }, 'staff', staffId)],
    };
  });

/**
 * recordDbsStatusCheck (POST /staff/applications/{id}/dbs-status-check): a DBS Update Service status check.
 *  1. Only for a certificate on the Update Service (422), not closed (409); checkedOn not in the future nor before
 *     the issue date (422).
 *  2. The latest check is kept; a clean one (no-new-information) restarts the re-check and clears dbs-overdue.
 */
export const recordDbsStatusCheck = (
  id: string,
  input: { checkedOn: string; result: 'no-new-information' | 'new-information' },
  ports: Ports,
  staffId: string,
) =>
  act(ports, id, (app, now) => {
    if (isClosed(app.stage))
      throw new Conflict(`This application is ${stageInSentence(app.stage)}: nothing can be recorded`);
    if (!app.dbs.hasCertificate || !app.dbs.onUpdateService) {
      throw new RuleViolation([
        {
          path: 'checkedOn',
          message:
            'This certificate is not on the DBS Update Service: record a new certificate instead of a status check',
        },
      ]);
    }
    assertNoViolations(checkStatusCheckedOn(input.checkedOn, app.dbs.issueDate, londonToday(now)));
    const next: Application = {
      ...app,
      dbsStatusCheck: { ...input, recordedAt: now.toISOString(), recordedBy: staffId },
    };
    if (input.result === 'no-new-information') {
      const flags = flagsFor(complianceFacts(next), londonToday(now));
      if (!flags.includes('dbs-overdue')) next.compliance = clearFlags(app, ['dbs-overdue']);
    }
    return {
      next,
      events: [
        event(
          app.id,
          now,
          'dbs-status-checked',
          { checkedOn: input.checkedOn, result: input.result },
          'staff',
          staffId,
        ),
      ],
    };
  });
