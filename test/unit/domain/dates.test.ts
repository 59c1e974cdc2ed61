import { TZDate } from '@date-fns/tz';
import { addDays, addMonths, differenceInCalendarDays, format } from 'date-fns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDaysIso,
  addMonthsIso,
  addYearsIso,
  compareIso,
  daysBetween,
  daysInMonth,
  formatLongDate,
  formatLongDateTime,
  isIsoDate,
  londonToday,
} from '#domain/dates.ts';

const toIso = (d: Date): string => d.toISOString().slice(0, 10);
const isoDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true })
  .map(toIso);
// date-fns works in the host's zone; a local midnight is a safe carrier for a calendar date in any zone.
const local = (iso: string): Date => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d);
};
const months = (iso: string): number => Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;

describe('addMonthsIso', () => {
  it.each([
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2024-02-29', -12, '2023-02-28'],
    ['2025-02-28', -12, '2024-02-28'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-08-31', 1, '2026-09-30'],
    ['2026-12-15', 1, '2027-01-15'],
    ['2027-01-15', -1, '2026-12-15'],
    ['2026-05-10', 0, '2026-05-10'],
  ])('%s + %i months = %s', (from, n, expected) => {
    expect(addMonthsIso(from, n)).toBe(expected);
  });

  it('always gives a real date, never a later day of month, exactly n months on, as date-fns addMonths does', () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: -240, max: 240 }), (from, n) => {
        const result = addMonthsIso(from, n);
        expect(isIsoDate(result)).toBe(true);
        expect(Number(result.slice(8))).toBeLessThanOrEqual(Number(from.slice(8)));
        expect(months(result) - months(from)).toBe(n);
        expect(result).toBe(format(addMonths(local(from), n), 'yyyy-MM-dd'));
      }),
    );
  });

  it('keeps the day of month when the target month has it', () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: -240, max: 240 }), (from, n) => {
        const result = addMonthsIso(from, n);
        const target = months(from) + n;
        const fits = Number(from.slice(8)) <= daysInMonth(Math.floor(target / 12), (target % 12) + 1);
        expect(result.slice(8) === from.slice(8)).toBe(fits);
      }),
    );
  });
});

describe('addYearsIso', () => {
  it('clamps 29 February to 28 February in a common year', () => {
    expect(addYearsIso('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYearsIso('2024-02-29', -3)).toBe('2021-02-28');
    expect(addYearsIso('2024-02-29', 4)).toBe('2028-02-29');
  });

  it('is 12n months', () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: -20, max: 20 }), (from, n) => {
        expect(addYearsIso(from, n)).toBe(addMonthsIso(from, 12 * n));
      }),
    );
  });
});

describe('addDaysIso and daysBetween', () => {
  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-11-26', 14, '2026-12-10'],
    ['2000-02-28', 1, '2000-02-29'],
    ['1900-02-28', 1, '1900-03-01'],
  ])('%s + %i days = %s', (from, n, expected) => {
    expect(addDaysIso(from, n)).toBe(expected);
  });

  it('counts calendar days across a clock change as whole days', () => {
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
    expect(daysBetween('2026-10-24', '2026-10-26')).toBe(2);
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2028-01-01', '2029-01-01')).toBe(366);
    expect(daysBetween('2026-12-10', '2026-11-26')).toBe(-14);
  });

  it('daysBetween(a, addDaysIso(a, n)) === n, and both agree with date-fns', () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: -40_000, max: 40_000 }), (from, n) => {
        const to = addDaysIso(from, n);
        expect(isIsoDate(to)).toBe(true);
        expect(daysBetween(from, to)).toBe(n);
        expect(to).toBe(format(addDays(local(from), n), 'yyyy-MM-dd'));
      }),
    );
  });

  it('daysBetween matches date-fns differenceInCalendarDays and is antisymmetric', () => {
    fc.assert(
      fc.property(isoDate, isoDate, (a, b) => {
        expect(daysBetween(a, b)).toBe(differenceInCalendarDays(local(b), local(a)));
        expect(daysBetween(b, a) + daysBetween(a, b)).toBe(0);
      }),
    );
  });
});

describe('compareIso', () => {
  it('orders dates as the calendar does', () => {
    fc.assert(
      fc.property(isoDate, isoDate, (a, b) => {
        expect(compareIso(a, b)).toBe(Math.sign(daysBetween(b, a)));
      }),
    );
  });
});

describe('parsing', () => {
  it('rejects what is not a real YYYY-MM-DD date, loudly', () => {
    for (const bad of [
      '2025-02-29',
      '2026-13-01',
      '2026-04-31',
      '2026-4-1',
      '26-04-01',
      '2026-04-01T00:00:00Z',
      '',
    ]) {
      expect(isIsoDate(bad)).toBe(false);
      expect(() => addDaysIso(bad, 1)).toThrow(RangeError);
    }
    expect(isIsoDate('2024-02-29')).toBe(true);
  });

  it('formats dates for people', () => {
    expect(formatLongDate('2024-03-03')).toBe('3 March 2024');
    expect(formatLongDate('2026-12-10')).toBe('10 December 2026');
  });

  it.each([
    // GMT in winter, BST in summer; late evening UTC in summer is already the next day in London.
    ['2026-12-16T09:05:00Z', '16 December 2026, 09:05'],
    ['2026-07-01T23:30:00Z', '2 July 2026, 00:30'],
    ['2026-03-29T00:59:00Z', '29 March 2026, 00:59'],
    ['2026-03-29T01:00:00Z', '29 March 2026, 02:00'],
  ])('writes the instant %s as %s (Europe/London)', (instant, expected) => {
    expect(formatLongDateTime(instant)).toBe(expected);
    expect(formatLongDateTime(new Date(instant))).toBe(expected);
  });
});

describe('londonToday', () => {
  it.each([
    // Clocks go forward at 01:00Z on 29 March 2026: before that London is on GMT.
    ['2026-03-28T23:30:00Z', '2026-03-28'],
    ['2026-03-29T00:30:00Z', '2026-03-29'],
    ['2026-03-29T22:59:59Z', '2026-03-29'],
    ['2026-03-29T23:00:00Z', '2026-03-30'],
    // Summer: BST, one hour ahead of UTC.
    ['2026-06-30T22:59:59Z', '2026-06-30'],
    ['2026-06-30T23:30:00Z', '2026-07-01'],
    // Clocks go back at 01:00Z on 25 October 2026.
    ['2026-10-24T22:59:59Z', '2026-10-24'],
    ['2026-10-24T23:30:00Z', '2026-10-25'],
    ['2026-10-25T00:30:00Z', '2026-10-25'],
    ['2026-10-25T23:30:00Z', '2026-10-25'],
    // Winter: GMT, the same as UTC.
    ['2026-12-31T23:59:59Z', '2026-12-31'],
    ['2027-01-01T00:00:00Z', '2027-01-01'],
  ])('%s is %s in London', (instant, expected) => {
    expect(londonToday(new Date(instant))).toBe(expected);
  });

  it('agrees with @date-fns/tz at any instant', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1990-01-01T00:00:00Z'),
          max: new Date('2100-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        (now) => {
          expect(londonToday(now)).toBe(format(new TZDate(now, 'Europe/London'), 'yyyy-MM-dd'));
        },
      ),
    );
  });

  it('is the UTC date or the day after, never before', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        (now) => {
          expect([0, 1]).toContain(daysBetween(toIso(now), londonToday(now)));
        },
      ),
    );
  });
});
