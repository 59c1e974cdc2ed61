/**
 * Record the malware scan of an upload (GuardDuty Malware Protection for S3 → EventBridge → document-scanned;
 * locally lib/local/scanner.ts). An upload counts only once scanned clean (domain/documents.ts isReceived).
 *  1. Parse the key; objects outside the uploaded-documents layout are not ours.
 *  2. Clean, and it is the application's current document of its kind: mark it clean. When every required
 *     document is then received, the documents step completes (document-received.ts completeDocuments).
 *     Clean but not (yet) recorded: the object gone means it was superseded or refused, nothing to do; the
 *     object still there means document-received has not recorded it yet, so fail and let the platform retry
 *     (Lambda retries an asynchronous invocation twice, a minute or more apart; then its on-failure queue).
 *  3. Infected or not scannable: the upload is refused. It is listed in `refusedUploads` (document-received then
 *     never records it), taken off the application if it was recorded, the problem shown to the applicant and the
 *     applicant emailed to upload another while documents are awaited; for malware, staff are alerted and the
 *     event `document-infected` is recorded. The same key twice changes nothing.
 *  4. After the commit: delete a refused file, deliver the outbox. Failures throw, so the platform retries.
 */
import type { Application } from '../domain/application.ts';
import { isReceived, type RefusedUpload, renewalUploadsOpen, type ScanResult } from '../domain/documents.ts';
import { documentRefused, renewalReceivedReceipt, staffDocumentInfected } from '../emails/templates.ts';
import type { Ports } from '../ports/index.ts';
import { logger } from '../shared/logger.ts';
import { parseDocumentKey } from './create-upload.ts';
import { completeDocuments, type MailContext } from './document-received.ts';
import { deliverOutbox, event, mutate, outboxEntry } from './support.ts';

export type ScanOutcome = 'ignored' | 'duplicate' | 'clean' | 'complete' | 'refused';

/** Thrown when a scan result arrives before the upload is recorded: the platform retries the event. */
export class ScanBeforeRecord extends Error {
  override name = 'ScanBeforeRecord';
}

export const INFECTED_REASON =
  'our virus check found harmful content in it, so we deleted it. Please check your device before uploading another copy.';
export const UNSCANNABLE_REASON =
  'our virus check could not read it (a password-protected or damaged file cannot be checked), so we deleted it.';

export const documentScanned = async (
  input: { key: string; result: ScanResult },
  ports: Pick<Ports, 'store' | 'documents' | 'mailer' | 'workflow' | 'clock'>,
  ctx: MailContext,
): Promise<ScanOutcome> => {
  const parsed = parseDocumentKey(input.key);
  if (!parsed) {
    await logger.debug('scan of an object outside the uploaded-documents layout ignored');
    return 'ignored';
  }
  const { applicationId, document } = parsed;
  const { result: scan } = input;
  let outcome = 'ignored' as ScanOutcome;
  let awaited = false;

  const result = await mutate(ports, applicationId, (app, now) => {
    // An active therapist's upload is a renewal to verify (renewals.ts): scanned and gated the same way.
    const renewal = app.renewals?.[document]?.key === input.key;
    const current = renewal ? app.renewals?.[document] : app.documents[document];
    awaited = app.stage === 'awaiting-documents' || renewalUploadsOpen(app);
    if (app.refusedUploads?.some((refused) => refused.key === input.key)) {
      outcome = 'duplicate';
      return undefined;
    }
    if (scan.status === 'clean') {
      if (current?.key !== input.key) {
        outcome = 'ignored';
        return undefined;
      }
      if (isReceived(current)) {
        outcome = 'duplicate';
        return undefined;
      }
      outcome = 'clean';
      const cleaned = { ...current, scan: 'clean' as const };
      const next: Application = renewal
        ? { ...app, renewals: { ...app.renewals, [document]: cleaned } }
        : { ...app, documents: { ...app.documents, [document]: cleaned } };
      const events = [event(app.id, now, 'document-scanned', { document })];
      if (renewal) {
        next.outbox = [
          ...next.outbox,
          outboxEntry({ kind: 'email', email: renewalReceivedReceipt(next, document, ctx.siteUrl) }),
        ];
        return { next, events };
      }
      const complete = completeDocuments(next, now, ctx);
      if (!complete) return { next, events };
      outcome = 'complete';
      return { next: complete.next, events: [...events, ...complete.events] };
    }
    outcome = 'refused';
    const infected = scan.status === 'infected';
    const reason = infected ? INFECTED_REASON : UNSCANNABLE_REASON;
    const refused: RefusedUpload = {
      document,
      key: input.key,
      reason: infected ? 'infected' : 'unscannable',
      ...(infected ? { threats: scan.threats.slice(0, 5).map((t) => t.slice(0, 120)) } : {}),
      at: now.toISOString(),
    };
    const wasCurrent = current?.key === input.key;
    const { [document]: _removed, ...otherDocuments } = app.documents;
    const { [document]: _refusedRenewal, ...otherRenewals } = app.renewals ?? {};
    // The applicant is asked for another only when this upload is the one documents wait on (or the renewal
    // the therapist sent).
    const askAgain = renewal || (app.stage === 'awaiting-documents' && (wasCurrent || !current));
    const next: Application = {
      ...app,
      documents: wasCurrent && !renewal ? otherDocuments : app.documents,
      ...(renewal ? { renewals: otherRenewals } : {}),
      documentProblems: askAgain ? { ...app.documentProblems, [document]: reason } : app.documentProblems,
      refusedUploads: [...(app.refusedUploads ?? []), refused],
      outbox: [
        ...app.outbox,
        ...(askAgain
          ? [outboxEntry({ kind: 'email', email: documentRefused(app, document, reason, ctx.siteUrl) })]
          : []),
        ...(infected
          ? [
              outboxEntry({
                kind: 'email',
                email: staffDocumentInfected(
                  app,
                  document,
                  refused.threats ?? [],
                  askAgain,
                  ctx.siteUrl,
                  ctx.staffEmail,
                ),
              }),
            ]
          : []),
      ],
    };
    return {
      next,
      events: [
        infected
          ? event(app.id, now, 'document-infected', { document, threats: (refused.threats ?? []).join(', ') })
          : event(app.id, now, 'document-refused', { document, reason: reason.slice(0, 120) }),
      ],
    };
  });

  if (!result) {
    await logger.warn('scan of a document of an unknown application', { applicationId });
    if (scan.status !== 'clean') await ports.documents.delete(input.key);
    return 'ignored';
  }
  if (outcome === 'refused') await ports.documents.delete(input.key);
  if (outcome === 'ignored' && awaited && (await ports.documents.inspect(input.key))) {
    // Clean, still there, but not recorded: document-received has not run yet (its event comes separately).
    throw new ScanBeforeRecord(`the upload of ${applicationId} is not recorded yet`);
  }
  const { failed } = await deliverOutbox(ports, result.after, result.before);
  if (failed.length > 0) throw new Error(`${failed.length} outbox entries of ${applicationId} not delivered`);
  await logger.info('document scan recorded', { applicationId, document, outcome });
  return outcome;
};
