/**
 * The API's request and response shapes (DESIGN §5), strict at every level. The same module validates requests in
 * the Lambdas, generates /openapi.json and runs the client-side checks of the web form, so the three cannot drift.
 * It may import only zod and the domain's constants: it is bundled for the browser too.
 */
import * as z from 'zod';
import {
  DBS_ASSESSMENTS,
  DBS_CHECK_METHODS,
  DBS_LEVELS,
  DOCUMENT_KINDS,
  INSURANCE_BASES,
  STAGES,
} from '../domain/stages.ts';

const isRealDate = (value: string): boolean => {
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
};

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date in the form YYYY-MM-DD')
  .refine(isRealDate, 'This is not a real calendar date')
  .meta({ format: 'date', example: '2026-01-31' });

const text = (max: number) => z.string().trim().min(1, 'Required').max(max, `At most ${max} characters`);

export const applicantSchema = z.strictObject({
  firstName: text(100),
  lastName: text(100),
  email: z.email('Enter a valid email address').max(254).toLowerCase(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()-]{7,20}$/, 'Enter a phone number of 7 to 20 digits, spaces allowed'),
  dateOfBirth: isoDate,
  postcode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/, 'Enter a UK postcode, like SW1A 1AA'),
});

export const PROFESSIONAL_BODIES = ['BABCP', 'BACP', 'UKCP', 'HCPC', 'BPS', 'other'] as const;

export const professionalSchema = z.strictObject({
  body: z.enum(PROFESSIONAL_BODIES),
  membershipNumber: text(50),
  accredited: z.literal(true, 'Only accredited therapists can join the network'),
});

export const dbsWithCertificateSchema = z.strictObject({
  hasCertificate: z.literal(true),
  level: z.enum(DBS_LEVELS),
  certificateNumber: z.string().regex(/^\d{12}$/, 'A DBS certificate number has 12 digits'),
  issueDate: isoDate,
  onUpdateService: z.boolean(),
  applyOnMyBehalf: z.boolean().optional(),
  acceptsFee: z.boolean().optional(),
});

export const dbsWithoutCertificateSchema = z.strictObject({
  hasCertificate: z.literal(false),
  applyOnMyBehalf: z.boolean(),
  acceptsFee: z.boolean().optional(),
});

export const dbsSchema = z.discriminatedUnion('hasCertificate', [
  dbsWithCertificateSchema,
  dbsWithoutCertificateSchema,
]);

export const insuranceSchema = z.strictObject({
  insurer: text(100),
  policyNumber: text(50),
  coverAmountGbp: z.int('Whole pounds, no pence').positive().max(1_000_000_000),
  basis: z.enum(INSURANCE_BASES),
  startDate: isoDate,
  endDate: isoDate,
});

export const consentsSchema = z.strictObject({
  privacyNotice: z.literal(true, 'You must accept the privacy notice'),
  criminalRecordProcessing: z.literal(true, 'You must consent to the processing of criminal record data'),
});

export const createApplicationSchema = z.strictObject({
  applicant: applicantSchema,
  professional: professionalSchema,
  dbs: dbsSchema,
  insurance: insuranceSchema,
  consents: consentsSchema,
});
export type CreateApplicationInput = z.infer<typeof createApplicationSchema>;

export const documentKindSchema = z.enum(DOCUMENT_KINDS);
export const UPLOAD_CONTENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** A presigned POST pins one content type (S3 policies cannot say "one of"), so the client names the file's type;
 *  PDF when it does not. */
export const createUploadSchema = z.strictObject({
  document: documentKindSchema,
  contentType: z.enum(UPLOAD_CONTENT_TYPES).optional(),
});
export type CreateUploadInput = z.infer<typeof createUploadSchema>;

export const uploadSchema = z.strictObject({
  document: documentKindSchema,
  contentType: z.enum(UPLOAD_CONTENT_TYPES),
  url: z.url(),
  fields: z.record(z.string(), z.string()),
  maxBytes: z.int(),
  expiresAt: z.iso.datetime(),
});

export const createApplicationResponseSchema = z.strictObject({
  applicationId: z.string(),
  accessToken: z.string(),
  stage: z.enum(STAGES),
  dbs: z.strictObject({ assessment: z.enum(DBS_ASSESSMENTS), reasons: z.array(z.string()) }),
  uploads: z.array(uploadSchema),
});

export const checklistItemSchema = z.strictObject({
  id: z.string(),
  label: z.string(),
  status: z.enum(['done', 'waiting-on-you', 'waiting-on-us', 'not-yet']),
  detail: z.string().optional(),
});

export const timelineEntrySchema = z.strictObject({
  at: z.iso.datetime(),
  type: z.string(),
  summary: z.string(),
});

