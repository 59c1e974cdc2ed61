/** A broken business rule (DESIGN §3). Use cases throw it; the edge maps it once to a 422 problem+json. */
export interface Violation {
  /** The field the rule is about, dotted like the request body: `insurance.coverAmountGbp`, `weeklySlots.2`. */
  path: string;
  /** Says which rule and what would pass. */
  message: string;
}

export class RuleViolation extends Error {
  override readonly name = 'RuleViolation';

  constructor(public readonly violations: Violation[]) {
    super(violations[0]?.message ?? 'A business rule was broken');
  }
}

/** Throws when any rule is broken, so a use case can check all rules and report every failure at once. */
export const assertNoViolations = (violations: Violation[]): void => {
  if (violations.length > 0) throw new RuleViolation(violations);
};
