/**
 * What the affiliate team reads.
 * listApplications: the queue of one stage, most recently changed first, a page at a time (by-stage index); with
 *   the first page, how many applications each stage holds (the tabs' counts). `view=to-verify`: instead, the
 *   active therapists with a renewed document to verify, oldest upload first (the sparse by-verify index).
 * staffView: everything about one application — applicant, professional, DBS (with its number: staff only),
 *   insurance, review, contract evidence, induction, availability — with download links valid 5 minutes and the
 *   whole event history. Never the access-token hash, task tokens or the outbox. Issuing links to the documents
 *   (the DBS certificate above all: criminal-record data) is recorded first, as a `documents-accessed` event naming
 *   the staff member and the documents, so the history this view returns includes it.
 */
import type { Application, ApplicationEvent, StoredDocument } from '../domain/application.ts';
import { isChecking, isReceived } from '../domain/documents.ts';
import { DOCUMENT_KINDS, type DocumentKind, STAGES, type Stage } from '../domain/stages.ts';
import type { Ports } from '../ports/index.ts';
import { NotFound } from '../shared/errors.ts';

/** An audit event of staff access (built here, not with support.ts's `event`: these read-only functions'
 *  bundles stay free of the outbox and the email templates). */
export const accessEvent = (
  applicationId: string,
  at: Date,
  type: 'documents-accessed' | 'dbs-report-exported',
  staffId: string,
  details: Record<string, string>,
): ApplicationEvent => ({
  applicationId,
  at: at.toISOString(),
  type,
  actor: 'staff',
  actorId: staffId,
  details,
});

export const DOWNLOAD_URL_SECONDS = 5 * 60;

export const queueItem = (app: Application) => ({
  applicationId: app.id,
  stage: app.stage,
  name: `${app.applicant.firstName} ${app.applicant.lastName}`,
  dbsAssessment: app.dbs.assessment,
  createdAt: app.createdAt,
  updatedAt: app.updatedAt,
  stageEnteredAt: app.stageEnteredAt,
  ...(app.renewals && Object.keys(app.renewals).length > 0
    ? { toVerify: DOCUMENT_KINDS.filter((kind) => app.renewals?.[kind]) }
    : {}),
});

const stageCounts = async (ports: Pick<Ports, 'store'>): Promise<Record<Stage, number>> =>
  Object.fromEntries(
    await Promise.all(STAGES.map(async (stage) => [stage, await ports.store.countByStage(stage)] as const)),
  ) as Record<Stage, number>;

export const listApplications = async (
  input: { stage: Stage; limit: number; cursor?: string; view?: 'to-verify' },
  ports: Pick<Ports, 'store'>,
) => {
  const [page, counts] = await Promise.all([
    input.view === 'to-verify'
      ? ports.store.toVerify(input.limit, input.cursor)
      : ports.store.byStage(input.stage, input.limit, input.cursor),
    input.cursor ? undefined : stageCounts(ports),
  ]);
  return {
    items: page.items.map(queueItem),
    ...(page.cursor ? { cursor: page.cursor } : {}),
    ...(counts ? { counts } : {}),
  };
};

export interface StaffDocument {
  document: DocumentKind;
  received: boolean;
  /** Uploaded, being checked for viruses: no link until it is found clean. */
  checking?: true;
  contentType?: string;
  sizeBytes?: number;
  sha256?: string;
  receivedAt?: string;
  /** Valid DOWNLOAD_URL_SECONDS. */
  downloadUrl?: string;
  /** The image was deleted by retention; the certificate's details stay on the application. */
  deletedByRetention?: boolean;
  problem?: string;
}

/**
 * The compliance reminders that went out, counted from the audit trail: what was sent, never the reminders a
 * missed run passed over (those are recorded as done so that they never go out late, but nobody received them).
 * Events written before recipients were recorded went to the therapist, except the renewal's (to the team).
 */
const remindersSent = (events: ApplicationEvent[]): { therapist: number; team: number } => {
  const sent = events.filter((e) => e.type === 'compliance-reminder-sent');
  const renewal = (e: ApplicationEvent) => e.details?.deadline === 'dbs-renewal';
  return {
    therapist: sent.filter((e) => e.details?.toTherapist ?? !renewal(e)).length,
    team: sent.filter((e) => e.details?.toTeam ?? renewal(e)).length,
  };
};

/** A renewed document waiting to be verified, with its download link (issue 11 §2). */
const renewalDocument = async (
  kind: DocumentKind,
  stored: StoredDocument,
  link: (key: string) => Promise<string>,
): Promise<StaffDocument> => ({
  document: kind,
  received: true,
  contentType: stored.contentType,
  sizeBytes: stored.sizeBytes,
  sha256: stored.sha256,
  receivedAt: stored.receivedAt,
  // Not scanned clean yet: shown as checking, with no link, as an onboarding upload is.
  ...(isChecking(stored) ? { checking: true as const } : { downloadUrl: await link(stored.key) }),
});

/** The documents a staff view links to, in the words of the audit event. */
const linkedDocuments = (app: Application): string[] => [
  ...app.requiredDocuments.filter((kind) => isReceived(app.documents[kind]) && app.documents[kind]?.key),
  ...(app.contract ? ['contract'] : []),
  ...(app.contract?.signature ? ['signed-contract'] : []),
  ...DOCUMENT_KINDS.filter((kind) => isReceived(app.renewals?.[kind])).map((kind) => `renewed-${kind}`),
];

