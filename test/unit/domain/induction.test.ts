import { describe, expect, it } from 'vitest';
import {
  checkAttendedOn,
  checkExtension,
  INDUCTION_EXTENSION_MAX_DAYS,
  INDUCTION_WINDOW_DAYS,
  inductionExpired,
  lastStartDate,
  windowLastDay,
} from '#domain/induction.ts';

describe('checkAttendedOn: not in the future and not more than 14 days ago', () => {
  it.each([
    ['today', '2026-11-26', []],
    ['yesterday', '2026-11-25', []],
    ['14 days ago (the window closes today)', '2026-11-12', []],
    ['15 days ago (the window closed yesterday)', '2026-11-11', ['attendedOn']],
    ['40 days ago (the issue 7 example)', '2026-10-17', ['attendedOn']],
    ['tomorrow', '2026-11-27', ['attendedOn']],
  ])('%s (%s)', (_label, attendedOn, expected) => {
    expect(checkAttendedOn(attendedOn, '2026-11-26').map((v) => v.path)).toEqual(expected);
  });

  it('names the dates in words and says what would pass', () => {
    expect(checkAttendedOn('2026-11-27', '2026-11-26')).toEqual([
      {
        path: 'attendedOn',
        message: 'The induction date cannot be in the future: use 26 November 2026 or earlier',
      },
    ]);
    expect(checkAttendedOn('2026-11-11', '2026-11-26')[0]?.message).toBe(
      'An induction on 11 November 2026 was more than 14 days ago: its window to start closed on 25 November 2026. Invite the therapist to a new induction, or extend the window of an induction recorded in time',
    );
  });

  it('counts calendar days across a leap day and a clock change', () => {
    // 2028-02-15 + 14 = 2028-02-29: still open on the leap day, closed on 1 March.
    expect(checkAttendedOn('2028-02-15', '2028-02-29')).toEqual([]);
    expect(checkAttendedOn('2028-02-15', '2028-03-01').map((v) => v.path)).toEqual(['attendedOn']);
    // The clocks go back on 2026-10-25: 14 calendar days, not 14 × 24 hours.
    expect(checkAttendedOn('2026-10-18', '2026-11-01')).toEqual([]);
    expect(checkAttendedOn('2026-10-18', '2026-11-02').map((v) => v.path)).toEqual(['attendedOn']);
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
    expect(inductionExpired({ attendedOn: '2026-11-26' }, today)).toBe(expected);
  });

  it('an extension replaces the last day: open through it, closed the day after', () => {
    const extended = {
      attendedOn: '2026-11-26',
      extension: { lastStartDate: '2026-12-20', reason: 'r', recordedAt: '', recordedBy: 's' },
    };
    expect(windowLastDay({ attendedOn: '2026-11-26' })).toBe('2026-12-10');
    expect(windowLastDay(extended)).toBe('2026-12-20');
    expect(inductionExpired(extended, '2026-12-11')).toBe(false);
    expect(inductionExpired(extended, '2026-12-20')).toBe(false);
    expect(inductionExpired(extended, '2026-12-21')).toBe(true);
  });
});

describe('checkExtension: a new last day from today to 14 days ahead, later than the current one', () => {
  // The window of an induction on 26 November 2026 runs to 10 December 2026.
  const current = '2026-12-10';

  it.each([
    ['before the window closes: 14 days from today', '2026-12-08', '2026-12-22', []],
    ['before the window closes: 15 days from today', '2026-12-08', '2026-12-23', ['lastStartDate']],
    ['before it closes: not later than the current last day', '2026-12-08', '2026-12-10', ['lastStartDate']],
    ['after the window closed: today', '2026-12-15', '2026-12-15', []],
    ['after the window closed: 14 days from today', '2026-12-15', '2026-12-29', []],
    ['after the window closed: a day in the past', '2026-12-15', '2026-12-14', ['lastStartDate']],
    ['across the year end: 14 days', '2026-12-25', '2027-01-08', []],
    ['across the year end: 15 days', '2026-12-25', '2027-01-09', ['lastStartDate']],
  ])('%s (today %s, new %s)', (_label, today, newLastDay, expected) => {
    expect(checkExtension(newLastDay, current, today).map((v) => v.path)).toEqual(expected);
  });

  it('says what would pass, dates in words', () => {
    expect(INDUCTION_EXTENSION_MAX_DAYS).toBe(14);
    expect(checkExtension('2026-12-23', current, '2026-12-08')[0]?.message).toBe(
      'An extension gives at most 14 days from today: use 22 December 2026 or earlier',
    );
    expect(checkExtension('2026-12-09', current, '2026-12-08')[0]?.message).toBe(
      'The window already runs to 10 December 2026: choose a later last start date, up to 22 December 2026',
    );
    expect(checkExtension('2026-12-14', current, '2026-12-15')[0]?.message).toBe(
      'The new last start date cannot be in the past: use 15 December 2026 to 29 December 2026',
    );
  });
});
