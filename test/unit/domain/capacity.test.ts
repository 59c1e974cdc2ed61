import { describe, expect, it } from 'vitest';
import {
  aggregateChanges,
  aggregateRanges,
  type CapacityReport,
  type CapacityTherapist,
  type Cover,
  capacityFromTherapists,
  capacityReport,
  compareAggregates,
  emptyCover,
  halfHoursThatDoNotHappenOnce,
} from '#domain/capacity.ts';

/*
 * The hand-computed fixture. The window of 2 weeks from Monday 22 March 2027 runs to Sunday 4 April 2027; Sunday
 * 28 March 2027 is the last Sunday of March (clocks go forward at 01:00: 01:00-02:00 does not happen).
 *
 *  A  active since 1 January 2027, 3 patients: Sunday 00:00-03:00, Tuesday 03:00-04:00
 *  B  active since 1 January 2027, 3 patients: Tuesday 03:00-05:00, Sunday 01:00-02:00;
 *     paused Tuesday 30 March to Thursday 1 April 2027
 *  C  starts Wednesday 24 March 2027 (the pipeline), 4 patients: Tuesday 03:00-04:00, Monday 09:00-12:00
 *  D  awaiting availability (no slots), E withdrawn with slots, F starts 1 May 2027 (after the window): none count
 *
 *  Tuesday 03:00 and 03:30: 23 March A+B = 2; 30 March A + C (B paused) = 2 → 2; pipeline 1 (C)
 *  Tuesday 04:00 and 04:30: 23 March B = 1; 30 March B paused = 0 → 0, a gap
 *  Sunday 00:00: A on both Sundays → 1
 *  Sunday 01:00 and 01:30: 28 March does not happen; 4 April A+B = 2 → 2
 *  Sunday 03:00: nobody → 0, a gap
 *  Monday 09:00: 22 March nobody, 29 March C → fewest 0, a gap; pipeline 1
 *  Patients a week: 22-23 March A+B = 6; from 24 March 10; 30 March-1 April B paused: 7 → fewest 6; pipeline 4 (C)
 */
const slot = (day: string, start: string, end: string) => ({ day, start, end });
const active = (
  startDate: string,
  patientsPerWeek: number,
  weeklySlots: ReturnType<typeof slot>[],
  pauses?: CapacityTherapist['pauses'],
): CapacityTherapist => ({
  stage: 'active',
  availability: { patientsPerWeek, startDate, weeklySlots },
  ...(pauses ? { pauses } : {}),
});

const A = active('2027-01-01', 3, [slot('sun', '00:00', '03:00'), slot('tue', '03:00', '04:00')]);
const B = active(
  '2027-01-01',
  3,
  [slot('tue', '03:00', '05:00'), slot('sun', '01:00', '02:00')],
  [{ from: '2027-03-30', to: '2027-04-01' }],
);
const C = active('2027-03-24', 4, [slot('tue', '03:00', '04:00'), slot('mon', '09:00', '12:00')]);
const D: CapacityTherapist = { stage: 'awaiting-availability' };
const E: CapacityTherapist = {
  ...active('2027-01-01', 5, [slot('wed', '10:00', '20:00')]),
  stage: 'withdrawn',
};
const F = active('2027-05-01', 5, [slot('tue', '03:00', '10:00')]);
const FIXTURE = [A, B, C, D, E, F];

const cell = (report: CapacityReport, day: string, start: string) => {
  const found = report.halfHours.find((h) => h.day === day && h.start === start);
  if (!found) throw new Error(`no half-hour ${day} ${start}`);
  return found;
};
const isGap = (report: CapacityReport, day: string, start: string) =>
  report.gaps.some((g) => g.day === day && g.start === start);