export const staffView = async (
  id: string,
  ports: Pick<Ports, 'store' | 'documents' | 'clock'>,
  staffId: string,
) => {
  const app = await ports.store.get(id);
  if (!app) throw new NotFound();
  const link = (key: string) => ports.documents.downloadUrl(key, DOWNLOAD_URL_SECONDS);
  const linked = linkedDocuments(app);
  if (linked.length > 0) {
    await ports.store.recordAccess([
      accessEvent(app.id, ports.clock.now(), 'documents-accessed', staffId, { documents: linked.join(', ') }),
    ]);
  }
  const events = await ports.store.events(app.id);
  const documents: StaffDocument[] = await Promise.all(
    app.requiredDocuments.map(async (kind): Promise<StaffDocument> => {
      const found = app.documents[kind];
      // Not scanned clean yet: shown as checking, with no link (domain/documents.ts isReceived).
      const stored = isReceived(found) ? found : undefined;
      return {
        document: kind,
        received: Boolean(stored),
        ...(isChecking(found) ? { checking: true as const } : {}),
        ...(stored
          ? {
              contentType: stored.contentType,
              sizeBytes: stored.sizeBytes,
              sha256: stored.sha256,
              receivedAt: stored.receivedAt,
              // Empty once retention deleted the image (the certificate's details stay on the application).
              ...(stored.key ? { downloadUrl: await link(stored.key) } : { deletedByRetention: true }),
            }
          : {}),
        ...(app.documentProblems[kind] ? { problem: app.documentProblems[kind] } : {}),
      };
    }),
  );
  const renewals = await Promise.all(
    DOCUMENT_KINDS.flatMap((kind) => {
      const stored = app.renewals?.[kind];
      return stored ? [renewalDocument(kind, stored, link)] : [];
    }),
  );
  const contract = app.contract
    ? {
        version: app.contract.version,
        sha256: app.contract.sha256,
        generatedAt: app.contract.generatedAt,
        downloadUrl: await link(app.contract.key),
        ...(app.contract.signature
          ? {
              signature: {
                fullName: app.contract.signature.fullName,
                at: app.contract.signature.at,
                ip: app.contract.signature.ip,
                userAgent: app.contract.signature.userAgent,
                contractSha256: app.contract.signature.contractSha256,
                signedSha256: app.contract.signature.signedSha256,
                downloadUrl: await link(app.contract.signature.signedKey),
              },
            }
          : {}),
      }
    : undefined;
  return {
    ...queueItem(app),
    applicant: app.applicant,
    professional: app.professional,
    dbs: app.dbs,
    insurance: app.insurance,
    consents: app.consents,
    documents,
    ...(renewals.length > 0 ? { renewals } : {}),
    waitingOn: app.task?.step,
    ...(app.review ? { review: app.review } : {}),
    ...(contract ? { contract } : {}),
    ...(app.therapyAccount ? { therapyAccount: app.therapyAccount } : {}),
    ...(app.induction ? { induction: app.induction } : {}),
    ...(app.expiredInduction ? { expiredInduction: app.expiredInduction } : {}),
    ...(app.availability ? { availability: app.availability } : {}),
    ...(app.availabilityChanges?.length ? { availabilityChanges: app.availabilityChanges } : {}),
    ...(app.pauses?.length
      ? { pauses: app.pauses.map(({ from, to, reason }) => ({ from, to, ...(reason ? { reason } : {}) })) }
      : {}),
    ...(app.dbsRenewalDueBy ? { dbsRenewalDueBy: app.dbsRenewalDueBy } : {}),
    ...(app.dbsApplication ? { dbsApplication: app.dbsApplication } : {}),
    ...(app.dbsStatusCheck ? { dbsStatusCheck: app.dbsStatusCheck } : {}),
    ...(app.compliance
      ? { compliance: { flags: app.compliance.flags, remindersSent: remindersSent(events) } }
      : {}),
    ...(app.dbsImageDeletedAt ? { dbsImageDeletedAt: app.dbsImageDeletedAt } : {}),
    ...(app.refusedUploads?.length
      ? {
          refusedUploads: app.refusedUploads.map(({ document, reason, threats, at }) => ({
            document,
            reason,
            ...(threats ? { threats } : {}),
            at,
          })),
        }
      : {}),
    ...(app.emailUndeliverable ? { emailUndeliverable: app.emailUndeliverable } : {}),
    ...(app.workflowFailure ? { workflowFailure: app.workflowFailure } : {}),
    ...(app.workflowRestarts ? { workflowRestarts: app.workflowRestarts } : {}),
    ...(app.undelivered?.length
      ? {
          undeliveredEmails: app.undelivered.map(({ to, subject, error, attempts, at }) => ({
            to,
            subject,
            error,
            attempts,
            at,
          })),
        }
      : {}),
    ...(app.closedAt ? { closedAt: app.closedAt, closedReason: app.closedReason } : {}),
    downloadUrlsExpireAt: new Date(Date.now() + DOWNLOAD_URL_SECONDS * 1000).toISOString(),
    events,
  };
};
