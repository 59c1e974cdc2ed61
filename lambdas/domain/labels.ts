/**
 * The service's internal names (stages, compliance flags, deadlines) as people read them. Pages, emails, the staff
 * digest and the CSV report all take their words from here, so a raw code never reaches a person. Records keyed by
 * the domain's names, so none can be missed.
 */
import type { ComplianceFlag } from './application.ts';
import type { WeekDay } from './availability.ts';
import type { DbsDeadlineKind } from './compliance.ts';
import type { Stage, WaitStep } from './stages.ts';

/** The stages as the affiliate team names them: the queue's tabs, the staff page's headings, staff emails. */
export const STAGE_NAMES: Record<Stage, string> = {
  'awaiting-documents': 'Awaiting documents',
  'in-review': 'In review',
  'awaiting-dbs': 'Awaiting DBS',
  'contract-sent': 'Contract sent',
  'induction-invited': 'Induction invited',
  'awaiting-availability': 'Awaiting availability',
  active: 'Active',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
  lapsed: 'Lapsed',
};

/** A stage inside a sentence: "This application is at “Contract sent”". */
export const stageInSentence = (stage: Stage): string => `at “${STAGE_NAMES[stage]}”`;

/** The compliance flags dbs-audit raises: badges on the report and the application page, the digest, the CSV. */
export const COMPLIANCE_FLAG_NAMES: Record<ComplianceFlag, string> = {
  'dbs-overdue': 'DBS re-check overdue',
  'dbs-renewal-overdue': 'DBS renewal not applied for',
  'insurance-expired': 'Insurance expired',
};

export const DBS_DEADLINE_NAMES: Record<DbsDeadlineKind, string> = {
  'dbs-renewal': 'Our renewal application due',
  'dbs-certificate': 'New certificate awaited (applied)',
  'dbs-recheck': 'Re-check',
};

export const REPORT_STATUS_NAMES: Record<'overdue' | 'due' | 'upcoming', string> = {
  overdue: 'Overdue',
  due: 'Due within 30 days',
  upcoming: 'Due within 60 days',
};

/** The steps of the state machine that wait on a person (WAIT_STEPS), as "waiting on …". */
export const WAIT_STEP_NAMES: Record<WaitStep, string> = {
  documents: 'the applicant’s documents',
  review: 'our review',
  dbs: 'a new DBS certificate',
  contract: 'the applicant’s signature',
  induction: 'the induction',
  availability: 'the applicant’s availability',
};

/** Every event of the audit trail, as the affiliate team reads it in the history. */
export const EVENT_NAMES: Record<string, string> = {
  'application-submitted': 'Application sent',
  'workflow-started': 'Onboarding started',
  'stage-changed': 'Stage changed',
  'step-waiting': 'Waiting',
  'step-completed': 'Step completed',
  'document-received': 'Document received',
  'document-refused': 'Document refused',
  'document-scanned': 'Document checked for viruses: clean',
  'document-infected': 'Document deleted: the virus check found harmful content',
  'documents-complete': 'All documents received',
  'review-decided': 'Review decided',
  'dbs-recorded': 'New DBS certificate recorded',
  'dbs-renewed': 'Renewed DBS certificate recorded',
  'dbs-application-requested': 'Asked us to apply for a DBS certificate',
  'dbs-application-made': 'We applied for a DBS certificate',
  'dbs-status-checked': 'DBS Update Service check recorded',
  'dbs-image-deleted': 'DBS certificate image deleted (retention)',
  'contract-generated': 'Contract made',
  'contract-signed': 'Contract signed',
  'induction-recorded': 'Induction attended',
  'induction-expired': 'Induction window closed',
  'availability-given': 'Availability given',
  'insurance-renewed': 'Renewed insurance recorded',
  'availability-changed': 'Availability changed by the therapist',
  'therapist-paused': 'Pause booked by the therapist',
  'renewal-received': 'Renewed document uploaded: to verify',
  'renewal-verified': 'Renewed document verified',
  'reminder-sent': 'Reminder sent',
  'compliance-reminder-sent': 'Compliance reminder sent',
  'compliance-flag-raised': 'Compliance flag raised',
  'compliance-flag-cleared': 'Compliance flag cleared',
  'account-created': 'Therapy website account created',
  withdrawn: 'Application withdrawn',
  lapsed: 'Application lapsed',
  'application-deleted': 'Application deleted (retention)',
  'email-undeliverable': 'Emails no longer reach the applicant',
  'documents-accessed': 'Document links opened by the team',
  'dbs-report-exported': 'Included in a DBS report export',
};

/** The days of the week as people read them (the capacity report and page). */
export const WEEK_DAY_NAMES: Record<WeekDay, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};