describe('capacity over two weeks that include the March clock change and a pause', () => {
  const report = capacityFromTherapists(FIXTURE, { asOf: '2027-03-22', weeks: 2, minimumCover: 1 });

  it('has the documented shape: 7 × 48 half-hours, Monday 00:00 first, and the window', () => {
    expect(report.halfHours).toHaveLength(336);
    expect(report.halfHours[0]).toMatchObject({ day: 'mon', start: '00:00' });
    expect(report.halfHours[335]).toMatchObject({ day: 'sun', start: '23:30' });
    expect(report).toMatchObject({ asOf: '2027-03-22', weeks: 2, through: '2027-04-04', minimumCover: 1 });
  });

  it('counts the fewest therapists in any week: the pause shows, the pipeline starts mid-window', () => {
    expect(cell(report, 'tue', '03:00')).toEqual({ day: 'tue', start: '03:00', therapists: 2, pipeline: 1 });
    expect(cell(report, 'tue', '03:30')).toMatchObject({ therapists: 2, pipeline: 1 });
    expect(cell(report, 'tue', '04:00')).toMatchObject({ therapists: 0, pipeline: 0 });
    expect(cell(report, 'tue', '04:30')).toMatchObject({ therapists: 0, pipeline: 0 });
    expect(cell(report, 'tue', '05:00')).toMatchObject({ therapists: 0, pipeline: 0 });
    expect(cell(report, 'mon', '09:00')).toMatchObject({ therapists: 0, pipeline: 1 });
    expect(cell(report, 'mon', '11:30')).toMatchObject({ therapists: 0, pipeline: 1 });
    expect(cell(report, 'mon', '12:00')).toMatchObject({ therapists: 0, pipeline: 0 });
    expect(cell(report, 'wed', '10:00')).toMatchObject({ therapists: 0, pipeline: 0 });
  });

  it('leaves the hour that does not happen out of the minimum, and says so', () => {
    expect(cell(report, 'sun', '00:00')).toEqual({ day: 'sun', start: '00:00', therapists: 1, pipeline: 0 });
    expect(cell(report, 'sun', '00:30')).not.toHaveProperty('clockChange');
    expect(cell(report, 'sun', '01:00')).toEqual({
      day: 'sun',
      start: '01:00',
      therapists: 2,
      pipeline: 0,
      clockChange: { date: '2027-03-28', change: 'skipped' },
    });
    expect(cell(report, 'sun', '01:30')).toMatchObject({ therapists: 2, clockChange: { change: 'skipped' } });
    expect(cell(report, 'sun', '02:00')).toMatchObject({ therapists: 1 });
    expect(cell(report, 'sun', '02:00')).not.toHaveProperty('clockChange');
    expect(cell(report, 'sun', '03:00')).toMatchObject({ therapists: 0 });
  });

  it('counts patients a week at the fewest, and the pipeline’s', () => {
    expect(report.patientsPerWeek).toEqual({ active: 6, pipeline: 4 });
  });

  it('lists as gaps exactly the half-hours under the minimum', () => {
    expect(isGap(report, 'tue', '04:00')).toBe(true);
    expect(isGap(report, 'mon', '09:00')).toBe(true);
    expect(isGap(report, 'sun', '03:00')).toBe(true);
    expect(isGap(report, 'tue', '03:00')).toBe(false);
    expect(isGap(report, 'sun', '01:00')).toBe(false);
    // Covered: Sunday 00:00-03:00 (6) and Tuesday 03:00-04:00 (2); every other half-hour is a gap.
    expect(report.gaps).toHaveLength(336 - 8);
  });

  it('with a minimum of 2, a half-hour with one therapist is a gap too', () => {
    const stricter = capacityFromTherapists(FIXTURE, { asOf: '2027-03-22', weeks: 2, minimumCover: 2 });
    expect(isGap(stricter, 'sun', '00:00')).toBe(true);
    expect(isGap(stricter, 'sun', '01:00')).toBe(false);
    expect(isGap(stricter, 'tue', '03:00')).toBe(false);
  });
});

describe('a window whose only Sunday is the March clock change', () => {
  const report = capacityFromTherapists(FIXTURE, { asOf: '2027-03-22', weeks: 1, minimumCover: 1 });

  it('shows the half-hours that do not exist as null, never as a gap', () => {
    expect(cell(report, 'sun', '01:00')).toEqual({
      day: 'sun',
      start: '01:00',
      therapists: null,
      pipeline: null,
      clockChange: { date: '2027-03-28', change: 'skipped' },
    });
    expect(cell(report, 'sun', '01:30')).toMatchObject({ therapists: null, pipeline: null });
    expect(isGap(report, 'sun', '01:00')).toBe(false);
    expect(isGap(report, 'sun', '01:30')).toBe(false);
  });

  it('without the paused week, Tuesday 04:00 has B', () => {
    expect(cell(report, 'tue', '04:00')).toMatchObject({ therapists: 1, pipeline: 0 });
    expect(report.patientsPerWeek).toEqual({ active: 6, pipeline: 4 });
  });
});

