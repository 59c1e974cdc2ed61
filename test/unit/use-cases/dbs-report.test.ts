import { describe, expect, it } from 'vitest';
import { reportCsv } from '../../../lambdas/use-cases/dbs-report.ts';

describe('reportCsv', () => {
  it('writes labels, never codes; quotes commas and quotes, neutralises formulas in text, and leaves negative numbers as numbers', () => {
    const csv = reportCsv({
      asOf: '2026-11-26',
      counts: { overdue: 1, due: 0, upcoming: 0 },
      items: [
        {
          applicationId: 'A1',
          name: '=HYPERLINK("x"), "Doe"',
          status: 'overdue',
          dbsDeadline: { kind: 'dbs-recheck', dueDate: '2026-11-25', daysLeft: -1 },
          insuranceEndDate: '2027-01-01',
          insuranceDaysLeft: 36,
          flags: ['dbs-overdue'],
        },
      ],
    });
    const [header, row] = csv.split('\r\n');
    expect(header).toBe(
      'Application,Name,Status,DBS deadline,DBS due date,DBS days left,Insurance ends,Insurance days left,Flags',
    );
    expect(row).toBe(
      `A1,"'=HYPERLINK(""x""), ""Doe""",Overdue,Re-check,2026-11-25,-1,2027-01-01,36,DBS re-check overdue`,
    );
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
