/**
 * Calendar dates in Europe/London as ISO strings (DESIGN §3). Arithmetic runs on whole days counted from the
 * epoch, never on `Date` in the machine's time zone, so a clock change or the host's TZ cannot shift a date.
 */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

interface Civil {
  year: number;
  month: number;
  day: number;
}

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

export const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

const toCivil = (value: IsoDate): Civil | undefined => {
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
};

/** True for a real calendar date written YYYY-MM-DD. */
export const isIsoDate = (value: string): boolean => toCivil(value) !== undefined;

const YEAR = '(?:000[1-9]|00[1-9]\\d|0[1-9]\\d{2}|[1-9]\\d{3})';
const LEAP_YEAR = '(?:\\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)';
/**
 * A real calendar date YYYY-MM-DD of the years 0001 to 9999 (no `2026-02-30`, no `0000-01-01`) as one regular
 * expression without anchors or look-arounds, so the request schemas check it and publish it as the same JSON
 * Schema `pattern`, which any generator can read.
 */
export const CALENDAR_DATE_SOURCE =
  `(?:${YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|` +
  `02-(?:0[1-9]|1\\d|2[0-8]))|${LEAP_YEAR}-02-29)`;

// A malformed date here is a programming error (the schemas reject bad input first): fail loudly.
const parse = (value: IsoDate): Civil => {
  const civil = toCivil(value);
  if (!civil) throw new RangeError(`Not an ISO calendar date (YYYY-MM-DD): ${JSON.stringify(value)}`);
  return civil;
};

const format = ({ year, month, day }: Civil): IsoDate =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

// Howard Hinnant's days_from_civil / civil_from_days: exact proleptic Gregorian day numbers.
const toDayNumber = ({ year, month, day }: Civil): number => {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
};

const fromDayNumber = (days: number): Civil => {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
};

let londonDateFormat: Intl.DateTimeFormat | undefined;
// Made on first use, not at import: the first formatter for a time zone loads ICU's data (tens of milliseconds), and
// a module-level `new` is a side effect that keeps it in every bundle importing any date helper (issue 10).
const londonDates = (): Intl.DateTimeFormat =>
  (londonDateFormat ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }));

/** The calendar date in Europe/London at the instant `now` (BST or GMT, whichever is in force then). */
export const londonToday = (now: Date): IsoDate => {
  const parts = Object.fromEntries(
    londonDates()
      .formatToParts(now)
      .map((part) => [part.type, part.value]),
  );
  return format({ year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) });
};

/** `n` calendar months later (earlier when negative), clamped to the end of a shorter month like date-fns
 *  `addMonths`: 2024-02-29 + 12 months = 2025-02-28. */
export const addMonthsIso = (d: IsoDate, n: number): IsoDate => {
  const { year, month, day } = parse(d);
  const index = year * 12 + (month - 1) + n;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12 + 1;
  return format({
    year: targetYear,
    month: targetMonth,
    day: Math.min(day, daysInMonth(targetYear, targetMonth)),
  });
};

export const addYearsIso = (d: IsoDate, n: number): IsoDate => addMonthsIso(d, 12 * n);

export const addDaysIso = (d: IsoDate, n: number): IsoDate =>
  format(fromDayNumber(toDayNumber(parse(d)) + n));

/** `b − a` in whole calendar days (negative when b is earlier). */
export const daysBetween = (a: IsoDate, b: IsoDate): number => toDayNumber(parse(b)) - toDayNumber(parse(a));

/** Orders ISO dates; for well-formed YYYY-MM-DD strings the string order is the calendar order. */
export const compareIso = (a: IsoDate, b: IsoDate): -1 | 0 | 1 => (a < b ? -1 : a > b ? 1 : 0);

/** "3 March 2024": how dates read in messages to people. */
export const formatLongDate = (d: IsoDate): string => {
  const { year, month, day } = parse(d);
  return `${day} ${MONTH_NAMES[month - 1]} ${year}`;
};

// Made on first use, like londonDates: creating a formatter with a time zone loads ICU's zone data, about 11 ms
// that every function importing this module would otherwise pay at cold start.
let londonTimeFormat: Intl.DateTimeFormat | undefined;
const londonTime = (): Intl.DateTimeFormat =>
  (londonTimeFormat ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }));

/** "3 March 2024, 14:05": an instant as people read it, on the Europe/London calendar and clock. */
export const formatLongDateTime = (instant: string | Date): string => {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  return `${formatLongDate(londonToday(at))}, ${londonTime().format(at)}`;
};
