/**
 * An active therapist's own changes (issue 11 §2) at their boundary dates: a change of availability from today or
 * later (the rules shared with the questionnaire), the read-time rule for a change still to come, pauses of at most
 * 42 days from today, and the capacity the aggregate counts for each.
 */
import { describe, expect, it } from 'vitest';
import {
  type AvailabilityChange,
  changesKept,
  checkAvailability,
  checkAvailabilityChange,
  checkWeeklyCommitment,
  commitmentOn,
  pendingChange,
  type WeeklySlot,
} from '#domain/availability.ts';
import {
  aggregateChanges,
  type CapacityTherapist,
  capacityFromTherapists,
  therapistChanges,
} from '#domain/capacity.ts';
import { addDaysIso } from '#domain/dates.ts';
import { checkPause, currentAndComingPauses, overlappingPause, PAUSE_POLICY } from '#domain/pauses.ts';

const today = '2027-03-10';
const slot = (day: WeeklySlot['day'], start: string, end: string): WeeklySlot => ({ day, start, end });
const threeHours = [slot('mon', '09:00', '12:00')];
const change = (patientsPerWeek: number, effectiveFrom: string, weeklySlots = threeHours) => ({
  patientsPerWeek,
  weeklySlots,
  effectiveFrom,
});

describe('checkAvailabilityChange', () => {
  it('accepts a change from today', () => {
    expect(checkAvailabilityChange(change(3, today), { today })).toEqual([]);
  });

  it('refuses a change from yesterday, naming today', () => {
    expect(checkAvailabilityChange(change(3, addDaysIso(today, -1)), { today })).toEqual([
      {
        path: 'effectiveFrom',
        message: 'Choose today (10 March 2027) or a later date for the change to take effect',
      },
    ]);
  });

  it('accepts 3 patients a week and refuses 2 (the seed minimum), as the questionnaire does', () => {
    expect(checkAvailabilityChange(change(3, today), { today })).toEqual([]);
    const two = checkAvailabilityChange(change(2, today), { today });
    expect(two.map((v) => v.path)).toEqual(['patientsPerWeek']);
    expect(two[0]?.message).toBe('A whole number of patients a week from 3 to 40');
    const questionnaire = checkAvailability(
      { patientsPerWeek: 2, startDate: today, weeklySlots: threeHours },
      { today, lastStartDate: addDaysIso(today, 14) },
    );
    expect(questionnaire).toEqual(two);
  });

  it('needs an hour of slots a patient and no overlaps: the shared weekly commitment', () => {
    const four = checkAvailabilityChange(change(4, today), { today });
    expect(four.map((v) => v.path)).toEqual(['weeklySlots']);
    const overlap = checkWeeklyCommitment({
      patientsPerWeek: 3,
      weeklySlots: [slot('mon', '09:00', '12:00'), slot('mon', '11:00', '13:00')],
    });
    expect(overlap.map((v) => v.path)).toEqual(['weeklySlots.1']);
  });
});

describe('the read-time rule', () => {
  const base = { patientsPerWeek: 3, weeklySlots: threeHours, startDate: '2027-01-04' };
  const later: AvailabilityChange = {
    ...change(5, '2027-03-15', [slot('tue', '08:00', '14:00')]),
    givenAt: '',
  };

  it('the change is pending the day before its effectiveFrom, and current from that day', () => {
    expect(commitmentOn(base, [later], '2027-03-14')).toBe(base);
    expect(pendingChange([later], '2027-03-14')).toBe(later);
    expect(commitmentOn(base, [later], '2027-03-15')).toBe(later);
    expect(pendingChange([later], '2027-03-15')).toBeUndefined();
  });

  it('a new change replaces the pending one and keeps those already in effect', () => {
    const past = { ...later, effectiveFrom: '2027-02-01' };
    expect(changesKept([past, later], '2027-03-20', today)).toEqual([past]);
    expect(changesKept([past, later], '2027-02-01', '2027-02-01')).toEqual([]);
  });
});

