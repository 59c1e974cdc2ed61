/**
 * The detail of each published event (lambdas/domain/published-events.ts), strict: a fact not listed here cannot
 * slip into an event unnoticed (test/unit/domain/published-events.test.ts validates every mapped event against the
 * generated JSON Schema). `npm run schemas:events` writes them to schemas/events/<detail-type>.v1.json.
 */
import * as z from 'zod';
import { APPLICATION_ID_PATTERN as ULID_PATTERN } from '../domain/ids.ts';
import { EVENT_SCHEMA_VERSION, EVENT_SOURCE, type PublishedEventType } from '../domain/published-events.ts';
import { DBS_ASSESSMENTS, DOCUMENT_KINDS, STAGES } from '../domain/stages.ts';
import { isoDate } from './schemas.ts';

const base = {
  eventId: z.string().regex(ULID_PATTERN).describe('The change (a ULID): the same on a redelivered event'),
  applicationId: z.string().regex(ULID_PATTERN).describe('The application (a ULID)'),
  stage: z.enum(STAGES).describe('The stage the change left the application in'),
  at: z.iso.datetime().describe('When the change happened'),
  schemaVersion: z.literal(EVENT_SCHEMA_VERSION),
};

const detail = (description: string, facts: z.ZodRawShape = {}) =>
  z.strictObject({ ...base, ...facts }).describe(description);

const dbsFlag = z.enum(['dbs-overdue', 'dbs-renewal-overdue']);
const insuranceFlag = z.literal('insurance-expired');

export const PUBLISHED_EVENT_SCHEMAS: Record<PublishedEventType, z.ZodType> = {
  'application.submitted': detail('An application was submitted', {
    dbsAssessment: z.enum(DBS_ASSESSMENTS),
  }),
  'application.documents-complete': detail('Every required document was received'),
  'application.approved': detail('The affiliate team approved the application'),
  'application.changes-requested': detail('The affiliate team asked for documents again', {
    documents: z.array(z.enum(DOCUMENT_KINDS)).min(1).optional(),
  }),
  'application.rejected': detail('The affiliate team rejected the application'),
  'contract.signed': detail(
    'The applicant signed the contract: the therapy platform is asked to invite the therapist to an account',
    { contractVersion: z.string().min(1) },
  ),
  'therapist.account-created': detail(
    "The therapy platform's account of the therapist exists (seed step 3)",
    {
      accountId: z.string().min(1).max(128),
      recordedBy: z.enum(['platform', 'staff']),
    },
  ),
  'induction.recorded': detail('The applicant attended the induction', { attendedOn: isoDate }),
  'induction.extended': detail('The induction window was extended', { lastStartDate: isoDate }),
  'therapist.activated': detail('The therapist is active: availability given, ready for patients'),
  'therapist.availability-changed': detail("An active therapist's weekly availability changed", {
    effectiveFrom: isoDate,
  }),
  'therapist.paused': detail('An active therapist takes no new patients for a period', {
    from: isoDate,
    to: isoDate,
  }),
  'application.withdrawn': detail('The applicant withdrew'),
  'application.lapsed': detail('The application lapsed: no answer in time'),
  'dbs.flag-raised': detail('A DBS deadline passed: the therapist is flagged', { flag: dbsFlag }),
  'dbs.flag-cleared': detail('A DBS flag cleared', { flag: dbsFlag }),
  'insurance.flag-raised': detail('The indemnity insurance expired: the therapist is flagged', {
    flag: insuranceFlag,
  }),
  'insurance.flag-cleared': detail('The insurance flag cleared (renewed insurance recorded)', {
    flag: insuranceFlag,
  }),
};

/** The schema's file, from the project root. */
export const eventSchemaPath = (type: PublishedEventType): string =>
  `schemas/events/${type}.v${EVENT_SCHEMA_VERSION}.json`;

/** The JSON Schema (2020-12) of one detail-type, as checked in. */
export const eventJsonSchema = (type: PublishedEventType): Record<string, unknown> => {
  const { $schema, ...rest } = z.toJSONSchema(PUBLISHED_EVENT_SCHEMAS[type], { io: 'input' });
  return {
    $schema,
    $id: `urn:${EVENT_SOURCE}:events:${type}:v${EVENT_SCHEMA_VERSION}`,
    title: `${EVENT_SOURCE} ${type} v${EVENT_SCHEMA_VERSION}`,
    ...rest,
  };
};
