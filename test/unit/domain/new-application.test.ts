import { describe, expect, it } from 'vitest';
import { checkNewApplication } from '#domain/new-application.ts';

const today = '2026-12-16';
const insurance = { coverAmountGbp: 1_000_000, startDate: '2026-01-01', endDate: '2027-01-01' };
const dbs = { hasCertificate: true as const, level: 'enhanced' as const, issueDate: '2026-06-01' };

describe('checkNewApplication: the rules the server and the form share', () => {
  it('passes an application every rule accepts, with its DBS assessment', () => {
    expect(checkNewApplication({ dbs, insurance }, today)).toMatchObject({
      dbs: { assessment: 'current' },
      violations: [],
    });
  });

  it('reports every broken rule at once: cover, the policy’s end and a DBS issue date in the future', () => {
    const result = checkNewApplication(
      {
        dbs: { ...dbs, issueDate: '2026-12-17' },
        insurance: { ...insurance, coverAmountGbp: 999_999, endDate: '2026-12-15' },
      },
      today,
    );
    expect(result.violations.map((v) => v.path).sort()).toEqual([
      'dbs.issueDate',
      'insurance.coverAmountGbp',
      'insurance.endDate',
    ]);
    expect(result.dbs).toBeUndefined();
  });

  it('asks the DBS choice a new certificate needs', () => {
    const result = checkNewApplication({ dbs: { hasCertificate: false } }, today);
    expect(result.violations.map((v) => v.path)).toEqual(['dbs.applyOnMyBehalf']);
  });

  it('does not judge a part it was not given (the form has not got it yet)', () => {
    expect(
      checkNewApplication({ insurance: { ...insurance, coverAmountGbp: 10 } }, today).violations.map(
        (v) => v.path,
      ),
    ).toEqual(['insurance.coverAmountGbp']);
    expect(checkNewApplication({}, today)).toEqual({ violations: [] });
  });
});
