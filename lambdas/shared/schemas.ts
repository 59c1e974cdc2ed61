/**
 * The API's request and response shapes (DESIGN §5), strict at every level. The same module validates requests in
 * the Lambdas, generates /openapi.json and runs the client-side checks of the web form, so the three cannot drift.
 * It may import only zod and the domain's constants: it is bundled for the browser too.
 *
 * Written in zod/mini, which every function that parses a body loads at cold start (about 20 KB against 90 KB of
 * full zod, issue 10): a method of full zod is a check inside `.check()` (`.regex(re, m)` is `z.regex(re, m)`,
 * `.min/.max` are `z.minLength/z.maxLength` on strings and arrays and `z.minimum/z.maximum` on numbers, `.trim()`
 * is `z.trim()`, `.refine(f, m)` is `z.refine(f, m)`, `.meta(x)` is `z.meta(x)`), and a wrapper is a function
 * (`z.optional(x)`, `z._default(x, v)`, `z.pipe(x, z.transform(f))`, `z.omit(x, {...})`). ./zod-messages.ts gives
 * mini the English messages full zod has, so a 400 reads the same.
 */
import * as z from 'zod/mini';
import './zod-messages.ts';
import { CALENDAR_DATE_SOURCE } from '../domain/dates.ts';
import { MAX_UPLOAD_BYTES, UPLOAD_CONTENT_TYPES } from '../domain/documents.ts';
import { APPLICATION_ID_PATTERN } from '../domain/ids.ts';
import {
  DBS_ASSESSMENTS,
  DBS_CHECK_METHODS,
  DBS_LEVELS,
  DOCUMENT_KINDS,
  INSURANCE_BASES,
  STAGES,
} from '../domain/stages.ts';

/*
 * Every check of a request below is one JSON Schema states (a pattern, a length, an enum; a refinement only beside
 * the keyword that states it, like `uniqueItems`), and trimming or case changes come after the checks, so
 * /openapi.json publishes exactly the rules the server applies: a body passes the published schema if and only if
 * it passes here (test/unit/shared/openapi.test.ts). Patterns carry the `u` flag, as JSON Schema patterns do.
 */

/** A real calendar date: `2026-02-30` and `0000-01-01` are refused (DESIGN §5). */
export const isoDate = /* @__PURE__ */ (() =>
  z
    .string()
    .check(
      z.regex(/^\d{4}-\d{2}-\d{2}$/u, { message: 'Enter a date with its day, month and year', abort: true }),
      z.regex(new RegExp(`^${CALENDAR_DATE_SOURCE}$`, 'u'), 'This is not a real calendar date'),
      z.meta({ format: 'date', examples: ['2026-01-31'] }),
    ))();

/** Every `{id}` of a path: an application id, a ULID (Crockford base32, 26 characters). */
export const applicationIdSchema = /* @__PURE__ */ (() =>
  z.string().check(z.regex(APPLICATION_ID_PATTERN, 'Not an application id')))();

/** The optional `Idempotency-Key` header of POST /applications. */
export const idempotencyKeySchema = /* @__PURE__ */ (() =>
  z
    .string()
    .check(z.regex(/^[\x21-\x7e]{8,255}$/u, 'Use 8 to 255 visible ASCII characters, such as a UUID')))();

/** Trimmed text of at most `max` characters (at least 1 unless `optional`), checked before it is trimmed. */
const text = (max: number, { optional = false } = {}) => {
  const length = new RegExp(`^\\s*(?:\\S(?:[\\s\\S]{0,${max - 2}}\\S)?)${optional ? '?' : ''}\\s*$`, 'u');
  const required = optional ? [] : [z.regex(/\S/u, { message: 'Required', abort: true })];
  return z.string().check(...required, z.regex(length, `At most ${max} characters`), z.trim());
};

export const applicantSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    firstName: text(100),
    lastName: text(100),
    email: z.email('Enter a valid email address').check(z.maxLength(254), z.toLowerCase()),
    // 7 to 20 of digits, spaces, brackets and dashes after an optional +, neither end a space once trimmed.
    phone: z
      .string()
      .check(
        z.regex(
          /^\s*(?:\+[0-9 ()-]{6,19}[0-9()-]|[0-9()-][0-9 ()-]{5,18}[0-9()-])\s*$/u,
          'Enter a phone number of 7 to 20 digits, spaces allowed',
        ),
        z.trim(),
      ),
    dateOfBirth: isoDate,
    postcode: z
      .string()
      .check(
        z.regex(
          /^\s*[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}\s*$/u,
          'Enter a UK postcode, like SW1A 1AA',
        ),
        z.trim(),
        z.toUpperCase(),
      ),
  }))();

