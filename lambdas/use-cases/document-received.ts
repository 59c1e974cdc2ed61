/**
 * Record an uploaded document (S3 ObjectCreated → document-received).
 *  1. Parse the key (applications/<id>/<document>/<ulid>); objects outside that shape are not ours.
 *  2. Read the object: size, SHA-256, declared type, first bytes. Gone already: a duplicate event, nothing to do.
 *  3. Check the magic bytes against the declared type. A mismatch is recorded, the applicant told why (outbox) and
 *     the object deleted.
 *  4. Otherwise record the document, scan pending, and an event. The same key twice, or a key the malware scan
 *     already refused (its result can come first), changes nothing.
 *     An active therapist's upload is a renewal to verify instead (renewals.ts), scanned the same way.
 *  5. The document counts only once scanned clean (document-scanned completes the step then): never here.
 *  6. After the commit: delete refused or superseded objects, deliver the outbox. Failures throw, so the platform
 *     retries; the retry finds the committed state and only finishes the delivery.
 */
import type { Application, StoredDocument } from '../domain/application.ts';
import {
  type DetectedType,
  detectContentType,
  isReceived,
  MAX_UPLOAD_BYTES,
  renewalUploadsOpen,
} from '../domain/documents.ts';
import { documentRefused, documentsReceived, staffApplicationReady } from '../emails/templates.ts';
import type { Ports } from '../ports/index.ts';
import { logger } from '../shared/logger.ts';
import { parseDocumentKey } from './create-upload.ts';
import { renewalReceived } from './renewals.ts';
import {
  completeStep,
  deliverOutbox,
  enterStage,
  event,
  mutate,
  outboxEntry,
  withoutUndefined,
} from './support.ts';

export interface MailContext {
  siteUrl: string;
  staffEmail: string;
}

export type DocumentOutcome = 'ignored' | 'duplicate' | 'refused' | 'recorded' | 'complete';

/**
 * When every required document is received (scanned clean): stage in-review, the applicant's confirmation and the
 * staff notification go in the outbox, and so does the documents step's task token (spent once, by this change).
 * Undefined while one is still missing or being checked.
 */
export const completeDocuments = (
  app: Application,
  now: Date,
  ctx: MailContext,
): { next: Application; events: ReturnType<typeof event>[] } | undefined => {
  if (app.stage !== 'awaiting-documents') return undefined;
  if (!app.requiredDocuments.every((kind) => isReceived(app.documents[kind]))) return undefined;
  const stage = enterStage(app, 'in-review', now);
  const step = completeStep(app, 'documents', { documents: 'complete' });
  const next: Application = withoutUndefined({ ...app, ...stage.fields, ...step });
  next.outbox = [
    ...next.outbox,
    outboxEntry({ kind: 'email', email: documentsReceived(next, ctx.siteUrl) }),
    outboxEntry({ kind: 'email', email: staffApplicationReady(next, ctx.siteUrl, ctx.staffEmail) }),
  ];
  return { next, events: [event(app.id, now, 'documents-complete'), stage.event] };
};

const refusal = (
  declared: string,
  detected: DetectedType | undefined,
  sizeBytes: number,
): string | undefined => {
  if (sizeBytes > MAX_UPLOAD_BYTES) return 'the file is larger than 10 MB.';
  if (!detected) return 'the file is not a PDF, JPEG or PNG.';
  if (detected !== declared) return `the file was sent as ${declared} but its contents are ${detected}.`;
  return undefined;
};

export const documentReceived = async (
  input: { key: string },
  ports: Ports,
  ctx: MailContext,
): Promise<DocumentOutcome> => {
  const parsed = parseDocumentKey(input.key);
  if (!parsed) {
    await logger.debug('object outside the uploaded-documents layout ignored');
    return 'ignored';
  }
  const { applicationId, document } = parsed;
  const object = await ports.documents.inspect(input.key);
  if (!object) return 'duplicate';

  const reason = refusal(object.contentType, detectContentType(object.head), object.sizeBytes);
  let outcome = 'ignored' as DocumentOutcome;
  let superseded = undefined as string | undefined;

  const result = await mutate(
    ports,
    applicationId,
    (app, now): { next: Application; events: ReturnType<typeof event>[] } | undefined => {
      superseded = undefined;
      const renewal = renewalUploadsOpen(app);
      if (app.stage !== 'awaiting-documents' && !renewal) {
        outcome = 'ignored';
        return undefined;
      }
      if (
        (renewal ? app.renewals : app.documents)?.[document]?.key === input.key ||
        app.refusedUploads?.some((refused) => refused.key === input.key)
      ) {
        outcome = 'duplicate';
        return undefined;
      }
      if (reason) {
        outcome = 'refused';
        const next: Application = {
          ...app,
          documentProblems: { ...app.documentProblems, [document]: reason },
          outbox: [
            ...app.outbox,
            outboxEntry({ kind: 'email', email: documentRefused(app, document, reason, ctx.siteUrl) }),
          ],
        };
        return {
          next,
          events: [event(app.id, now, 'document-refused', { document, reason: reason.slice(0, 120) })],
        };
      }
      const stored: StoredDocument = {
        key: input.key,
        contentType: object.contentType,
        sizeBytes: object.sizeBytes,
        sha256: object.sha256,
        receivedAt: now.toISOString(),
        scan: 'pending',
      };
      if (renewal) {
        superseded = app.renewals?.[document]?.key;
        outcome = 'recorded';
        return renewalReceived(app, document, stored, now);
      }
      superseded = app.documents[document]?.key;
      const { [document]: _cleared, ...problems } = app.documentProblems;
      const next: Application = {
        ...app,
        documents: { ...app.documents, [document]: stored },
        documentProblems: problems,
      };
      outcome = 'recorded';
      const events = [event(app.id, now, 'document-received', { document, sizeBytes: object.sizeBytes })];
      return { next, events };
    },
  );

  if (!result) {
    await logger.warn('document for an unknown application', { applicationId });
    await ports.documents.delete(input.key);
    return 'ignored';
  }
  if (outcome === 'refused') await ports.documents.delete(input.key);
  if (superseded) await ports.documents.delete(superseded);
  const { failed } = await deliverOutbox(ports, result.after, result.before);
  if (failed.length > 0) throw new Error(`${failed.length} outbox entries of ${applicationId} not delivered`);
  await logger.info('document processed', { applicationId, document, outcome });
  return outcome;
};
