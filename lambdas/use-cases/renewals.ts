/**
 * Renewed documents an active therapist uploads themselves (issue 11 §2): a renewed indemnity insurance schedule
 * or a new DBS certificate. They go to the affiliate team's "to verify" queue (the sparse by-verify index);
 * verifying is recording the policy or the certificate through the staff routes, as before, which also clears the
 * renewal.
 *
 * renewalReceived (from document-received, for an active therapist)
 *  1. The upload is kept as the renewal of its kind (a second upload of the same kind replaces the first, which the
 *     caller deletes).
 *  2. `renewal-received` in the history; the receipt emailed to the therapist.
 * renewalVerified (from the staff insurance and DBS routes): the renewal of that kind, if any, becomes the
 *  application's document of that kind and leaves the queue; `renewal-verified` in the history.
 */
import type { Application, ApplicationEvent, StoredDocument } from '../domain/application.ts';
import type { DocumentKind } from '../domain/stages.ts';
import { event } from './support.ts';

export const renewalReceived = (
  app: Application,
  document: DocumentKind,
  stored: StoredDocument,
  now: Date,
): { next: Application; events: ApplicationEvent[] } => {
  const { [document]: _cleared, ...problems } = app.documentProblems;
  const next: Application = {
    ...app,
    renewals: { ...app.renewals, [document]: stored },
    documentProblems: problems,
  };
  // The therapist's receipt waits for the malware scan: document-scanned sends it once the file is clean, so an
  // infected upload never gets "we have it" before "please upload it again".
  return {
    next,
    events: [event(app.id, now, 'renewal-received', { document, sizeBytes: stored.sizeBytes }, 'applicant')],
  };
};

export const renewalVerified = (
  app: Application,
  document: DocumentKind,
  now: Date,
  staffId: string,
): { fields: Pick<Application, 'renewals' | 'documents'>; events: ApplicationEvent[] } => {
  const renewal = app.renewals?.[document];
  if (!renewal) return { fields: { renewals: app.renewals, documents: app.documents }, events: [] };
  const { [document]: _verified, ...waiting } = app.renewals ?? {};
  return {
    // `renewals: undefined` removes the attribute (the caller drops undefined keys), taking it out of the index.
    fields: {
      renewals: Object.keys(waiting).length > 0 ? waiting : undefined,
      documents: { ...app.documents, [document]: renewal },
    },
    events: [event(app.id, now, 'renewal-verified', { document }, 'staff', staffId)],
  };
};
