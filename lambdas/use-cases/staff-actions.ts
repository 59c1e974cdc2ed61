/**
 * What the affiliate team does to an application: review it, record a new DBS certificate, record an induction.
 * Each action is valid in one stage only (409 otherwise), checks its rules (422), moves the stage, spends the
 * step's task token once (through the outbox), emails whoever acts next and appends events naming the staff id.
 *
 * review
 *  1. approve needs every check recorded true; the DBS check method is recorded in every case.
 *  2. approve → awaiting-dbs when a new certificate is required, else contract-sent: the contract PDF is made and
 *     stored first and committed with the stage, and the applicant emailed that it is ready (see contract.ts).
 *  3. request-changes → awaiting-documents: the named documents (default: every required one) are cleared for
 *     fresh uploads, the others kept; the note and the documents to send again emailed. `documents` is only for
 *     request-changes, and must name documents the application requires (422).
 *  4. reject → rejected, politely emailed; the email address is freed.
 * recordDbs
 *  1. Only in awaiting-dbs; the new certificate is assessed again and must be current.
 *  2. → contract-sent, with the contract made first (as for approval).
 * recordInduction
 *  1. Only in induction-invited; attendedOn not in the future.
 *  2. → awaiting-availability; the applicant is asked for availability within the 14-day window.
 */

import type * as z from 'zod';
import type { Application, ApplicationEvent, ComplianceFlag, ContractRecord } from '../domain/application.ts';
import { londonToday } from '../domain/dates.ts';
import { assessDbs } from '../domain/dbs.ts';
import { RuleViolation, type Violation } from '../domain/errors.ts';
import { checkAttendedOn, lastStartDate } from '../domain/induction.ts';
import { checkInsurance } from '../domain/insurance.ts';
import { type DbsLevel, DOCUMENT_KINDS, type DocumentKind, type Stage } from '../domain/stages.ts';
import {
  applicationRejected,
  availabilityRequested,
  changesRequested,
  DOCUMENT_LABELS,
  type Links,
  newDbsNeeded,
} from '../emails/templates.ts';
import type { DigestChange, Ports } from '../ports/index.ts';
import { Conflict, NotFound } from '../shared/errors.ts';
import type { insuranceSchema, reviewSchema } from '../shared/schemas.ts';
import { withContract, withPreparedContract } from './contract.ts';
import {
  completeStep,
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
    throw new Conflict(`${action} is only possible in ${stage}; this application is ${app.stage}`);
};

/** Runs a staff action as one optimistic change, then delivers its outbox. */
const act = async (
  ports: Ports,
  id: string,
  decide: (app: Application, now: Date) => { next: Application; events: ApplicationEvent[] },
): Promise<Application> => {
  const result = await mutate(ports, id, decide);
  if (!result) throw new NotFound();
  const clears = digestClears(result.before, result.after, result.after.updatedAt);
  if (clears.length > 0) await ports.store.addToDigest(londonToday(new Date(result.after.updatedAt)), clears);
  await deliverOutbox(ports, result.after, result.before);
  return result.after;
};

export type ReviewInput = z.infer<typeof reviewSchema>;

const missingChecks = (input: ReviewInput): Violation[] =>
  (['dbsOriginalSeen', 'insuranceVerified', 'registerChecked'] as const)
    .filter((check) => input.checks[check] !== true)
    .map((check) => ({ path: `checks.${check}`, message: 'Record this check as done before approving' }));

/** The contract made for this change, or the item's own; without either the stage cannot say contract-sent. */
const contractFor = (app: Application, prepared: ContractRecord | undefined): ContractRecord => {
  const contract = app.contract ?? prepared;
  if (!contract) throw new Conflict('The application changed while its contract was prepared; try again');
  return contract;
};

export const review = async (id: string, input: ReviewInput, ports: Ports, ctx: StaffContext) => {
  // Checked before the contract is made, so a refused approval generates nothing.
  if (input.decision === 'approve' && missingChecks(input).length > 0) {
    throw new RuleViolation(missingChecks(input));
  }
  return withPreparedContract(
    ports,
    id,
    (app) =>
      input.decision === 'approve' &&
      app.stage === 'in-review' &&
      app.dbs.assessment !== 'new-certificate-required',
    (prepared) => decideReview(id, input, ports, ctx, prepared),
  );
};

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
      const dbsRequired = app.dbs.assessment === 'new-certificate-required';
      const stage = enterStage(app, dbsRequired ? 'awaiting-dbs' : 'contract-sent', now);
      const approved: Application = withoutUndefined({
        ...app,
        ...stage.fields,
        ...completeStep(app, 'review', { decision: 'approve', dbsRequired }),
        review: record,
        dbs: { ...app.dbs, checkMethod: input.checks.dbsCheckMethod },
      });
      if (dbsRequired) {
        approved.outbox = [
          ...approved.outbox,
          outboxEntry({ kind: 'email', email: newDbsNeeded(approved, ctx.links) }),
        ];
        return { next: approved, events: [decided, stage.event] };
      }
      const sent = withContract(approved, contractFor(app, prepared), ctx.links, now);
      return { next: sent.next, events: [decided, ...sent.events, stage.event] };
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
        requireStage(app, 'awaiting-dbs', 'Recording a new DBS certificate');
        const stage = enterStage(app, 'contract-sent', now);
        const recorded: Application = withoutUndefined({
          ...app,
          ...stage.fields,
          ...completeStep(app, 'dbs', {}),
          dbs: newCertificate(app, input, now),
        });
        const sent = withContract(recorded, contractFor(app, prepared), ctx.links, now);
        return {
          next: sent.next,
          events: [
            event(app.id, now, 'dbs-recorded', { level: input.level }, 'staff', ctx.staffId),
            ...sent.events,
            stage.event,
          ],
        };
      }),
  );

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

/** Clears a compliance flag and reports it in the day's digest. */
const clearFlag = (app: Application, flag: ComplianceFlag) =>
  app.compliance
    ? { ...app.compliance, flags: app.compliance.flags.filter((f) => f !== flag) }
    : app.compliance;

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
  const next: Application = withoutUndefined({
    ...app,
    dbs: newCertificate(app, input, now),
    dbsRenewalDueBy: undefined,
    compliance: clearFlag(app, 'dbs-overdue'),
  });
  return {
    next,
    events: [
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
    const next: Application = { ...app, insurance: input, compliance: clearFlag(app, 'insurance-expired') };
    return {
      next,
      events: [
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
