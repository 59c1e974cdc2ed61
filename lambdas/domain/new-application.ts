/**
 * The business rules a new application must meet (DESIGN §3), as one function of the answers and today: the DBS
 * assessment (an issue date in the future is refused), the choice it asks for, and the indemnity insurance (cover of
 * at least £1,000,000, a policy not ended, starting before it ends). POST /applications runs it; so does the web
 * form, on every part it has, before any file is attached, so that the applicant sees every error in one round.
 */

import type { IsoDate } from './dates.ts';
import { assessDbs, type DbsChoice, type DbsFacts, type DbsResult, validateDbsChoice } from './dbs.ts';
import { RuleViolation, type Violation } from './errors.ts';
import { checkInsurance, type InsuranceFacts } from './insurance.ts';

export interface NewApplicationRules {
  /** The DBS assessment, when the DBS answers could be assessed. */
  dbs?: DbsResult;
  violations: Violation[];
}

/** A part left out (the form has not got it yet) is not judged. */
export const checkNewApplication = (
  input: { dbs?: DbsFacts & DbsChoice; insurance?: InsuranceFacts },
  today: IsoDate,
): NewApplicationRules => {
  const violations: Violation[] = [];
  let dbs: DbsResult | undefined;
  if (input.dbs) {
    try {
      dbs = assessDbs(input.dbs, today);
      violations.push(...validateDbsChoice(input.dbs, dbs.assessment));
    } catch (error) {
      if (!(error instanceof RuleViolation)) throw error;
      violations.push(...error.violations);
    }
  }
  if (input.insurance) violations.push(...checkInsurance(input.insurance, today));
  return { ...(dbs ? { dbs } : {}), violations };
};
