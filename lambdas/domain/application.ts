/** The application as the domain sees it (DESIGN §2-3). Stored as one item; see adapters/dynamo-application-store. */
import type { CreateApplicationInput } from '../shared/schemas.ts';
import type { AvailabilityChange } from './availability.ts';
import type { Pause } from './capacity.ts';
import { type DbsApplicationRecord, newDbsApplication } from './dbs-application.ts';
import type { RefusedUpload, ScanStatus } from './documents.ts';
import type { InductionRecord } from './induction.ts';
import type { DbsAssessment, DbsCheckMethod, DocumentKind, Stage, WaitStep } from './stages.ts';
import type { TherapyAccount } from './therapy-account.ts';

export interface StoredDocument {
  key: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  receivedAt: string;
  /** The malware scan (domain/documents.ts isReceived): absent on documents stored before scanning existed. */
  scan?: ScanStatus;
}

export interface PendingTask {
  step: WaitStep;
  token: string;
  storedAt: string;
}

export interface Application {
  id: string;
  version: number;
  stage: Stage;
  createdAt: string;
  updatedAt: string;
  /** When the current stage was entered: reminders count from here. */
  stageEnteredAt: string;
  applicant: CreateApplicationInput['applicant'];
  professional: CreateApplicationInput['professional'];
  dbs: CreateApplicationInput['dbs'] & {
    assessment: DbsAssessment;
    reasons: string[];
    checkMethod?: DbsCheckMethod;
  };
  insurance: CreateApplicationInput['insurance'];
  consents: CreateApplicationInput['consents'] & { givenAt: string };
  /** The hash of the access token returned at creation or emailed by "email me a new link" (DESIGN §5). */
  accessTokenHash: string;
  /** Hashes of the tokens carried by the status links of later emails, newest last (at most
   *  MAX_LINK_TOKENS): each email to the applicant gets its own, so every emailed link opens the status page
   *  while only hashes are stored. A new access link clears them. */
  linkTokenHashes?: string[];
  /** When "email me a new link" last sent one (ISO), newest last: the rate limit counts them. */
  accessLinksSentAt?: string[];
  requiredDocuments: DocumentKind[];
  documents: Partial<Record<DocumentKind, StoredDocument>>;
  /** The reason the last upload of each kind was refused (shown to the applicant until a good one arrives). */
  documentProblems: Partial<Record<DocumentKind, string>>;
  /** Uploads the malware scan refused after they were stored (the files are deleted), oldest first. */
  refusedUploads?: RefusedUpload[];
  task?: PendingTask;
  executionArn?: string;
  /** Set while the workflow has not been started: the sweep starts it (DESIGN: never strand an application). */
  workflowPendingSince?: string;
  /** Set when the workflow may have died under the application (its execution failed, timed out or was
   *  aborted; a token it held is gone; a callback could not be delivered): the sweep checks it and restarts the
   *  workflow at the application's step. Shown to staff while it holds. */
  workflowFailure?: WorkflowFailure;
  /** How many times the workflow was restarted: the current execution's name follows from it (executionName). */
  workflowRestarts?: number;
  /** Emails the outbox gave up on (refused for good, or still failing after the last attempt): shown to staff. */
  undelivered?: UndeliveredEmail[];
  /** Side effects decided together with a state change and delivered after it commits (transactional outbox):
   *  a failure half-way loses nothing; the next attempt or the sweep delivers what is left. */
  outbox: OutboxEntry[];
  /** The next moment the onboarding sweep must look at this application; carried by the sparse due index. */
  dueAt?: string;
  /** Reminder actions already taken in the current stage (see domain/reminders.ts). */
  remindersSent: string[];
  /** Steps completed before the workflow reached them (no token stored yet), oldest first: each step's Lambda
   *  spends its token with the first result for its step as soon as it arrives. A list, because the workflow can
   *  lag more than one step behind (documents complete and review decided before the documents task even ran). */
  earlyResults?: { step: WaitStep; output: Record<string, unknown> }[];
  review?: ReviewRecord;
  contract?: ContractRecord;
  induction?: InductionRecord;
  /** The induction whose window closed with no availability (kept so staff can still extend it). */
  expiredInduction?: InductionRecord;
  availability?: {
    patientsPerWeek: number;
    startDate: string;
    weeklySlots: { day: string; start: string; end: string }[];
    givenAt: string;
  };
  /** An active therapist's changes of their weekly commitment, in order of `effectiveFrom` (issue 11 §2). The one
   *  in effect on a day is the latest dated on or before it (domain/availability.ts `commitmentOn`); one dated
   *  after today is pending, and becomes current on its day with no write. */
  availabilityChanges?: AvailabilityChange[];
  /** Periods without new patients (issue 11 §2); the capacity report leaves the therapist out on their days. */
  pauses?: Pause[];
  /** Renewed documents an active therapist uploaded themselves, waiting for staff to verify them through the staff
   *  insurance and DBS routes (issue 11 §2); carried by the sparse to-verify index while any waits. */
  renewals?: Partial<Record<DocumentKind, StoredDocument>>;
  /** Set at activation for a renewal-after-start DBS certificate: start date + 6 months, until the new one is
   *  recorded. The deadline is met by the provider's application (`dbsApplication.appliedOn`). */
  dbsRenewalDueBy?: string;
  /** The provider's DBS application, once the therapist has accepted the fee (DESIGN §3). */
  dbsApplication?: DbsApplicationRecord;
  /** The latest DBS Update Service status check recorded by staff. */
  dbsStatusCheck?: DbsStatusCheck;
  closedAt?: string;
  closedReason?: string;
  /** Compliance of an active therapist (issue 4): what was sent (action keys of domain/compliance.ts) and the
   *  flags that hold. */
  compliance?: { sent: string[]; flags: ComplianceFlag[] };
  /** The next moment dbs-audit must look at this therapist; carried by the sparse compliance index. */
  complianceDueAt?: string;
  /** The next moment retention must act (delete the application, or the DBS certificate image). */
  retentionDueAt?: string;
  /** Set once the DBS certificate image is deleted; the number, issue date, level and decision are kept. */
  dbsImageDeletedAt?: string;
  /** The inbox the application reserves (domain/mailbox.ts), fixed at creation so that a later change of the
   *  mailbox rules still frees the key it reserved. Absent on applications created before it existed: their key
   *  is the trimmed, lower-cased address. */
  mailbox?: string;
  /** Set when SES reported the applicant's address as undeliverable (a permanent bounce) or marked as spam by
   *  them (a complaint): SES suppresses the address from then on, so staff contact the applicant another way. */
  emailUndeliverable?: { reason: 'bounce' | 'complaint'; at: string };
  /** The therapist's account on the therapy website, once the platform (or staff) reported it (issue 11 §3). */
  therapyAccount?: TherapyAccount;
}