export const PROFESSIONAL_BODIES = ['BABCP', 'BACP', 'UKCP', 'HCPC', 'BPS', 'other'] as const;

export const professionalSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    body: z.enum(PROFESSIONAL_BODIES),
    membershipNumber: text(50),
    accredited: z.literal(true, 'Only accredited therapists can join the network'),
  }))();

export const dbsWithCertificateSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    hasCertificate: z.literal(true),
    level: z.enum(DBS_LEVELS),
    certificateNumber: z.string().check(z.regex(/^\d{12}$/, 'A DBS certificate number has 12 digits')),
    issueDate: isoDate,
    onUpdateService: z.boolean(),
    applyOnMyBehalf: z.optional(z.boolean()),
    acceptsFee: z.optional(z.boolean()),
  }))();

export const dbsWithoutCertificateSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    hasCertificate: z.literal(false),
    applyOnMyBehalf: z.boolean(),
    acceptsFee: z.optional(z.boolean()),
  }))();

export const dbsSchema = /* @__PURE__ */ (() =>
  z.discriminatedUnion('hasCertificate', [dbsWithCertificateSchema, dbsWithoutCertificateSchema]))();

export const insuranceSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    insurer: text(100),
    policyNumber: text(50),
    coverAmountGbp: z.int('Whole pounds, no pence').check(z.positive(), z.maximum(1_000_000_000)),
    basis: z.enum(INSURANCE_BASES),
    startDate: isoDate,
    endDate: isoDate,
  }))();

export const consentsSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    privacyNotice: z.literal(true, 'You must accept the privacy notice'),
    criminalRecordProcessing: z.literal(true, 'You must consent to the processing of criminal record data'),
  }))();

export const createApplicationSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    applicant: applicantSchema,
    professional: professionalSchema,
    dbs: dbsSchema,
    insurance: insuranceSchema,
    consents: consentsSchema,
  }))();
export type CreateApplicationInput = z.infer<typeof createApplicationSchema>;

export const documentKindSchema = /* @__PURE__ */ (() => z.enum(DOCUMENT_KINDS))();
// Defined in the domain so that a function checking uploads does not construct every schema to read a constant.
export { MAX_UPLOAD_BYTES, UPLOAD_CONTENT_TYPES };
/** A presigned POST pins one content type (S3 policies cannot say "one of"), so the client names the file's type;
 *  PDF when it does not. */
export const createUploadSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    document: documentKindSchema,
    contentType: z.optional(z.enum(UPLOAD_CONTENT_TYPES)),
  }))();
export type CreateUploadInput = z.infer<typeof createUploadSchema>;

export const uploadSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    document: documentKindSchema,
    contentType: z.enum(UPLOAD_CONTENT_TYPES),
    url: z.url(),
    fields: z.record(z.string(), z.string()),
    maxBytes: z.int(),
    expiresAt: z.iso.datetime(),
  }))();

export const createApplicationResponseSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    applicationId: z.string(),
    accessToken: z.string(),
    stage: z.enum(STAGES),
    dbs: z.strictObject({ assessment: z.enum(DBS_ASSESSMENTS), reasons: z.array(z.string()) }),
    uploads: z.array(uploadSchema),
  }))();

export const checklistItemSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    id: z.string(),
    label: z.string(),
    status: z.enum(['done', 'waiting-on-you', 'waiting-on-us', 'not-yet']),
    detail: z.optional(z.string()),
  }))();

export const timelineEntrySchema = /* @__PURE__ */ (() =>
  z.strictObject({
    at: z.iso.datetime(),
    type: z.string(),
    summary: z.string(),
  }))();

export const applicationViewSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    applicationId: z.string(),
    stage: z.enum(STAGES),
    firstName: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    dbs: z.strictObject({ assessment: z.enum(DBS_ASSESSMENTS), reasons: z.array(z.string()) }),
    documents: z.array(
      z.strictObject({
        document: documentKindSchema,
        required: z.boolean(),
        received: z.boolean(),
        /** Uploaded, being checked for viruses: not received until it is found clean. */
        checking: z.optional(z.literal(true)),
        receivedAt: z.optional(z.iso.datetime()),
        rejectedReason: z.optional(z.string()),
      }),
    ),
    checklist: z.array(checklistItemSchema),
    blocking: z.array(z.string()),
    deadlines: z.array(z.strictObject({ id: z.string(), label: z.string(), date: isoDate })),
    timeline: z.array(timelineEntrySchema),
    /** What the applicant gave when they became active: the welcome panel sums it up. */
    availability: z.optional(
      z.strictObject({
        patientsPerWeek: z.int(),
        startDate: isoDate,
        weeklySlots: z.array(z.strictObject({ day: z.string(), start: z.string(), end: z.string() })),
      }),
    ),
    ...selfServiceViewShape(),
    /** The provider's DBS application, once the applicant has accepted the fee. */
    dbsApplication: z.optional(
      z.strictObject({
        status: z.enum(['requested', 'applied', 'certificate-recorded']),
        feeGbp: z.int(),
        acceptsFee: z.literal(true),
        appliedOn: z.optional(isoDate),
        dueBy: z.optional(isoDate),
      }),
    ),
  }))();
