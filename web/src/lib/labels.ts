/** What the service's names mean to an applicant. Records keyed by the domain's names, so none can be missed. */

export {
  COMPLIANCE_FLAG_NAMES,
  DBS_DEADLINE_NAMES,
  REPORT_STATUS_NAMES,
  STAGE_NAMES,
} from '../../../lambdas/domain/labels.ts';

import { WORDS } from '../../../lambdas/domain/policy.ts';
import type {
  DbsAssessment,
  DbsCheckMethod,
  DbsLevel,
  InsuranceBasis,
  Stage,
} from '../../../lambdas/domain/stages.ts';
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

/** Before anyone has reviewed it, the assessment says what is true: the certificate meets the rules. */
export const DBS_ASSESSMENT_NAMES: Record<DbsAssessment, string> = {
  current: 'Your DBS certificate meets our rules; we will check it',
  'renewal-after-start': 'Your DBS certificate meets our rules for now; we will check it',
  'new-certificate-required': 'You need a new DBS certificate',
};

/** Once the affiliate team have reviewed the documents. */
export const DBS_ASSESSMENT_REVIEWED_NAMES: Record<DbsAssessment, string> = {
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
    next: `We usually finish within ${WORDS.reviewWorkingDays} working days and will email you when we have.`,
  },
  'awaiting-dbs': {
    heading: "We're waiting for your new DBS certificate",
    next: 'Your documents are approved. Once your new DBS certificate arrives, we record it and send your contract.',
  },
  'contract-sent': {
    heading: 'Your contract is ready to sign',
    next: 'Read your freelance affiliate agreement below, then sign it on this page.',
  },
  'induction-invited': {
    heading: 'Book your induction',
    next: 'Create your account on our therapy website, then book your online induction: the links are below and in our email.',
  },
  'awaiting-availability': {
    heading: 'Tell us when you can see patients',
    next: 'Tell us below how many patients you can see each week, when you can start (within 14 days of your induction) and your weekly hours.',
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

/** Staff read the assessment plainly, not as the applicant is told it. */
export const DBS_ASSESSMENT_STAFF_NAMES: Record<DbsAssessment, string> = {
  current: 'Current',
  'renewal-after-start': 'Accepted; renewal due after start',
  'new-certificate-required': 'New certificate required',
};

export const DBS_CHECK_METHOD_NAMES: Record<DbsCheckMethod, string> = {
  'in-person': 'Original seen in person',
  'update-service': 'DBS Update Service check',
  'digital-id': 'Digital identity service',
};

export const INSURANCE_BASIS_NAMES: Record<InsuranceBasis, string> = {
  'any-one-claim': 'Any one claim',
  aggregate: 'Aggregate',
};

/** Days to a deadline as a sentence part: "in 12 days", "today", "3 days ago". */
export const daysLeftText = (days: number): string => {
  const plural = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  if (days === 0) return 'today';
  return days > 0 ? `in ${plural(days)}` : `${plural(-days)} ago`;
};
