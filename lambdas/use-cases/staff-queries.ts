/**
 * What the affiliate team reads.
 * listApplications: the queue of one stage, most recently changed first, a page at a time (by-stage index).
 * staffView: everything about one application — applicant, professional, DBS (with its number: staff only),
 *   insurance, review, contract evidence, induction, availability — with download links valid 5 minutes and the
 *   whole event history. Never the access-token hash, task tokens or the outbox.
 */
import type { Application } from '../domain/application.ts';
import type { DocumentKind, Stage } from '../domain/stages.ts';
import type { Ports } from '../ports/index.ts';
import { NotFound } from '../shared/errors.ts';

export const DOWNLOAD_URL_SECONDS = 5 * 60;

export const queueItem = (app: Application) => ({
  applicationId: app.id,
  stage: app.stage,
  name: `${app.applicant.firstName} ${app.applicant.lastName}`,
  dbsAssessment: app.dbs.assessment,
  createdAt: app.createdAt,
  updatedAt: app.updatedAt,
  stageEnteredAt: app.stageEnteredAt,
});

export const listApplications = async (
  input: { stage: Stage; limit: number; cursor?: string },
  ports: Pick<Ports, 'store'>,
) => {
  const page = await ports.store.byStage(input.stage, input.limit, input.cursor);
  return { items: page.items.map(queueItem), ...(page.cursor ? { cursor: page.cursor } : {}) };
};

export interface StaffDocument {
  document: DocumentKind;
  received: boolean;
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

export const staffView = async (id: string, ports: Pick<Ports, 'store' | 'documents'>) => {
  const app = await ports.store.get(id);
  if (!app) throw new NotFound();
  const link = (key: string) => ports.documents.downloadUrl(key, DOWNLOAD_URL_SECONDS);
  const documents: StaffDocument[] = await Promise.all(
    app.requiredDocuments.map(async (kind): Promise<StaffDocument> => {
      const stored = app.documents[kind];
      return {
        document: kind,
        received: Boolean(stored),
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
    waitingOn: app.task?.step,
    ...(app.review ? { review: app.review } : {}),
    ...(contract ? { contract } : {}),
    ...(app.induction ? { induction: app.induction } : {}),
    ...(app.expiredInduction ? { expiredInduction: app.expiredInduction } : {}),
    ...(app.availability ? { availability: app.availability } : {}),
    ...(app.dbsRenewalDueBy ? { dbsRenewalDueBy: app.dbsRenewalDueBy } : {}),
    ...(app.dbsApplication ? { dbsApplication: app.dbsApplication } : {}),
    ...(app.dbsStatusCheck ? { dbsStatusCheck: app.dbsStatusCheck } : {}),
    ...(app.compliance
      ? { compliance: { flags: app.compliance.flags, remindersSent: app.compliance.sent } }
      : {}),
    ...(app.dbsImageDeletedAt ? { dbsImageDeletedAt: app.dbsImageDeletedAt } : {}),
    ...(app.closedAt ? { closedAt: app.closedAt, closedReason: app.closedReason } : {}),
    downloadUrlsExpireAt: new Date(Date.now() + DOWNLOAD_URL_SECONDS * 1000).toISOString(),
    events: await ports.store.events(app.id),
  };
};
