/**
 * Shapes of the responses only /openapi.json needs (staff reads and actions, the report, the contract link): no
 * handler parses them, so they stay out of schemas.ts, which every function and the web form load. The contract
 * test validates every response the integration tests see against them.
 */
import * as z from 'zod';
import { WEEK_DAYS } from '../domain/availability.ts';
import {
  DBS_ASSESSMENTS,
  DBS_CHECK_METHODS,
  DBS_LEVELS,
  DOCUMENT_KINDS,
  INSURANCE_BASES,
  STAGES,
  WAIT_STEPS,
} from '../domain/stages.ts';
import { isoDate } from './schemas.ts';

const at = z.iso.datetime();
const day = isoDate;

export const healthSchema = z.strictObject({ status: z.literal('ok') });

/** POST /applications/access-links: the same answer whether or not an application has the address. */
export const accessLinkAcceptedSchema = z.strictObject({ message: z.string() });

/** The document itself: its own schema would be the OpenAPI 3.1 meta-schema; the test suite lints it instead. */
export const openApiDocumentSchema = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

export const contractLinkSchema = z.strictObject({
  version: z.string(),
  sha256: z.string(),
  downloadUrl: z.url(),
  expiresAt: at,
  signed: z.boolean(),
  signedAt: at.optional(),
});

/** What every staff action answers: the application's new stage. */
export const staffActionResultSchema = z.strictObject({
  applicationId: z.string(),
  stage: z.enum(STAGES),
  updatedAt: at,
});

const queueItemShape = {
  applicationId: z.string(),
  stage: z.enum(STAGES),
  name: z.string(),
  dbsAssessment: z.enum(DBS_ASSESSMENTS),
  createdAt: at,
  updatedAt: at,
  stageEnteredAt: at,
  /** The renewed documents the therapist uploaded that wait to be verified (issue 11 §2). */
  toVerify: z.array(z.enum(DOCUMENT_KINDS)).optional(),
};

export const staffQueueSchema = z.strictObject({
  items: z.array(z.strictObject(queueItemShape)),
  /** Present when there is a next page: pass it back as `?cursor=`. */
  cursor: z.string().optional(),
  /** On the first page only (no `cursor` sent): how many applications each stage holds. */
  counts: z.strictObject(Object.fromEntries(STAGES.map((stage) => [stage, z.int().min(0)]))).optional(),
});

const staffDbsSchema = z.strictObject({
  hasCertificate: z.boolean(),
  level: z.enum(DBS_LEVELS).optional(),
  certificateNumber: z.string().optional(),
  issueDate: z.optional(day),
  onUpdateService: z.boolean().optional(),
  applyOnMyBehalf: z.boolean().optional(),
  acceptsFee: z.boolean().optional(),
  assessment: z.enum(DBS_ASSESSMENTS),
  reasons: z.array(z.string()),
  checkMethod: z.enum(DBS_CHECK_METHODS).optional(),
});

const staffDocumentSchema = z.strictObject({
  document: z.enum(DOCUMENT_KINDS),
  received: z.boolean(),
  /** Uploaded, being checked for viruses: no download link until it is found clean. */
  checking: z.literal(true).optional(),
  contentType: z.string().optional(),
  sizeBytes: z.int().optional(),
  sha256: z.string().optional(),
  receivedAt: at.optional(),
  downloadUrl: z.url().optional(),
  deletedByRetention: z.boolean().optional(),
  problem: z.string().optional(),
});

