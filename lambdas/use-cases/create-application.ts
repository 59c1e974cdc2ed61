/**
 * Create an application (POST /applications).
 *  1. Replay: the same Idempotency-Key and body return the first response again (fresh upload policies); the same
 *     key with another body is refused.
 *  2. Apply the rules: the DBS assessment (a future issue date is refused), the DBS choice, the insurance.
 *  3. Save the application, its first event, the email-uniqueness item and the idempotency record in one
 *     transaction (a second open application for the same inbox, domain/mailbox.ts, is a conflict). The submission email goes in the
 *     outbox and the workflow is marked pending, so nothing is lost if a later step fails.
 *  4. Start the workflow; if that fails, the application stays pending and the onboarding sweep starts it.
 *  5. Deliver the outbox (the submission email with the private status link).
 *  6. Return the id, the access token (the only time it leaves the server) and a presigned upload per document.
 */
import { ulid } from 'ulid';
import type { Application } from '../domain/application.ts';
import { londonToday } from '../domain/dates.ts';
import { dbsDocumentRequired } from '../domain/dbs.ts';
import { newDbsApplication } from '../domain/dbs-application.ts';
import { RuleViolation } from '../domain/errors.ts';
import { type MailboxRules, mailboxOf } from '../domain/mailbox.ts';
import { checkNewApplication } from '../domain/new-application.ts';
import { type DbsAssessment, type DocumentKind, STAGE_STEP } from '../domain/stages.ts';
import { applicationSubmitted } from '../emails/templates.ts';
import { DuplicateEmail, type Ports, VersionConflict } from '../ports/index.ts';
import { Conflict } from '../shared/errors.ts';
import { errorSummary, logger } from '../shared/logger.ts';
import type { CreateApplicationInput } from '../shared/schemas.ts';
import { hashToken, newAccessToken, sealToken, sha256Hex, unsealToken } from '../shared/tokens.ts';
import { offerUpload, type UploadOffer } from './create-upload.ts';
import { deliverOutbox, event, mutate, outboxEntry, withIndexKeys } from './support.ts';

export interface CreateApplicationResult {
  applicationId: string;
  accessToken: string;
  stage: Application['stage'];
  dbs: { assessment: Application['dbs']['assessment']; reasons: string[] };
  uploads: UploadOffer[];
}

export interface CreateApplicationContext {
  siteUrl: string;
  /** Which addresses are one inbox (lib/config.ts MAILBOX_RULES): one open application per inbox. */
  mailboxRules: MailboxRules;
  idempotencyKey?: string;
  /** The raw body as received: idempotent replays compare its hash. */
  rawBody: string;
}

const requiredDocuments = (input: CreateApplicationInput): DocumentKind[] => [
  ...(dbsDocumentRequired(input.dbs) ? (['dbs-certificate'] as const) : []),
  'indemnity-insurance',
];

/** The fee accepted on the form starts the provider's DBS application: asked for now, or a renewal after start. */
const providerApplies = (dbs: CreateApplicationInput['dbs'], assessment: DbsAssessment): boolean =>
  dbs.acceptsFee === true && (dbs.applyOnMyBehalf === true || assessment === 'renewal-after-start');

const respond = async (
  ports: Ports,
  app: Application,
  accessToken: string,
): Promise<CreateApplicationResult> => ({
  applicationId: app.id,
  accessToken,
  stage: app.stage,
  dbs: { assessment: app.dbs.assessment, reasons: app.dbs.reasons },
  uploads: await Promise.all(app.requiredDocuments.map((document) => offerUpload(ports, app.id, document))),
});

const replay = async (
  ports: Ports,
  ctx: CreateApplicationContext,
): Promise<CreateApplicationResult | undefined> => {
  if (!ctx.idempotencyKey) return undefined;
  const record = await ports.store.findIdempotency(sha256Hex(ctx.idempotencyKey));
  if (!record) return undefined;
  if (record.bodySha256 !== sha256Hex(ctx.rawBody)) {
    throw new RuleViolation([
      {
        path: 'Idempotency-Key',
        message: 'This Idempotency-Key was used with a different body: use a new key',
      },
    ]);
  }
  const app = await ports.store.get(record.applicationId);
  if (!app) return undefined;
  await startWorkflow(ports, app);
  return respond(ports, app, unsealToken(record.sealedToken, ctx.idempotencyKey));
};

