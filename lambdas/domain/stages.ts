/** The stages of DESIGN §2, one name for one thing everywhere. */
export const STAGES = [
  'awaiting-documents',
  'in-review',
  'awaiting-dbs',
  'contract-sent',
  'induction-invited',
  'awaiting-availability',
  'active',
  'rejected',
  'withdrawn',
  'lapsed',
] as const;
export type Stage = (typeof STAGES)[number];

export const CLOSED_STAGES: readonly Stage[] = ['rejected', 'withdrawn', 'lapsed'];
/** Withdrawn, rejected or lapsed: nothing more can happen to it. */
export const isClosed = (stage: Stage): boolean => CLOSED_STAGES.includes(stage);

export const isOpen = (stage: Stage): boolean => !isClosed(stage) && stage !== 'active';

export const DOCUMENT_KINDS = ['dbs-certificate', 'indemnity-insurance'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DBS_LEVELS = ['basic', 'standard', 'enhanced', 'enhanced-barred-lists'] as const;
export type DbsLevel = (typeof DBS_LEVELS)[number];

export const DBS_ASSESSMENTS = ['current', 'renewal-after-start', 'new-certificate-required'] as const;
export type DbsAssessment = (typeof DBS_ASSESSMENTS)[number];

export const INSURANCE_BASES = ['any-one-claim', 'aggregate'] as const;
export type InsuranceBasis = (typeof INSURANCE_BASES)[number];

export const DBS_CHECK_METHODS = ['in-person', 'update-service', 'digital-id'] as const;
export type DbsCheckMethod = (typeof DBS_CHECK_METHODS)[number];

/** Steps of the state machine that wait on a person (each a waitForTaskToken task). */
export const WAIT_STEPS = ['documents', 'review', 'dbs', 'contract', 'induction', 'availability'] as const;
export type WaitStep = (typeof WAIT_STEPS)[number];

/** The step the workflow waits on while the application is in a stage (none once it is active or closed). */
export const STAGE_STEP: Readonly<Partial<Record<Stage, WaitStep>>> = {
  'awaiting-documents': 'documents',
  'in-review': 'review',
  'awaiting-dbs': 'dbs',
  'contract-sent': 'contract',
  'induction-invited': 'induction',
  'awaiting-availability': 'availability',
};
