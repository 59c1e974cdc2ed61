/**
 * The events this system publishes on its own EventBridge bus for the provider's other systems (DESIGN §5, issue 11
 * §3): one per domain change, turned from the audit trail's entries. Each carries ids, the stage and a few facts,
 * never names, emails or DBS data: a consumer that needs more calls the API. Their JSON Schemas are generated from
 * lambdas/shared/published-event-schemas.ts into schemas/events/ (`npm run schemas:events`).
 */
import type { Stage } from './stages.ts';

export const EVENT_SOURCE = 'affiliate-onboarding';

/** Every detail-type, in the order of a journey; each has `schemas/events/<detail-type>.v1.json`. */
export const PUBLISHED_EVENT_TYPES = [
  'application.submitted',
  'application.documents-complete',
  'application.approved',
  'application.changes-requested',
  'application.rejected',
  'contract.signed',
  'therapist.account-created',
  'induction.recorded',
  'induction.extended',
  'therapist.activated',
  'therapist.availability-changed',
  'therapist.paused',
  'application.withdrawn',
  'application.lapsed',
  'dbs.flag-raised',
  'dbs.flag-cleared',
  'insurance.flag-raised',
  'insurance.flag-cleared',
] as const;
export type PublishedEventType = (typeof PUBLISHED_EVENT_TYPES)[number];

/** The version of every detail's schema; a breaking change publishes `.v2` beside it. */
export const EVENT_SCHEMA_VERSION = 1;

export type EventDetailValue = string | number | boolean | string[];

/** What every detail carries; `schemaVersion` lets a consumer pick the schema it validates against. */
export interface PublishedEventDetail {
  /** The audit entry's id (a ULID): a redelivered event has the same one, so a consumer can drop duplicates. */
  eventId: string;
  applicationId: string;
  stage: Stage;
  /** When the change happened (ISO 8601), the audit entry's time. */
  at: string;
  schemaVersion: number;
  [fact: string]: EventDetailValue;
}

export interface PublishedEvent {
  source: typeof EVENT_SOURCE;
  detailType: PublishedEventType;
  detail: PublishedEventDetail;
}

/** An audit entry as the table stream carries it: the store writes the stage it left the application in. */
export interface HistoryEntry {
  /** The entry's own id: the ULID that ends its sort key. */
  id: string;
  applicationId: string;
  at: string;
  type: string;
  stage?: Stage;
  details?: Record<string, string | number | boolean>;
}

const DBS_FLAGS = new Set(['dbs-overdue', 'dbs-renewal-overdue']);
const INSURANCE_FLAGS = new Set(['insurance-expired']);

const text = (details: HistoryEntry['details'], key: string): string | undefined => {
  const value = details?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** The detail-type of an entry and the facts it adds to the detail; undefined: no event for this entry. */
const classify = (
  entry: HistoryEntry,
): { type: PublishedEventType; facts?: Record<string, EventDetailValue | undefined> } | undefined => {
  const { details } = entry;
  switch (entry.type) {
    case 'application-submitted':
      return { type: 'application.submitted', facts: { dbsAssessment: text(details, 'dbsAssessment') } };
    case 'documents-complete':
      return { type: 'application.documents-complete' };
    case 'review-decided': {
      const decision = text(details, 'decision');
      if (decision === 'approve') return { type: 'application.approved' };
      if (decision === 'reject') return { type: 'application.rejected' };
      if (decision === 'request-changes') {
        const documents = text(details, 'documents')?.split(' ');
        return { type: 'application.changes-requested', facts: { documents } };
      }
      return undefined;
    }
    case 'contract-signed':
      return { type: 'contract.signed', facts: { contractVersion: text(details, 'version') } };
    case 'account-created':
      return {
        type: 'therapist.account-created',
        facts: { accountId: text(details, 'accountId'), recordedBy: text(details, 'recordedBy') },
      };
    case 'induction-recorded':
      return { type: 'induction.recorded', facts: { attendedOn: text(details, 'attendedOn') } };
    case 'induction-extended':
      return { type: 'induction.extended', facts: { lastStartDate: text(details, 'lastStartDate') } };
    case 'stage-changed':
      return text(details, 'to') === 'active' ? { type: 'therapist.activated' } : undefined;
    case 'availability-changed':
      return {
        type: 'therapist.availability-changed',
        facts: { effectiveFrom: text(details, 'effectiveFrom') },
      };
    case 'therapist-paused':
      // The audit entry names the days firstDay/lastDay (use-cases/self-service.ts); the event from/to.
      return {
        type: 'therapist.paused',
        facts: { from: text(details, 'firstDay'), to: text(details, 'lastDay') },
      };
    case 'withdrawn':
      return { type: 'application.withdrawn' };
    case 'lapsed':
      return { type: 'application.lapsed' };
    case 'compliance-flag-raised':
    case 'compliance-flag-cleared': {
      const flag = text(details, 'flag');
      const raised = entry.type === 'compliance-flag-raised';
      if (flag && DBS_FLAGS.has(flag))
        return { type: raised ? 'dbs.flag-raised' : 'dbs.flag-cleared', facts: { flag } };
      if (flag && INSURANCE_FLAGS.has(flag))
        return { type: raised ? 'insurance.flag-raised' : 'insurance.flag-cleared', facts: { flag } };
      return undefined;
    }
    default:
      return undefined;
  }
};

/**
 * The event an audit entry publishes, if any. Only the facts named here leave the system: never the entry's other
 * details, never its actor.
 */
export const toPublishedEvent = (entry: HistoryEntry): PublishedEvent | undefined => {
  if (!entry.stage) return undefined;
  const kind = classify(entry);
  if (!kind) return undefined;
  const facts = Object.fromEntries(
    Object.entries(kind.facts ?? {}).filter(
      (pair): pair is [string, EventDetailValue] => pair[1] !== undefined,
    ),
  );
  return {
    source: EVENT_SOURCE,
    detailType: kind.type,
    detail: {
      ...facts,
      eventId: entry.id,
      applicationId: entry.applicationId,
      stage: entry.stage,
      at: entry.at,
      schemaVersion: EVENT_SCHEMA_VERSION,
    },
  };
};