describe('checkPause', () => {
  const max = PAUSE_POLICY.maxDays;

  it('accepts a pause from today lasting 42 days (today to today + 41)', () => {
    expect(max).toBe(42);
    expect(checkPause({ from: today, to: addDaysIso(today, 41) }, { today })).toEqual([]);
  });

  it('refuses 43 days (today to today + 42), naming the last day allowed', () => {
    expect(checkPause({ from: today, to: addDaysIso(today, 42) }, { today })).toEqual([
      {
        path: 'to',
        message: 'A pause lasts at most 42 days: from 10 March 2027, end it on 20 April 2027 at the latest',
      },
    ]);
  });

  it('refuses a pause from yesterday, and one ending before it starts', () => {
    expect(checkPause({ from: addDaysIso(today, -1), to: today }, { today }).map((v) => v.path)).toEqual([
      'from',
    ]);
    expect(
      checkPause({ from: addDaysIso(today, 2), to: addDaysIso(today, 1) }, { today }).map((v) => v.path),
    ).toEqual(['to']);
  });

  it('accepts a one-day pause today', () => {
    expect(checkPause({ from: today, to: today }, { today })).toEqual([]);
  });

  it('finds an overlap on a shared first or last day, not on touching pauses', () => {
    const pauses = [{ from: '2027-04-01', to: '2027-04-10' }];
    expect(overlappingPause(pauses, { from: '2027-04-10', to: '2027-04-12' })).toEqual(pauses[0]);
    expect(overlappingPause(pauses, { from: '2027-03-25', to: '2027-04-01' })).toEqual(pauses[0]);
    expect(overlappingPause(pauses, { from: '2027-04-11', to: '2027-04-12' })).toBeUndefined();
    expect(overlappingPause(pauses, { from: '2027-03-20', to: '2027-03-31' })).toBeUndefined();
  });

  it('lists pauses not over yet, first first', () => {
    const pauses = [
      { from: '2027-05-01', to: '2027-05-02' },
      { from: '2027-03-01', to: '2027-03-09' },
      { from: '2027-03-05', to: today },
    ];
    expect(currentAndComingPauses(pauses, today)).toEqual([pauses[2], pauses[0]]);
  });
});

describe('capacity with changes of availability', () => {
  // Active from Monday 4 January 2027, Monday 09:00-12:00, 3 patients; from Monday 15 March Tuesday 08:00-14:00,
  // 5 patients; paused 22 to 24 March.
  const therapist: CapacityTherapist = {
    stage: 'active',
    availability: { patientsPerWeek: 3, startDate: '2027-01-04', weeklySlots: threeHours },
    availabilityChanges: [change(5, '2027-03-15', [slot('tue', '08:00', '14:00')])],
    pauses: [{ from: '2027-03-22', to: '2027-03-24' }],
  };
  const cell = (report: ReturnType<typeof capacityFromTherapists>, day: string, start: string) =>
    report.halfHours.find((h) => h.day === day && h.start === start)?.therapists;

  it('counts the old availability before effectiveFrom and the new one from it', () => {
    const before = capacityFromTherapists([therapist], { asOf: '2027-03-08', weeks: 1, minimumCover: 1 });
    expect(cell(before, 'mon', '09:00')).toBe(1);
    expect(cell(before, 'tue', '08:00')).toBe(0);
    expect(before.patientsPerWeek.active).toBe(3);
    const after = capacityFromTherapists([therapist], { asOf: '2027-03-15', weeks: 1, minimumCover: 1 });
    expect(cell(after, 'mon', '09:00')).toBe(0);
    expect(cell(after, 'tue', '08:00')).toBe(1);
    expect(after.patientsPerWeek.active).toBe(5);
  });

  it('leaves the therapist out on the days of a pause of the new availability', () => {
    const week = capacityFromTherapists([therapist], { asOf: '2027-03-22', weeks: 1, minimumCover: 1 });
    expect(cell(week, 'tue', '08:00')).toBe(0);
    expect(week.patientsPerWeek.active).toBe(0);
    const next = capacityFromTherapists([therapist], { asOf: '2027-03-29', weeks: 1, minimumCover: 1 });
    expect(cell(next, 'tue', '08:00')).toBe(1);
  });

  it('a change dated before the start date is the availability from the start', () => {
    const early: CapacityTherapist = {
      stage: 'active',
      availability: { patientsPerWeek: 3, startDate: '2027-03-20', weeklySlots: threeHours },
      availabilityChanges: [change(4, today, [slot('wed', '08:00', '12:00')])],
    };
    expect(therapistChanges(early)).toHaveLength(1);
    const report = capacityFromTherapists([early], { asOf: '2027-03-22', weeks: 1, minimumCover: 1 });
    expect(cell(report, 'wed', '08:00')).toBe(1);
    expect(cell(report, 'mon', '09:00')).toBe(0);
  });

  it('the aggregate change of a new availability change is exactly the difference (consistency)', () => {
    const without: CapacityTherapist = { ...therapist, availabilityChanges: [] };
    const delta = aggregateChanges([without], [therapist]);
    const direct = aggregateChanges([], [therapist]);
    const base = aggregateChanges([], [without]);
    for (const [key, cover] of direct) {
      const expected = cover.patients - (base.get(key)?.patients ?? 0);
      expect(delta.get(key)?.patients ?? 0).toBe(expected);
    }
    expect(delta.size).toBeGreaterThan(0);
  });
});