export type ApplicationView = z.infer<typeof applicationViewSchema>;

export const problemSchema = /* @__PURE__ */ (() =>
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.optional(z.string()),
    errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  }))();

export const reviewSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    decision: z.enum(['approve', 'request-changes', 'reject']),
    /** The DBS checks apply only to a certificate the applicant has: not demanded otherwise. */
    checks: z.strictObject({
      dbsOriginalSeen: z.optional(z.boolean()),
      dbsCheckMethod: z.optional(z.enum(DBS_CHECK_METHODS)),
      insuranceVerified: z.boolean(),
      registerChecked: z.boolean(),
    }),
    note: text(2000, { optional: true }),
    /** With request-changes: the documents to send again (the others are kept); omitted, every required one. */
    documents: z.optional(
      z.array(documentKindSchema).check(
        z.minLength(1, 'Name at least one document to send again'),
        z.maxLength(DOCUMENT_KINDS.length),
        z.refine((kinds) => new Set(kinds).size === kinds.length, 'Name each document once'),
        z.meta({ uniqueItems: true }),
      ),
    ),
  }))();

/** The applicant's part of the provider's DBS application: consent to the fee shown, and optionally "apply now". */
export const dbsApplicationRequestSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    acceptsFee: z.literal(true, 'Tick the box to accept the DBS certificate fee'),
    applyNow: z.optional(z.boolean()),
  }))();

/** Staff applied for the certificate on this day, with the DBS's reference. */
export const dbsApplicationMadeSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    appliedOn: isoDate,
    reference: text(50),
  }))();

export const dbsStatusCheckSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    checkedOn: isoDate,
    result: z.enum(['no-new-information', 'new-information']),
  }))();

export const newDbsCertificateSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    certificateNumber: z.string().check(z.regex(/^\d{12}$/, 'A DBS certificate number has 12 digits')),
    issueDate: isoDate,
    level: z.enum(DBS_LEVELS),
  }))();

export const inductionSchema = /* @__PURE__ */ (() => z.strictObject({ attendedOn: isoDate }))();

/** Staff extend an induction window: the new last start date and why. */
export const inductionExtensionSchema = /* @__PURE__ */ (() =>
  z.strictObject({ lastStartDate: isoDate, reason: text(500) }))();

export const signatureSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    fullName: text(201),
    agree: z.literal(true, 'Tick the box to agree to the contract'),
    contractSha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'A SHA-256 in lowercase hex, 64 characters')),
  }))();

const time = /* @__PURE__ */ (() =>
  z
    .string()
    .check(
      z.regex(/^(([01]\d|2[0-3]):(00|30)|24:00)$/, 'Use HH:MM on the hour or half hour, 00:00 to 24:00'),
    ))();
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const availabilitySchema = /* @__PURE__ */ (() =>
  z.strictObject({
    patientsPerWeek: z
      .int('A whole number')
      .check(z.minimum(3, 'At least 3 patients a week'), z.maximum(40, 'At most 40 patients a week')),
    startDate: isoDate,
    weeklySlots: z
      .array(z.strictObject({ day: z.enum(DAYS), start: time, end: time }))
      .check(z.minLength(1, 'Give at least one weekly slot'), z.maxLength(7 * 48)),
  }))();

export const accessLinkRequestSchema = /* @__PURE__ */ (() =>
  z.strictObject({ email: applicantSchema.shape.email }))();

export const withdrawalSchema = /* @__PURE__ */ (() =>
  z.strictObject({ reason: z.optional(text(1000, { optional: true })) }))();

export const staffListQuerySchema = /* @__PURE__ */ (() =>
  z.strictObject({
    stage: z._default(z.enum(STAGES), 'in-review'),
    limit: z._default(
      z.pipe(
        z.pipe(z.string().check(z.regex(/^\d{1,3}$/u, 'A whole number from 1 to 100')), z.transform(Number)),
        z.int().check(z.minimum(1, 'At least 1'), z.maximum(100, 'At most 100')),
      ),
      25,
    ),
    cursor: z.optional(z.string().check(z.maxLength(2048))),
    /** `to-verify`: the renewals therapists uploaded themselves, oldest first, instead of a stage's queue. */
    view: z.optional(z.enum(['to-verify'])),
  }))();

