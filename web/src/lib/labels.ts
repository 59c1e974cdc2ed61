/** What the service's names mean to an applicant. Records keyed by the domain's names, so none can be missed. */
import type { DbsAssessment, DbsLevel, Stage } from '../../../lambdas/domain/stages.ts';
import type { PROFESSIONAL_BODIES } from '../../../lambdas/shared/schemas.ts';

export const PROFESSIONAL_BODY_NAMES: Record<(typeof PROFESSIONAL_BODIES)[number], string> = {
  BABCP: 'BABCP – British Association for Behavioural and Cognitive Psychotherapies',
  BACP: 'BACP – British Association for Counselling and Psychotherapy',
  UKCP: 'UKCP – UK Council for Psychotherapy',
  HCPC: 'HCPC – Health and Care Professions Council',
  BPS: 'BPS – British Psychological Society',
  other: 'Another professional body',
};

export const DBS_LEVEL_NAMES: Record<DbsLevel, string> = {
  basic: 'Basic',
  standard: 'Standard',
  enhanced: 'Enhanced',
  'enhanced-barred-lists': 'Enhanced with barred lists',
};

export const DBS_ASSESSMENT_NAMES: Record<DbsAssessment, string> = {
  current: 'Your DBS certificate is accepted',
  'renewal-after-start': 'Your DBS certificate is accepted for now',
  'new-certificate-required': 'You need a new DBS certificate',
};

export const STAGE_TEXT: Record<Stage, { heading: string; next: string }> = {
  'awaiting-documents': {
    heading: "We're waiting for your documents",
    next: 'Upload the documents below so that we can review your application.',
  },
  'in-review': {
    heading: "We're reviewing your documents",
    next: 'We usually finish within 3 working days and will email you when we have.',
  },
  'awaiting-dbs': {
    heading: "We're waiting for your new DBS certificate",
    next: 'Your documents are approved. Once your new DBS certificate arrives, we record it and send your contract.',
  },
  'contract-sent': {
    heading: 'Your contract is ready to sign',
    next: 'We have emailed you a link to read and sign your freelance affiliate agreement.',
  },
  'induction-invited': {
    heading: 'Book your induction',
    next: 'We have emailed you a link to book an induction session.',
  },
  'awaiting-availability': {
    heading: 'Tell us when you can see patients',
    next: 'Give your weekly availability and how many patients you can see each week, starting within 14 days of your induction.',
  },
  active: {
    heading: 'Welcome to the network',
    next: 'You are an active affiliate therapist.',
  },
  rejected: {
    heading: 'Your application was not successful',
    next: 'We have emailed you the reasons.',
  },
  withdrawn: {
    heading: 'You withdrew your application',
    next: 'You are welcome to apply again at any time.',
  },
  lapsed: {
    heading: 'Your application has lapsed',
    next: 'We did not receive your documents within 30 days. You are welcome to apply again.',
  },
};
