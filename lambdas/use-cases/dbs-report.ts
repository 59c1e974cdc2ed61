/**
 * The DBS compliance report (GET /staff/reports/dbs?asOf=&format=json|csv).
 *  1. Read, through the sparse compliance index, every active therapist with an action within 60 days of `asOf`
 *     (the first DBS reminder) or a flag: what is due, not the whole table.
 *  2. For each: the DBS deadline (kind, date, days left), the insurance end date, the flags, and a status —
 *     overdue (a deadline passed or a flag holds), due (within 30 days), upcoming (within 60).
 *  3. As JSON, or as CSV for a spreadsheet: the words of the page (labels, never codes), dates ISO so that a
 *     spreadsheet sorts them, and values that a spreadsheet would run as formulas neutralised.
 *  4. recordReportAccess: each therapist listed gets a `dbs-report-exported` audit event naming the staff member
 *     and the format, so their history shows who saw their DBS status (who looked at what).
 */
import type { Application, ComplianceFlag } from '../domain/application.ts';
import { COMPLIANCE_CONFIG, type DbsDeadlineKind, dbsDeadline } from '../domain/compliance.ts';
import { addDaysIso, daysBetween, londonToday } from '../domain/dates.ts';
import { COMPLIANCE_FLAG_NAMES, DBS_DEADLINE_NAMES, REPORT_STATUS_NAMES } from '../domain/labels.ts';
import type { Ports } from '../ports/index.ts';
import { accessEvent } from './staff-queries.ts';
import { complianceFacts, londonMidnight } from './support.ts';

export interface ReportRow {
  applicationId: string;
  name: string;
  status: 'overdue' | 'due' | 'upcoming';
  dbsDeadline?: { kind: DbsDeadlineKind; dueDate: string; daysLeft: number };
  dbsRenewalDueBy?: string;
  insuranceEndDate: string;
  insuranceDaysLeft: number;
  flags: ComplianceFlag[];
}

const DUE_DAYS = 30;
const HORIZON_DAYS = Math.max(...COMPLIANCE_CONFIG.dbsReminderDays);

const row = (app: Application, today: string): ReportRow | undefined => {
  const facts = complianceFacts(app);
  const deadline = dbsDeadline(facts);
  const dbsDays = deadline ? daysBetween(today, deadline.dueDate) : undefined;
  const insuranceDays = daysBetween(today, facts.insuranceEndDate);
  const flags = app.compliance?.flags ?? [];
  const soonest = Math.min(dbsDays ?? Number.POSITIVE_INFINITY, insuranceDays);
  if (flags.length === 0 && soonest > HORIZON_DAYS) return undefined;
  return {
    applicationId: app.id,
    name: `${app.applicant.firstName} ${app.applicant.lastName}`,
    status: flags.length > 0 || soonest < 0 ? 'overdue' : soonest <= DUE_DAYS ? 'due' : 'upcoming',
    ...(deadline && dbsDays !== undefined
      ? { dbsDeadline: { kind: deadline.kind, dueDate: deadline.dueDate, daysLeft: dbsDays } }
      : {}),
    ...(app.dbsRenewalDueBy ? { dbsRenewalDueBy: app.dbsRenewalDueBy } : {}),
    insuranceEndDate: facts.insuranceEndDate,
    insuranceDaysLeft: insuranceDays,
    flags,
  };
};

const ORDER = { overdue: 0, due: 1, upcoming: 2 } as const;

export const dbsReport = async (input: { asOf: Date }, ports: Pick<Ports, 'store'>) => {
  const today = londonToday(input.asOf);
  const rows: ReportRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await ports.store.complianceDue(
      londonMidnight(addDaysIso(today, HORIZON_DAYS)),
      100,
      cursor,
    );
    cursor = page.cursor;
    for (const app of page.items) {
      const r = app.stage === 'active' ? row(app, today) : undefined;
      if (r) rows.push(r);
    }
  } while (cursor);
  rows.sort(
    (a, b) =>
      ORDER[a.status] - ORDER[b.status] ||
      (a.dbsDeadline?.daysLeft ?? 1e9) - (b.dbsDeadline?.daysLeft ?? 1e9),
  );
  return {
    asOf: today,
    counts: {
      overdue: rows.filter((r) => r.status === 'overdue').length,
      due: rows.filter((r) => r.status === 'due').length,
      upcoming: rows.filter((r) => r.status === 'upcoming').length,
    },
    items: rows,
  };
};

const cell = (value: string | number | undefined): string => {
  if (typeof value === 'number') return String(value);
  const text = value ?? '';
  // A text cell starting like a formula would run in a spreadsheet (CSV injection): make it plain text.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export const reportCsv = (report: Awaited<ReturnType<typeof dbsReport>>): string =>
  [
    [
      'Application',
      'Name',
      'Status',
      'DBS deadline',
      'DBS due date',
      'DBS days left',
      'Insurance ends',
      'Insurance days left',
      'Flags',
    ],
    ...report.items.map((r) => [
      r.applicationId,
      r.name,
      REPORT_STATUS_NAMES[r.status],
      r.dbsDeadline && DBS_DEADLINE_NAMES[r.dbsDeadline.kind],
      r.dbsDeadline?.dueDate,
      r.dbsDeadline?.daysLeft,
      r.insuranceEndDate,
      r.insuranceDaysLeft,
      r.flags.map((flag) => COMPLIANCE_FLAG_NAMES[flag]).join('; '),
    ]),
  ]
    .map((line) => line.map(cell).join(','))
    .join('\r\n')
    .concat('\r\n');

export const recordReportAccess = async (
  report: { asOf: string; items: { applicationId: string }[] },
  format: 'json' | 'csv',
  staffId: string,
  ports: Pick<Ports, 'store' | 'clock'>,
): Promise<void> => {
  const now = ports.clock.now();
  await ports.store.recordAccess(
    report.items.map((item) =>
      accessEvent(item.applicationId, now, 'dbs-report-exported', staffId, { format, asOf: report.asOf }),
    ),
  );
};
