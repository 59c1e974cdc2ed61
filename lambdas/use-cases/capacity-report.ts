/**
 * The capacity report (GET /staff/reports/capacity?asOf=&weeks=&format=json|csv): the 24/7 cover.
 *  1. The window: `weeks` weeks (1-12, default 4) from asOf's Europe/London date.
 *  2. Read the maintained aggregate's items for that window (their number is set by the calendar, never by how
 *     many therapists there are: domain/capacity.ts).
 *  3. The report (half-hours, patients a week, gaps; what each number means is in domain/capacity.ts), as JSON, or
 *     as CSV for a spreadsheet: one row per half-hour, in the words of the page.
 */
import {
  aggregateRanges,
  CAPACITY_POLICY,
  type CapacityReport,
  capacityReport,
  halfHourEnd,
} from '../domain/capacity.ts';
import { addDaysIso, londonToday } from '../domain/dates.ts';
import { WEEK_DAY_NAMES } from '../domain/labels.ts';
import type { CapacityAggregate } from '../ports/index.ts';

export const capacityReportAt = async (
  input: { asOf: Date; weeks?: number; minimumCover?: number },
  ports: { capacity: CapacityAggregate },
): Promise<{ report: CapacityReport; itemsRead: number }> => {
  const asOf = londonToday(input.asOf);
  const weeks = input.weeks ?? CAPACITY_POLICY.defaultWeeks;
  const through = addDaysIso(asOf, 7 * weeks - 1);
  const { items, itemsRead } = await ports.capacity.read(aggregateRanges(asOf, through));
  return {
    report: capacityReport({
      asOf,
      weeks,
      minimumCover: input.minimumCover ?? CAPACITY_POLICY.minimumCover,
      items,
    }),
    itemsRead,
  };
};

const CLOCK_CHANGE_WORDS = {
  skipped: 'does not happen on',
  repeated: 'happens twice on',
} as const;

/** One row per half-hour, CRLF line ends; every cell is a number, a time, a date or one of our own words. */
export const capacityCsv = (report: CapacityReport): string =>
  [
    ['Day', 'From', 'To', 'Therapists', 'Due to start', 'Below minimum cover', 'Clock change'],
    ...report.halfHours.map((h) => [
      WEEK_DAY_NAMES[h.day],
      h.start,
      halfHourEnd(h.start),
      h.therapists === null ? '' : String(h.therapists),
      h.pipeline === null ? '' : String(h.pipeline),
      h.therapists !== null && h.therapists < report.minimumCover ? 'yes' : 'no',
      h.clockChange ? `${CLOCK_CHANGE_WORDS[h.clockChange.change]} ${h.clockChange.date}` : '',
    ]),
  ]
    .map((line) => line.join(','))
    .join('\r\n')
    .concat('\r\n');