/** dbs-renewal-overdue: no provider application by the renewal deadline; dbs-overdue: the re-check is overdue. */
export type ComplianceFlag = 'dbs-overdue' | 'dbs-renewal-overdue' | 'insurance-expired';

export interface DbsStatusCheck {
  checkedOn: string;
  result: 'no-new-information' | 'new-information';
  recordedAt: string;
  recordedBy: string;
}

export interface ReviewRecord {
  decision: 'approve' | 'request-changes' | 'reject';
  checks: {
    dbsOriginalSeen?: boolean;
    dbsCheckMethod?: DbsCheckMethod;
    insuranceVerified: boolean;
    registerChecked: boolean;
  };
  note: string;
  /** With request-changes: the documents asked for again. Absent on items written before it existed (then every
   *  required document was asked for again). */
  documents?: DocumentKind[];
  decidedAt: string;
  decidedBy: string;
}

export interface ContractRecord {
  version: string;
  key: string;
  sha256: string;
  generatedAt: string;
  signature?: {
    fullName: string;
    at: string;
    ip: string;
    userAgent: string;
    contractSha256: string;
    signedKey: string;
    signedSha256: string;
  };
}

export interface OutboxEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** `attempts`: deliveries that failed so far (absent: none). */
export type OutboxEntry = { id: string; attempts?: number } & (
  | { kind: 'email'; email: OutboxEmail }
  | { kind: 'task-success'; token: string; output: Record<string, unknown> }
  | { kind: 'task-failure'; token: string; error: string; cause: string }
  | { kind: 'stop-execution'; executionArn: string; cause: string }
);

export type WorkflowFailureReason =
  | 'execution-failed'
  | 'execution-timed-out'
  | 'execution-aborted'
  | 'task-gone'
  | 'callback-undelivered';

export interface WorkflowFailure {
  at: string;
  reason: WorkflowFailureReason;
}

export interface UndeliveredEmail {
  /** The outbox entry's id. */
  id: string;
  to: string;
  subject: string;
  /** The error's name (e.g. MessageRejected), never its message (it can quote the address). */
  error: string;
  attempts: number;
  at: string;
}

/** The name of the application's current execution: its id, then `<id>-r<n>` for the n-th restart. */
export const executionName = (app: Pick<Application, 'id' | 'workflowRestarts'>): string =>
  app.workflowRestarts ? `${app.id}-r${app.workflowRestarts}` : app.id;

/** An entry of the audit trail: who did what, when. Never personal data. */
export interface ApplicationEvent {
  applicationId: string;
  at: string;
  type: string;
  actor: 'applicant' | 'system' | 'staff';
  /** Staff subject id, never a name or email. */
  actorId?: string;
  details?: Record<string, string | number | boolean>;
}

/**
 * Brings an item written by older code to today's shape; the next write stores it and re-derives its index keys.
 *  - No provider DBS application record: one is derived when the applicant had already asked the provider to apply
 *    and accepted the fee.
 *  - A renewal deadline flagged `dbs-overdue` (one flag served every DBS deadline) is `dbs-renewal-overdue`.
 */
export const upgradeApplication = (app: Application): Application => {
  let next = app;
  if (!next.dbsApplication && next.dbs.acceptsFee === true) {
    const providerApplies =
      next.dbs.applyOnMyBehalf === true || next.dbs.assessment === 'renewal-after-start';
    if (providerApplies)
      next = {
        ...next,
        dbsApplication: newDbsApplication(next.createdAt, next.dbs.applyOnMyBehalf === true),
      };
  }
  const renewal = next.dbsRenewalDueBy;
  const compliance = next.compliance;
  if (renewal && compliance?.sent.includes(`dbs-overdue@${renewal}`)) {
    next = {
      ...next,
      compliance: {
        sent: compliance.sent.map((key) =>
          key === `dbs-overdue@${renewal}` ? `dbs-renewal-overdue@${renewal}` : key,
        ),
        flags: compliance.flags.map((flag) => (flag === 'dbs-overdue' ? 'dbs-renewal-overdue' : flag)),
      },
    };
  }
  return next;
};
