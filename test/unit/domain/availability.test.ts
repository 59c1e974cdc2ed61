import { describe, expect, it } from 'vitest';
import {
  type AvailabilityInput,
  checkAvailability,
  type WeeklySlot,
  weeklyHours,
} from '#domain/availability.ts';

const context = { today: '2026-11-27', inductionAttendedOn: '2026-11-26' };
const slot = (day: WeeklySlot['day'], start: string, end: string): WeeklySlot => ({ day, start, end });
const valid: AvailabilityInput = {
  patientsPerWeek: 6,
  startDate: '2026-12-01',
  weeklySlots: [slot('mon', '09:00', '12:00'), slot('wed', '18:00', '21:00')],
};
const check = (change: Partial<AvailabilityInput>, ctx = context) =>
  checkAvailability({ ...valid, ...change }, ctx);
const paths = (change: Partial<AvailabilityInput>, ctx = context) => check(change, ctx).map((v) => v.path);

describe('checkAvailability: a valid offer', () => {
  it('passes', () => {
    expect(check({})).toEqual([]);
  });
});

describe('slot times', () => {
  it('accepts 30-minute steps and 24:00 as an end', () => {
    expect(
      paths({
        weeklySlots: [slot('sun', '17:30', '24:00'), slot('sun', '00:00', '00:30')],
        patientsPerWeek: 3,
      }),
    ).toEqual([]);
  });

  it.each([
    ['09:15', '12:00', 'weeklySlots.0.start'],
    ['09:00', '12:45', 'weeklySlots.0.end'],
    ['09:00', '12:01', 'weeklySlots.0.end'],
    ['24:00', '24:00', 'weeklySlots.0.start'],
    ['23:00', '24:30', 'weeklySlots.0.end'],
    ['23:00', '25:00', 'weeklySlots.0.end'],
    ['08:60', '12:00', 'weeklySlots.0.start'],
    ['9:00', '12:00', 'weeklySlots.0.start'],
  ])('refuses %s-%s at %s', (start, end, path) => {
    const violations = check({ weeklySlots: [slot('mon', start, end), slot('tue', '00:00', '12:00')] });
    expect(violations.map((v) => v.path)).toEqual([path]);
    expect(violations[0]?.message).toMatch(/hour or half hour/);
  });

  it.each([
    ['12:00', '12:00'],
    ['12:00', '09:00'],
    ['22:00', '00:00'],
  ])('refuses a slot ending at or before it starts (%s-%s), pointing to 24:00 for midnight', (start, end) => {
    const violations = check({ weeklySlots: [slot('mon', start, end), slot('tue', '00:00', '12:00')] });
    expect(violations).toEqual([{ path: 'weeklySlots.0.end', message: expect.stringContaining('24:00') }]);
  });
});

describe('overlaps', () => {
  it('refuses overlapping slots on the same day, naming the other slot', () => {
    const violations = check({
      weeklySlots: [
        slot('mon', '09:00', '12:00'),
        slot('wed', '18:00', '21:00'),
        slot('mon', '11:30', '14:00'),
      ],
    });
    expect(violations).toEqual([
      {
        path: 'weeklySlots.2',
        message: 'Overlaps slot 1 (Monday 09:00-12:00): slots on the same day must not overlap',
      },
    ]);
  });

  it('refuses a slot inside another and an exact duplicate', () => {
    expect(
      paths({
        weeklySlots: [
          slot('tue', '08:00', '20:00'),
          slot('tue', '10:00', '11:00'),
          slot('tue', '08:00', '20:00'),
        ],
      }),
    ).toEqual(['weeklySlots.1', 'weeklySlots.2', 'weeklySlots.2']);
  });

  it('allows back-to-back slots and the same hours on different days', () => {
    expect(
      paths({
        weeklySlots: [
          slot('mon', '09:00', '12:00'),
          slot('mon', '12:00', '15:00'),
          slot('tue', '09:00', '12:00'),
        ],
      }),
    ).toEqual([]);
  });
});

describe('hours against patients', () => {
  it('needs one hour of slots per patient a week', () => {
    const slots = [slot('mon', '09:00', '12:00'), slot('thu', '19:00', '21:30')];
    expect(paths({ patientsPerWeek: 5, weeklySlots: slots })).toEqual([]);
    expect(check({ patientsPerWeek: 6, weeklySlots: slots })).toEqual([
      {
        path: 'weeklySlots',
        message:
          'Your slots give 5.5 hours a week; 6 patients a week need at least 6 hours (one session an hour)',
      },
    ]);
  });

  it('does not count overlapping time twice', () => {
    const slots = [slot('mon', '09:00', '11:00'), slot('mon', '10:00', '12:00')];
    expect(weeklyHours(slots)).toBe(3);
    expect(paths({ patientsPerWeek: 4, weeklySlots: slots })).toEqual(['weeklySlots.1', 'weeklySlots']);
  });

  it.each([2, 41, 3.5])('refuses %s patients a week', (patientsPerWeek) => {
    expect(paths({ patientsPerWeek })).toEqual(['patientsPerWeek']);
  });

  it('takes up to 40 patients with the hours for them', () => {
    const everyDay = (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((d) =>
      slot(d, '08:00', '14:00'),
    );
    expect(weeklyHours(everyDay)).toBe(42);
    expect(paths({ patientsPerWeek: 40, weeklySlots: everyDay })).toEqual([]);
  });
});

describe('wall-clock hours, whatever the week', () => {
  it('counts a whole Sunday as 24 hours and 01:00-02:00 as one, even when the clocks change that week', () => {
    expect(weeklyHours([slot('sun', '00:00', '24:00')])).toBe(24);
    expect(weeklyHours([slot('sun', '01:00', '02:00')])).toBe(1);
    for (const startDate of ['2026-03-29', '2026-10-25']) {
      const ctx = { today: startDate, inductionAttendedOn: startDate };
      const weeklySlots = [slot('sun', '00:30', '03:30')];
      expect(checkAvailability({ patientsPerWeek: 3, startDate, weeklySlots }, ctx)).toEqual([]);
      expect(
        checkAvailability({ patientsPerWeek: 4, startDate, weeklySlots }, ctx).map((v) => v.path),
      ).toEqual(['weeklySlots']);
    }
  });
});

describe('start date', () => {
  it.each([
    ['yesterday', '2026-11-26', ['startDate']],
    ['today', '2026-11-27', []],
    ['the last day of the window', '2026-12-10', []],
    ['the day after the window', '2026-12-11', ['startDate']],
  ])('starting %s (%s)', (_label, startDate, expected) => {
    expect(paths({ startDate })).toEqual(expected);
  });

  it('names the last valid date', () => {
    expect(check({ startDate: '2026-12-11' })).toEqual([
      { path: 'startDate', message: 'Start no later than 10 December 2026, 14 days after your induction' },
    ]);
    expect(check({ startDate: '2026-11-26' })).toEqual([
      { path: 'startDate', message: 'Start today (27 November 2026) or later' },
    ]);
  });

  it('on day 14 only a start that day is valid; by day 15 the window has closed', () => {
    const day14 = { today: '2026-12-10', inductionAttendedOn: '2026-11-26' };
    expect(paths({ startDate: '2026-12-10' }, day14)).toEqual([]);
    const day15 = { today: '2026-12-11', inductionAttendedOn: '2026-11-26' };
    expect(check({ startDate: '2026-12-11' }, day15)).toEqual([
      {
        path: 'startDate',
        message:
          'Your induction window closed on 10 December 2026, 14 days after your induction on 26 November 2026: book a new induction',
      },
    ]);
  });
});