const eventSchema = z.strictObject({
  applicationId: z.string(),
  at,
  type: z.string(),
  actor: z.enum(['applicant', 'system', 'staff']),
  actorId: z.string().optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/** Everything staff see of one application; the download links are valid until `downloadUrlsExpireAt`. */

/** A recorded induction, with the latest extension of its window (DESIGN §3). */
const inductionRecord = z.strictObject({
  attendedOn: day,
  recordedAt: at,
  recordedBy: z.string(),
  extension: z
    .strictObject({ lastStartDate: day, reason: z.string(), recordedAt: at, recordedBy: z.string() })
    .optional(),
});
export const staffApplicationSchema = z.strictObject({
  ...queueItemShape,
  applicant: z.strictObject({
    firstName: z.string(),
    lastName: z.string(),
    email: z.string(),
    phone: z.string(),
    dateOfBirth: day,
    postcode: z.string(),
  }),
  professional: z.strictObject({ body: z.string(), membershipNumber: z.string(), accredited: z.boolean() }),
  dbs: staffDbsSchema,
  insurance: z.strictObject({
    insurer: z.string(),
    policyNumber: z.string(),
    coverAmountGbp: z.int(),
    basis: z.enum(INSURANCE_BASES),
    startDate: day,
    endDate: day,
  }),
  consents: z.strictObject({
    privacyNotice: z.boolean(),
    criminalRecordProcessing: z.boolean(),
    givenAt: at,
  }),
  documents: z.array(staffDocumentSchema),
  /** Renewed documents the therapist uploaded, waiting to be verified through the insurance and DBS routes. */
  renewals: z.array(staffDocumentSchema).optional(),
  /** The step the workflow waits on, if any. */
  waitingOn: z.enum(WAIT_STEPS).optional(),
  review: z
    .strictObject({
      decision: z.enum(['approve', 'request-changes', 'reject']),
      checks: z.strictObject({
        dbsOriginalSeen: z.boolean().optional(),
        dbsCheckMethod: z.enum(DBS_CHECK_METHODS).optional(),
        insuranceVerified: z.boolean(),
        registerChecked: z.boolean(),
      }),
      note: z.string(),
      documents: z.array(z.enum(DOCUMENT_KINDS)).optional(),
      decidedAt: at,
      decidedBy: z.string(),
    })
    .optional(),
  contract: z
    .strictObject({
      version: z.string(),
      sha256: z.string(),
      generatedAt: at,
      downloadUrl: z.url(),
      signature: z
        .strictObject({
          fullName: z.string(),
          at,
          ip: z.string(),
          userAgent: z.string(),
          contractSha256: z.string(),
          signedSha256: z.string(),
          downloadUrl: z.url(),
        })
        .optional(),
    })
    .optional(),
  /** The therapy website's account (issue 11 §3), once the platform or staff recorded it. */
  therapyAccount: z
    .strictObject({
      accountId: z.string(),
      createdAt: at,
      recordedAt: at,
      recordedBy: z.enum(['platform', 'staff']),
      recordedById: z.string(),
    })
    .optional(),
  induction: inductionRecord.optional(),
  expiredInduction: inductionRecord.optional(),
  availability: z
    .strictObject({
      patientsPerWeek: z.int(),
      startDate: day,
      weeklySlots: z.array(z.strictObject({ day: z.string(), start: z.string(), end: z.string() })),
      givenAt: at,
    })
    .optional(),
  /** An active therapist's changes of availability, in order of effectiveFrom (issue 11 §2). */
  availabilityChanges: z
    .array(
      z.strictObject({
        patientsPerWeek: z.int(),
        effectiveFrom: day,
        weeklySlots: z.array(z.strictObject({ day: z.string(), start: z.string(), end: z.string() })),
        givenAt: at,
      }),
    )
    .optional(),
  pauses: z.array(z.strictObject({ from: day, to: day, reason: z.string().optional() })).optional(),
  dbsRenewalDueBy: z.optional(day),
  dbsApplication: z
    .strictObject({
      status: z.enum(['requested', 'applied', 'certificate-recorded']),
      acceptsFee: z.literal(true),
      feeGbp: z.number(),
      applyNow: z.boolean(),
      requestedAt: at,
      appliedOn: z.optional(day),
      reference: z.string().optional(),
      certificateRecordedAt: at.optional(),
    })
    .optional(),
  dbsStatusCheck: z
    .strictObject({
      checkedOn: day,
      result: z.enum(['no-new-information', 'new-information']),
      recordedAt: at,
      recordedBy: z.string(),
    })
    .optional(),
  compliance: z
    .strictObject({
      flags: z.array(z.enum(['dbs-overdue', 'dbs-renewal-overdue', 'insurance-expired'])),
      /** Compliance reminders that went out, from the audit trail: to the therapist and to the team. */
      remindersSent: z.strictObject({ therapist: z.int().min(0), team: z.int().min(0) }),
    })
    .optional(),
  dbsImageDeletedAt: at.optional(),
  /** Uploads the virus check refused after they were stored (the files are deleted). */
  refusedUploads: z
    .array(
      z.strictObject({
        document: z.enum(DOCUMENT_KINDS),
        reason: z.enum(['infected', 'unscannable']),
        threats: z.array(z.string()).optional(),
        at,
      }),
    )
    .optional(),
  /** SES reported the applicant's address undeliverable (permanent bounce) or a complaint: emails no longer reach them. */
  emailUndeliverable: z.strictObject({ reason: z.enum(['bounce', 'complaint']), at }).optional(),
  /** The workflow may have died under the application: the sweep checks it and restarts it at its step. */
  workflowFailure: z
    .strictObject({
      at,
      reason: z.enum([
        'execution-failed',
        'execution-timed-out',
        'execution-aborted',
        'task-gone',
        'callback-undelivered',
      ]),
    })
    .optional(),
  /** How many times its workflow was restarted at its step. */
  workflowRestarts: z.int().min(1).optional(),
  /** Emails the system gave up sending (refused for good, or failing after the last attempt). */
  undeliveredEmails: z
    .array(
      z.strictObject({
        to: z.string(),
        subject: z.string(),
        error: z.string(),
        attempts: z.int().min(1),
        at,
      }),
    )
    .optional(),
  closedAt: at.optional(),
  closedReason: z.string().optional(),
  downloadUrlsExpireAt: at,
  /** The audit trail, oldest first. */
  events: z.array(eventSchema),
});

export const dbsReportSchema = z.strictObject({
  asOf: day,
  counts: z.strictObject({ overdue: z.int(), due: z.int(), upcoming: z.int() }),
  items: z.array(
    z.strictObject({
      applicationId: z.string(),
      name: z.string(),
      status: z.enum(['overdue', 'due', 'upcoming']),
      dbsDeadline: z
        .strictObject({
          kind: z.enum(['dbs-renewal', 'dbs-certificate', 'dbs-recheck']),
          dueDate: day,
          daysLeft: z.int(),
        })
        .optional(),
      dbsRenewalDueBy: z.optional(day),
      insuranceEndDate: day,
      insuranceDaysLeft: z.int(),
      flags: z.array(z.string()),
    }),
  ),
});

/** The same report for a spreadsheet: a header row, then one row per therapist, CRLF line ends. */
export const dbsReportCsvSchema = z.string().meta({
  examples: [
    'applicationId,name,status,dbsDeadline,dbsDueDate,dbsDaysLeft,insuranceEndDate,insuranceDaysLeft,flags\r\n',
  ],
});

const weekDay = z.enum(WEEK_DAYS);
const halfHourStart = z.string().regex(/^(?:[01]\d|2[0-3]):[03]0$/u);

/** GET /staff/reports/capacity (DESIGN §5); what each number means is in lambdas/domain/capacity.ts. */
export const capacityReportSchema = z.strictObject({
  asOf: day,
  weeks: z.int().min(1).max(12),
  /** The window's last day: asOf + 7 × weeks − 1. */
  through: day,
  /** 7 × 48 half-hours of Europe/London wall-clock time, Monday 00:00 first. */
  halfHours: z
    .array(
      z.strictObject({
        day: weekDay,
        start: halfHourStart,
        /** The fewest active therapists available at this half-hour on any date of the window; null when it
         *  happens on none of them (01:00-02:00 on the last Sunday of March, in a window with no other Sunday). */
        therapists: z.int().min(0).nullable(),
        /** Therapists due to start after asOf and by `through` whose weekly slots include it. */
        pipeline: z.int().min(0).nullable(),
        /** The window holds a clock change at this half-hour: it does not happen that day, or happens twice. */
        clockChange: z.strictObject({ date: day, change: z.enum(['skipped', 'repeated']) }).optional(),
      }),
    )
    .length(336),
  patientsPerWeek: z.strictObject({ active: z.int().min(0), pipeline: z.int().min(0) }),
  minimumCover: z.int().min(0),
  /** Half-hours whose `therapists` is under `minimumCover`. */
  gaps: z.array(z.strictObject({ day: weekDay, start: halfHourStart })),
});

/** The same report for a spreadsheet: a header row, then one row per half-hour, CRLF line ends. */
export const capacityReportCsvSchema = z.string().meta({
  examples: ['Day,From,To,Therapists,Due to start,Below minimum cover,Clock change\r\n'],
});
