import { describe, expect, it } from 'vitest';
import {
  checkAttendedOn,
  INDUCTION_WINDOW_DAYS,
  inductionExpired,
  lastStartDate,
} from '#domain/induction.ts';

describe('checkAttendedOn', () => {
  it('accepts today and the past, refuses tomorrow', () => {
    expect(checkAttendedOn('2026-11-26', '2026-11-26')).toEqual([]);
    expect(checkAttendedOn('2026-11-01', '2026-11-26')).toEqual([]);
    expect(checkAttendedOn('2026-11-27', '2026-11-26')).toEqual([
      {
        path: 'attendedOn',
        message: 'The induction date cannot be in the future: use 26 November 2026 or earlier',
      },
    ]);
  });
});

describe('the 14-day window', () => {
  it('the last start date is 14 days after the induction', () => {
    expect(INDUCTION_WINDOW_DAYS).toBe(14);
    expect(lastStartDate('2026-11-26')).toBe('2026-12-10');
    expect(lastStartDate('2028-02-20')).toBe('2028-03-05');
    expect(lastStartDate('2026-12-25')).toBe('2027-01-08');
  });

  it.each([
    ['the day of the induction', '2026-11-26', false],
    ['day 13', '2026-12-09', false],
    ['day 14', '2026-12-10', false],
    ['day 15', '2026-12-11', true],
    ['day 40', '2027-01-05', true],
  ])('on %s (%s) expired is %s', (_label, today, expected) => {
    expect(inductionExpired('2026-11-26', today)).toBe(expected);
  });
});
