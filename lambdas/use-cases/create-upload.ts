/**
 * Offer a presigned upload (POST /applications/{id}/uploads).
 *  1. Find the application the token opens (404 for unknown or not yours).
 *  2. Only while documents are awaited, and only for a document this application needs; or, for an active
 *     therapist, either document (a renewal to verify: renewals.ts).
 *  3. A fresh presigned POST under the application's prefix: one content type, 1 byte to 10 MB, 15 minutes.
 */
import { ulid } from 'ulid';
import { MAX_UPLOAD_BYTES, renewalUploadsOpen, type UPLOAD_CONTENT_TYPES } from '../domain/documents.ts';
import { RuleViolation } from '../domain/errors.ts';
import { stageInSentence } from '../domain/labels.ts';
import type { DocumentKind } from '../domain/stages.ts';
import { DOCUMENT_LABELS } from '../emails/templates.ts';
import type { Ports, PresignedUpload } from '../ports/index.ts';
import { Conflict } from '../shared/errors.ts';
import { findOwnApplication } from './get-application.ts';

export const UPLOAD_EXPIRES_SECONDS = 15 * 60;

export type UploadContentType = (typeof UPLOAD_CONTENT_TYPES)[number];

export interface UploadOffer extends PresignedUpload {
  document: DocumentKind;
  contentType: UploadContentType;
}

/** Object keys live under the application's prefix; document-received parses them back. */
export const documentKey = (applicationId: string, document: DocumentKind): string =>
  `applications/${applicationId}/${document}/${ulid()}`;

export const parseDocumentKey = (
  key: string,
): { applicationId: string; document: DocumentKind } | undefined => {
  const match =
    /^applications\/([0-9A-HJKMNP-TV-Z]{26})\/(dbs-certificate|indemnity-insurance)\/[0-9A-HJKMNP-TV-Z]{26}$/.exec(
      key,
    );
  if (!match?.[1] || !match[2]) return undefined;
  return { applicationId: match[1], document: match[2] as DocumentKind };
};

export const offerUpload = async (
  ports: Pick<Ports, 'documents'>,
  applicationId: string,
  document: DocumentKind,
  contentType: UploadContentType = 'application/pdf',
): Promise<UploadOffer> => ({
  document,
  contentType,
  ...(await ports.documents.presignUpload(documentKey(applicationId, document), {
    maxBytes: MAX_UPLOAD_BYTES,
    contentType,
    expiresInSeconds: UPLOAD_EXPIRES_SECONDS,
  })),
});

export const createUpload = async (
  input: {
    applicationId: string;
    accessToken: string;
    document: DocumentKind;
    contentType?: UploadContentType;
  },
  ports: Ports,
): Promise<UploadOffer> => {
  const app = await findOwnApplication(ports, input.applicationId, input.accessToken);
  if (renewalUploadsOpen(app)) return offerUpload(ports, app.id, input.document, input.contentType);
  if (app.stage !== 'awaiting-documents') {
    throw new Conflict(
      `Documents can only be uploaded while the application awaits them; it is ${stageInSentence(app.stage)}`,
    );
  }
  if (!app.requiredDocuments.includes(input.document)) {
    throw new RuleViolation([
      {
        path: 'document',
        message: `This application does not need a ${DOCUMENT_LABELS[input.document]}; it needs: ${app.requiredDocuments.map((kind) => DOCUMENT_LABELS[kind]).join(', ')}`,
      },
    ]);
  }
  return offerUpload(ports, app.id, input.document, input.contentType);
};