export const applicationViewSchema = z.strictObject({
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
      receivedAt: z.iso.datetime().optional(),
      rejectedReason: z.string().optional(),
    }),
  ),
  checklist: z.array(checklistItemSchema),
  blocking: z.array(z.string()),
  deadlines: z.array(z.strictObject({ id: z.string(), label: z.string(), date: isoDate })),
  timeline: z.array(timelineEntrySchema),
  /** What the applicant gave when they became active: the welcome panel sums it up. */
  availability: z
    .strictObject({
      patientsPerWeek: z.int(),
      startDate: isoDate,
      weeklySlots: z.array(z.strictObject({ day: z.string(), start: z.string(), end: z.string() })),
    })
    .optional(),
  /** The provider's DBS application, once the applicant has accepted the fee. */
  dbsApplication: z
    .strictObject({
      status: z.enum(['requested', 'applied', 'certificate-recorded']),
      feeGbp: z.int(),
      acceptsFee: z.literal(true),
      appliedOn: isoDate.optional(),
      dueBy: isoDate.optional(),
    })
    .optional(),
});
export type ApplicationView = z.infer<typeof applicationViewSchema>;

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const reviewSchema = z.strictObject({
  decision: z.enum(['approve', 'request-changes', 'reject']),
  /** The DBS checks apply only to a certificate the applicant has: not demanded otherwise. */
  checks: z.strictObject({
    dbsOriginalSeen: z.boolean().optional(),
    dbsCheckMethod: z.enum(DBS_CHECK_METHODS).optional(),
    insuranceVerified: z.boolean(),
    registerChecked: z.boolean(),
  }),
  note: z.string().trim().max(2000),
  /** With request-changes: the documents to send again (the others are kept); omitted, every required one. */
  documents: z
    .array(documentKindSchema)
    .min(1, 'Name at least one document to send again')
    .max(DOCUMENT_KINDS.length)
    .refine((kinds) => new Set(kinds).size === kinds.length, 'Name each document once')
    .optional(),
});

/** The applicant's part of the provider's DBS application: consent to the fee shown, and optionally "apply now". */
export const dbsApplicationRequestSchema = z.strictObject({
  acceptsFee: z.literal(true, 'Tick the box to accept the DBS certificate fee'),
  applyNow: z.boolean().optional(),
});

/** Staff applied for the certificate on this day, with the DBS's reference. */
export const dbsApplicationMadeSchema = z.strictObject({
  appliedOn: isoDate,
  reference: z.string().trim().min(1, 'Required').max(50, 'At most 50 characters'),
});

export const dbsStatusCheckSchema = z.strictObject({
  checkedOn: isoDate,
  result: z.enum(['no-new-information', 'new-information']),
});

export const newDbsCertificateSchema = z.strictObject({
  certificateNumber: z.string().regex(/^\d{12}$/, 'A DBS certificate number has 12 digits'),
  issueDate: isoDate,
  level: z.enum(DBS_LEVELS),
});

export const inductionSchema = z.strictObject({ attendedOn: isoDate });

export const signatureSchema = z.strictObject({
  fullName: text(201),
  agree: z.literal(true, 'Tick the box to agree to the contract'),
  contractSha256: z.string().regex(/^[0-9a-f]{64}$/, 'A SHA-256 in lowercase hex, 64 characters'),
});

const time = z
  .string()
  .regex(/^(([01]\d|2[0-3]):(00|30)|24:00)$/, 'Use HH:MM on the hour or half hour, 00:00 to 24:00');
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const availabilitySchema = z.strictObject({
  patientsPerWeek: z
    .int('A whole number')
    .min(3, 'At least 3 patients a week')
    .max(40, 'At most 40 patients a week'),
  startDate: isoDate,
  weeklySlots: z
    .array(z.strictObject({ day: z.enum(DAYS), start: time, end: time }))
    .min(1, 'Give at least one weekly slot')
    .max(7 * 48),
});

export const accessLinkRequestSchema = z.strictObject({ email: applicantSchema.shape.email });

export const withdrawalSchema = z.strictObject({ reason: z.string().trim().max(1000).optional() });

export const staffListQuerySchema = z.strictObject({
  stage: z.enum(STAGES).default('in-review'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

/** `asOf`: an ISO 8601 date or date-time; default now. */
export const asOfSchema = z
  .string()
  .refine(
    (value) =>
      /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) &&
      !Number.isNaN(Date.parse(value)),
    'Use an ISO 8601 date or date-time',
  )
  .optional();

export const reportQuerySchema = z.strictObject({
  asOf: asOfSchema,
  format: z.enum(['json', 'csv']).default('json'),
});
