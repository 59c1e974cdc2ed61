/**
 * Retention (daily; also POST /__dev/schedules/retention with `asOf`), DESIGN §3 and §7.
 *  1. Read only what is due through the sparse retention index.
 *  2. A rejected, withdrawn or lapsed application 6 months after closing: every stored object and version under
 *     its prefix, then its events, then the item itself with a tombstone event (no personal data) in one
 *     transaction. Each step is safe to repeat, and the item goes last, so a run that stops half-way leaves the
 *     application in the index and the next run finishes it.
 *  3. A DBS certificate image 6 months after the review decision: the objects deleted (every upload and
 *     version), the certificate number, issue date, level and decision kept, an event recorded.
 */

import { retentionDate, retentionDue } from '../domain/compliance.ts';
import { londonToday } from '../domain/dates.ts';
import type { Ports } from '../ports/index.ts';
import { event, mutate } from './support.ts';

export interface RetentionResult {
  asOf: string;
  examined: number;
  applicationsDeleted: number;
  dbsImagesDeleted: number;
  objectsDeleted: number;
}

const PAGE = 100;

export const retention = async (input: { asOf: Date }, ports: Ports): Promise<RetentionResult> => {
  const today = londonToday(input.asOf);
  const result: RetentionResult = {
    asOf: input.asOf.toISOString(),
    examined: 0,
    applicationsDeleted: 0,
    dbsImagesDeleted: 0,
    objectsDeleted: 0,
  };
  const seen = new Set<string>();
  // Deleting changes the index as we go, so always read the first page again until nothing due is left.
  for (;;) {
    const page = await ports.store.retentionDue(input.asOf.toISOString(), PAGE);
    const pending = page.items.filter((app) => !seen.has(app.id));
    if (pending.length === 0) break;
    for (const app of pending) {
      seen.add(app.id);
      result.examined++;
      if (app.closedAt && retentionDue(retentionDate(londonToday(new Date(app.closedAt))), today)) {
        result.objectsDeleted += await ports.documents.deletePrefix(`applications/${app.id}/`);
        await ports.store.purge(
          app.id,
          event(app.id, input.asOf, 'application-deleted', {
            stage: app.stage,
            closedOn: app.closedAt.slice(0, 10),
          }),
        );
        result.applicationsDeleted++;
        continue;
      }
      if (app.documents['dbs-certificate'] && !app.dbsImageDeletedAt) {
        result.objectsDeleted += await ports.documents.deletePrefix(
          `applications/${app.id}/dbs-certificate/`,
        );
        await mutate(ports, app.id, (current, now) => {
          const stored = current.documents['dbs-certificate'];
          if (!stored || current.dbsImageDeletedAt) return undefined;
          const { key: _deleted, ...kept } = stored;
          return {
            next: {
              ...current,
              documents: { ...current.documents, 'dbs-certificate': { ...kept, key: '' } },
              dbsImageDeletedAt: now.toISOString(),
            },
            events: [event(current.id, now, 'dbs-image-deleted')],
          };
        });
        result.dbsImagesDeleted++;
      }
    }
    if (!page.cursor && page.items.length < PAGE) break;
  }
  return result;
};