/**
 * Starts the execution and records it; a failure leaves `workflowPendingSince` for the sweep. True if started.
 * A restart (workflow-recovery) starts the n-th execution at the step of the application's stage.
 */
export const startWorkflow = async (ports: Ports, app: Application): Promise<boolean> => {
  if (app.executionArn) return false;
  const resumeAt = STAGE_STEP[app.stage];
  if (app.workflowRestarts && !resumeAt) {
    // Active or closed since the restart was decided: there is nothing left to wait on.
    await mutate(ports, app.id, (current) => {
      if (current.executionArn || !current.workflowPendingSince) return undefined;
      const { workflowPendingSince: _pending, ...rest } = current;
      return { next: rest, events: [] };
    });
    return false;
  }
  let executionArn: string;
  try {
    executionArn = await ports.workflow.start(
      app.id,
      app.workflowRestarts && resumeAt ? { attempt: app.workflowRestarts, resumeAt } : undefined,
    );
  } catch (error) {
    await logger.warn('workflow start failed; the onboarding sweep will retry', {
      applicationId: app.id,
      error: errorSummary(error),
    });
    return false;
  }
  await mutate(ports, app.id, (current, now) => {
    if (current.executionArn || current.workflowRestarts !== app.workflowRestarts) return undefined;
    const { workflowPendingSince: _pending, ...rest } = current;
    const next: Application = { ...rest, executionArn };
    return { next, events: [event(app.id, now, 'workflow-started')] };
  });
  return true;
};

export const createApplication = async (
  input: CreateApplicationInput,
  ctx: CreateApplicationContext,
  ports: Ports,
): Promise<CreateApplicationResult> => {
  const replayed = await replay(ports, ctx);
  if (replayed) return replayed;

  const now = ports.clock.now();
  const today = londonToday(now);
  const rules = checkNewApplication(input, today);
  if (rules.violations.length > 0 || !rules.dbs) throw new RuleViolation(rules.violations);
  const { assessment, reasons } = rules.dbs;

  const id = ulid();
  const accessToken = newAccessToken();
  const at = now.toISOString();
  const draft: Application = {
    id,
    version: 1,
    stage: 'awaiting-documents',
    createdAt: at,
    updatedAt: at,
    stageEnteredAt: at,
    applicant: input.applicant,
    mailbox: mailboxOf(input.applicant.email, ctx.mailboxRules),
    professional: input.professional,
    dbs: { ...input.dbs, assessment, reasons },
    ...(providerApplies(input.dbs, assessment)
      ? { dbsApplication: newDbsApplication(at, input.dbs.applyOnMyBehalf === true) }
      : {}),
    insurance: input.insurance,
    consents: { ...input.consents, givenAt: at },
    accessTokenHash: hashToken(accessToken),
    requiredDocuments: requiredDocuments(input),
    documents: {},
    documentProblems: {},
    workflowPendingSince: at,
    outbox: [],
    remindersSent: [],
  };
  draft.outbox = [
    outboxEntry({ kind: 'email', email: applicationSubmitted(draft, ctx.siteUrl, accessToken) }),
  ];
  const app = withIndexKeys(draft, now);

  try {
    await ports.store.create(
      app,
      [event(id, now, 'application-submitted', { dbsAssessment: assessment }, 'applicant')],
      ctx.idempotencyKey
        ? {
            keyHash: sha256Hex(ctx.idempotencyKey),
            bodySha256: sha256Hex(ctx.rawBody),
            applicationId: id,
            sealedToken: sealToken(accessToken, ctx.idempotencyKey),
            createdAt: at,
          }
        : undefined,
    );
  } catch (error) {
    if (error instanceof DuplicateEmail) {
      throw new Conflict(
        'An application with this email address is already open. Use the link in your email to continue it.',
      );
    }
    // A concurrent request with the same Idempotency-Key won the race: answer as it did.
    if (error instanceof VersionConflict) {
      const again = await replay(ports, ctx);
      if (again) return again;
    }
    throw error;
  }

  await startWorkflow(ports, app);
  // Only this request's entries (the submission email): another invocation may be delivering its own.
  await deliverOutbox(ports, app);
  return respond(ports, app, accessToken);
};