describe('the October clock change', () => {
  const G = active('2026-01-01', 3, [slot('sun', '01:00', '02:00'), slot('sun', '02:00', '04:00')]);

  it('counts the hour that happens twice once, with the same therapists, and says so', () => {
    const report = capacityFromTherapists([G], { asOf: '2026-10-19', weeks: 1, minimumCover: 1 });
    expect(cell(report, 'sun', '01:00')).toEqual({
      day: 'sun',
      start: '01:00',
      therapists: 1,
      pipeline: 0,
      clockChange: { date: '2026-10-25', change: 'repeated' },
    });
    expect(cell(report, 'sun', '01:30')).toMatchObject({
      therapists: 1,
      clockChange: { change: 'repeated' },
    });
    expect(cell(report, 'sun', '02:00')).not.toHaveProperty('clockChange');
  });

  it('finds the clock-change half-hours from the time zone, not from a table', () => {
    expect([...halfHoursThatDoNotHappenOnce('2026-10-25')]).toEqual([
      ['01:00', 2],
      ['01:30', 2],
    ]);
    expect([...halfHoursThatDoNotHappenOnce('2027-03-28')]).toEqual([
      ['01:00', 0],
      ['01:30', 0],
    ]);
    expect(halfHoursThatDoNotHappenOnce('2026-10-18').size).toBe(0);
    expect(halfHoursThatDoNotHappenOnce('2027-03-29').size).toBe(0);
  });
});

describe('pauses', () => {
  it('count a day once when they overlap, and not before the start', () => {
    const H = active(
      '2027-03-24',
      3,
      [slot('wed', '10:00', '11:00')],
      [
        { from: '2027-03-01', to: '2027-03-24' },
        { from: '2027-03-30', to: '2027-04-01' },
        { from: '2027-03-31', to: '2027-04-02' },
      ],
    );
    const report = capacityFromTherapists([H], { asOf: '2027-03-22', weeks: 3, minimumCover: 1 });
    // Wednesdays 24 March (paused), 31 March (paused), 7 April (available): the fewest is 0.
    expect(cell(report, 'wed', '10:00')).toMatchObject({ therapists: 0, pipeline: 1 });
    const later = capacityFromTherapists([H], { asOf: '2027-04-03', weeks: 1, minimumCover: 1 });
    expect(cell(later, 'wed', '10:00')).toMatchObject({ therapists: 1, pipeline: 0 });
    expect(later.patientsPerWeek).toEqual({ active: 3, pipeline: 0 });
  });
});

const sumInto = (target: Map<string, Cover>, changes: Map<string, Cover>) => {
  for (const [key, change] of changes) {
    const item = target.get(key) ?? emptyCover();
    target.set(key, {
      cells: item.cells.map((n, i) => n + (change.cells[i] ?? 0)),
      patients: item.patients + change.patients,
    });
  }
};

describe('the maintained aggregate', () => {
  it('applied change by change equals the aggregate recomputed from the final items', () => {
    const aggregate = new Map<string, Cover>();
    // C is invited, then gives availability (active), then pauses, then leaves (any stage but active).
    const steps: CapacityTherapist[] = [
      { stage: 'awaiting-availability' },
      C,
      { ...C, pauses: [{ from: '2027-04-05', to: '2027-04-09' }] },
      { ...C, stage: 'withdrawn', pauses: [{ from: '2027-04-05', to: '2027-04-09' }] },
    ];
    sumInto(aggregate, aggregateChanges([], [A, B]));
    for (let i = 1; i < steps.length; i++) {
      sumInto(
        aggregate,
        aggregateChanges([steps[i - 1] as CapacityTherapist], [steps[i] as CapacityTherapist]),
      );
      expect(
        compareAggregates(aggregate, aggregateChanges([], [A, B, steps[i] as CapacityTherapist])),
      ).toEqual([]);
    }
  });

  it('finds a difference between a stored aggregate and the recomputed one', () => {
    const stored = aggregateChanges([], [A]);
    const differences = compareAggregates(stored, aggregateChanges([], [A, B]));
    expect(differences.map((d) => d.key)).toEqual(
      expect.arrayContaining(['Y#2027', 'M#2027-01', 'D#2027-01-01', 'S#2027-01-01', 'D#2027-03-30']),
    );
  });

  it('a change that does not touch availability, stage or pauses changes no item', () => {
    expect(aggregateChanges([A], [{ ...A }]).size).toBe(0);
  });

  it('the report from the items of the ranges alone equals the report from every item', () => {
    const all = aggregateChanges([], FIXTURE);
    for (const [asOf, weeks] of [
      ['2027-03-22', 2],
      ['2027-01-01', 12],
      ['2027-05-31', 4],
      ['2026-12-30', 1],
    ] as const) {
      const ranges = aggregateRanges(
        asOf,
        capacityFromTherapists([], { asOf, weeks, minimumCover: 1 }).through,
      );
      const inRanges = [...all]
        .filter(([key]) => ranges.some((r) => key >= r.from && key <= r.to))
        .map(([key, cover]) => ({ key, cover }));
      expect(capacityReport({ asOf, weeks, minimumCover: 1, items: inRanges })).toEqual(
        capacityFromTherapists(FIXTURE, { asOf, weeks, minimumCover: 1 }),
      );
    }
  });
});
