import { describe, expect, it } from 'vitest';
import { assertNoViolations, RuleViolation } from '#domain/errors.ts';

describe('RuleViolation', () => {
  it('carries every violation and reads as the first', () => {
    const error = new RuleViolation([
      { path: 'insurance.coverAmountGbp', message: 'first' },
      { path: 'insurance.endDate', message: 'second' },
    ]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('RuleViolation');
    expect(error.message).toBe('first');
    expect(error.violations.map((v) => v.path)).toEqual(['insurance.coverAmountGbp', 'insurance.endDate']);
  });

  it('assertNoViolations throws all of them, or nothing when there are none', () => {
    expect(() => assertNoViolations([])).not.toThrow();
    const violations = [
      { path: 'a', message: 'one' },
      { path: 'b', message: 'two' },
    ];
    expect(() => assertNoViolations(violations)).toThrow(
      expect.objectContaining({ name: 'RuleViolation', violations }),
    );
  });
});
