import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIsoDate } from '../../../lambdas/domain/dates.ts';
import { asOfInstant, asOfSchema, isoDate } from '../../../lambdas/shared/schemas.ts';

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** YYYY-MM-DD strings, real or not: any year, months 0–13, days 0–32. */
const dateShaped = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
  .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);

describe('isoDate: real calendar dates only', () => {
  it.each(['2026-02-30', '0000-01-01', '2025-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10'])(
    'refuses %s',
    (value) => expect(isoDate.safeParse(value).success).toBe(false),
  );

  it.each(['2028-02-29', '2000-02-29', '0001-01-01', '9999-12-31', '2026-12-31'])('accepts %s', (value) =>
    expect(isoDate.safeParse(value).success).toBe(true),
  );

  it('agrees with the domain calendar for every date of the years 0001 to 9999', () => {
    fc.assert(
      fc.property(dateShaped, (value) => {
        const expected = isIsoDate(value) && !value.startsWith('0000');
        expect(isoDate.safeParse(value).success).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('asOf: an ISO 8601 date or date-time on a real calendar date', () => {
  it.each([
    '2026-02-30',
    '0000-01-01',
    '2026-02-30T10:00:00Z',
    '2026-01-01T24:00',
    '2026-01-01T10:60',
    'tomorrow',
  ])('refuses %s', (value) => expect(asOfSchema.safeParse(value).success).toBe(false));

  it('every value it accepts is an instant, on its own date when in UTC', () => {
    const time = fc
      .tuple(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.option(fc.integer({ min: 0, max: 59 })),
        fc.constantFrom('', 'Z', '+01:00', '-0530', '+14:00'),
        fc.constantFrom('T', ' '),
      )
      .map(
        ([h, m, sec, zone, sep]) =>
          `${sep}${pad(h, 2)}:${pad(m, 2)}${sec === null ? '' : `:${pad(sec, 2)}`}${zone}`,
      );
    fc.assert(
      fc.property(dateShaped, fc.option(time), (date, t) => {
        const value = `${date}${t ?? ''}`;
        const accepted = asOfSchema.safeParse(value).success;
        expect(accepted).toBe(isIsoDate(date) && !date.startsWith('0000'));
        if (!accepted) return;
        // Without an offset (or with Z) the instant is UTC, on the date written; with one, a real instant.
        if (!t || !/[+-]\d{2}:?\d{2}$/.test(t))
          expect(asOfInstant(value).toISOString().slice(0, 10)).toBe(date);
        else expect(Number.isNaN(asOfInstant(value).getTime())).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });
});