/** A time of day after a date: hours and minutes, optional seconds and milliseconds, optional UTC offset. */
const TIME_SOURCE =
  '(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,3})?)?(?:Z|[+-](?:[01]\\d|2[0-3]):?[0-5]\\d)?';

/** `asOf`: an ISO 8601 date (midnight UTC) or date-time, on a real calendar date; default now. */
export const asOfSchema = /* @__PURE__ */ (() =>
  z.optional(
    z
      .string()
      .check(
        z.regex(
          new RegExp(`^${CALENDAR_DATE_SOURCE}(?:[T ]${TIME_SOURCE})?$`, 'u'),
          'Use an ISO 8601 date or date-time on a real calendar date',
        ),
      ),
  ))();

/** The instant an `asOf` names, read as strict ISO 8601 (a space is a `T`, an offset gets its colon): JavaScript's
 *  lenient parser reads `0014-02-10 10:00` as no date at all. A time without an offset is UTC. */
export const asOfInstant = (asOf: string): Date => {
  const iso = asOf
    .replace(' ', 'T')
    .replace(/([+-]\d{2})(\d{2})$/u, '$1:$2')
    .replace(/T(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/u, 'T$1Z');
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`Not an instant: ${asOf}`);
  return instant;
};

export const reportQuerySchema = /* @__PURE__ */ (() =>
  z.strictObject({
    asOf: asOfSchema,
    format: z._default(z.enum(['json', 'csv']), 'json'),
  }))();

/** GET /staff/reports/capacity: the day it is as of, how many weeks (1-12, default 4), JSON or CSV. */
export const capacityQuerySchema = /* @__PURE__ */ (() =>
  z.strictObject({
    asOf: asOfSchema,
    weeks: z._default(
      z.pipe(
        z.pipe(
          z.string().check(z.regex(/^\d{1,2}$/u, 'A whole number of weeks from 1 to 12')),
          z.transform(Number),
        ),
        z.int().check(z.minimum(1, 'At least 1 week'), z.maximum(12, 'At most 12 weeks')),
      ),
      4,
    ),
    format: z._default(z.enum(['json', 'csv']), 'json'),
  }))();

// --- an active therapist's own changes (issue 11 §2) -----------------------------------------------------------------

const weeklyCommitmentShape = () => ({
  patientsPerWeek: availabilitySchema.shape.patientsPerWeek,
  weeklySlots: availabilitySchema.shape.weeklySlots,
});

/** PUT /applications/{id}/availability by an active therapist: the new commitment from `effectiveFrom`. */
export const availabilityChangeSchema = /* @__PURE__ */ (() =>
  z.strictObject({ ...weeklyCommitmentShape(), effectiveFrom: isoDate }))();
export type AvailabilityChangeInput = z.infer<typeof availabilityChangeSchema>;

/** The body of PUT /applications/{id}/availability: the onboarding questionnaire, or an active therapist's change
 *  (the one with `effectiveFrom`). */
export const availabilityRequestSchema = /* @__PURE__ */ (() =>
  z.union([availabilitySchema, availabilityChangeSchema]))();

/** POST /applications/{id}/pauses: London dates, both inclusive. */
export const pauseSchema = /* @__PURE__ */ (() =>
  z.strictObject({ from: isoDate, to: isoDate, reason: z.optional(text(500, { optional: true })) }))();
export type PauseInput = z.infer<typeof pauseSchema>;

/** What the applicant's view adds for an active therapist (hoisted: applicationViewSchema spreads it). */
function selfServiceViewShape() {
  const slots = z.array(z.strictObject({ day: z.string(), start: z.string(), end: z.string() }));
  return {
    /** A change of availability still to come (its effectiveFrom after today). */
    pendingAvailability: z.optional(
      z.strictObject({ patientsPerWeek: z.int(), effectiveFrom: isoDate, weeklySlots: slots }),
    ),
    /** Pauses not over yet, first first. */
    pauses: z.optional(z.array(z.strictObject({ from: isoDate, to: isoDate }))),
    /** Renewed documents uploaded and waiting for the affiliate team to verify them. */
    renewals: z.optional(
      z.array(z.strictObject({ document: documentKindSchema, receivedAt: z.iso.datetime() })),
    ),
  };
}

/**
 * The therapy website's account of a therapist (POST /integrations/accounts/{id}, and staff by hand): the
 * platform's id for it (visible ASCII, no personal data) and when it was created (ISO 8601 with an offset).
 */
export const therapyAccountSchema = /* @__PURE__ */ (() =>
  z.strictObject({
    accountId: z.string().check(z.regex(/^[\x21-\x7e]{1,128}$/u, 'Use 1 to 128 visible ASCII characters')),
    createdAt: z.iso.datetime({
      offset: true,
      message: 'An ISO 8601 date-time, such as 2026-12-01T09:30:00Z',
    }),
  }))();
