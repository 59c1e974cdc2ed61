/**
 * 24/7 cover (issue 11 §1, DESIGN §5 `GET /staff/reports/capacity`): how many therapists are available in each
 * half-hour of the week, in Europe/London wall-clock time, and how many patients a week they can take.
 *
 * What counts
 *  - A therapist counts from their start date while their stage is `active` and they have given availability; a
 *    pause `{from, to}` (London dates, both inclusive) takes them out of the cover on each of its days. A therapist
 *    who leaves (any stage other than `active`) counts on no date at all: the report is about the cover to come,
 *    and the aggregate stays exactly the sum of the items (see `aggregateChanges`).
 *  - The report's window is `weeks` weeks from `asOf` (asOf to asOf + 7 × weeks − 1, inclusive).
 *  - `therapists` of a half-hour is the FEWEST therapists available at that wall-clock half-hour on any of the
 *    window's dates with that weekday, so a gap in any one week shows (a pause in week 3 shows even when weeks 1, 2
 *    and 4 are covered). A therapist starting during the window counts from their start date.
 *  - `pipeline` of a half-hour is how many therapists due to start after `asOf` and by the window's last day
 *    (stage `active`, start date still to come) have that half-hour in their weekly slots. Applicants still in
 *    induction or awaiting availability have given no slots yet, so they cannot be placed on the week.
 *  - `patientsPerWeek.active` is the fewest patients a week the counted therapists can take on any day of the
 *    window (a pause removes a therapist's patients on its days); `.pipeline` the sum for the therapists due to
 *    start in the window.
 *  - A gap is a half-hour whose `therapists` is under `minimumCover`.
 *
 * Clock changes. Slots are wall-clock times repeated every week (domain/availability.ts). On the last Sunday of
 * March 01:00-02:00 does not happen: that date is left out of the minimum for Sunday 01:00 and 01:30, and when it
 * is the only Sunday of the window the half-hour has `therapists: null, pipeline: null` (no one is needed in an
 * hour that does not exist, so it is never a gap). On the last Sunday of October 01:00-02:00 happens twice: a
 * therapist whose slots cover it covers both, so the count is the same. Either way the half-hour carries
 * `clockChange: {date, change: 'skipped' | 'repeated'}`.
 *
 * The maintained aggregate: each therapist's contribution is a list of dated changes (+slots on the start date,
 * −slots on a pause's first day, +slots the day after it). They are summed into items by year, by month and by
 * day (a prefix sum in three levels), and the starts also by day, so the cover on any date is the sum of a few
 * items whose number depends on the calendar, never on how many therapists there are.
 */

import { WEEK_DAYS, type WeekDay } from './availability.ts';
import { addDaysIso, compareIso, type IsoDate } from './dates.ts';

export const HALF_HOURS_PER_DAY = 48;
export const CELLS = WEEK_DAYS.length * HALF_HOURS_PER_DAY;

export const CAPACITY_POLICY = {
  /** Policy: a half-hour with fewer therapists than this is a gap (config: env MINIMUM_COVER). */
  minimumCover: 1,
  defaultWeeks: 4,
  maxWeeks: 12,
} as const;

/** A period without new patients (issue 11 §2): London dates, both inclusive. */
export interface Pause {
  from: IsoDate;
  to: IsoDate;
  reason?: string;
}

/** What of an application the cover depends on (an Application has all of it). */
export interface CapacityTherapist {
  stage: string;
  availability?: {
    patientsPerWeek: number;
    startDate: IsoDate;
    weeklySlots: { day: string; start: string; end: string }[];
  };
  pauses?: Pause[];
  /** An active therapist's changes of their weekly commitment, in order of `effectiveFrom` (issue 11 §2). */
  availabilityChanges?: {
    patientsPerWeek: number;
    effectiveFrom: IsoDate;
    weeklySlots: { day: string; start: string; end: string }[];
  }[];
}

/** Counts for the 336 half-hours of the week (Monday 00:00 first) and patients a week. */
export interface Cover {
  cells: number[];
  patients: number;
}

export const emptyCover = (): Cover => ({ cells: new Array<number>(CELLS).fill(0), patients: 0 });

const addInto = (target: Cover, delta: Cover, sign = 1): void => {
  for (let i = 0; i < CELLS; i++) target.cells[i] = (target.cells[i] ?? 0) + sign * (delta.cells[i] ?? 0);
  target.patients += sign * delta.patients;
};

const isZero = (cover: Cover): boolean => cover.patients === 0 && cover.cells.every((n) => n === 0);

const minutes = (time: string): number => {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

export const cellIndex = (day: WeekDay, start: string): number =>
  WEEK_DAYS.indexOf(day) * HALF_HOURS_PER_DAY + minutes(start) / 30;

export const cellStart = (half: number): string =>
  `${String(Math.floor(half / 2)).padStart(2, '0')}:${half % 2 === 0 ? '00' : '30'}`;

/** "03:30" for a half-hour starting "03:00"; "24:00" for the last. */
export const halfHourEnd = (start: string): string => {
  const next = minutes(start) / 30 + 1;
  return next === HALF_HOURS_PER_DAY ? '24:00' : cellStart(next);
};

/** One therapist's weekly half-hours (overlapping slots count once) and patients a week. */
export const weeklyCover = (
  availability: Pick<NonNullable<CapacityTherapist['availability']>, 'patientsPerWeek' | 'weeklySlots'>,
): Cover => {
  const cover = emptyCover();
  for (const slot of availability.weeklySlots) {
    const day = WEEK_DAYS.indexOf(slot.day as WeekDay);
    if (day < 0) continue;
    for (let half = minutes(slot.start) / 30; half < minutes(slot.end) / 30; half++) {
      cover.cells[day * HALF_HOURS_PER_DAY + half] = 1;
    }
  }
  cover.patients = availability.patientsPerWeek;
  return cover;
};

export interface DatedChange {
  date: IsoDate;
  cover: Cover;
  /** The therapist starts that day (the pipeline reads these). */
  start: boolean;
}

/** Overlapping or touching pauses merged, so a day is never taken out twice. */
const mergedPauses = (pauses: Pause[], startDate: IsoDate): Pause[] => {
  const sorted = pauses
    .map((p) => ({ from: compareIso(p.from, startDate) < 0 ? startDate : p.from, to: p.to }))
    .filter((p) => compareIso(p.from, p.to) <= 0)
    .sort((a, b) => compareIso(a.from, b.from));
  const merged: Pause[] = [];
  for (const pause of sorted) {
    const last = merged.at(-1);
    if (last && compareIso(pause.from, addDaysIso(last.to, 1)) <= 0) {
      if (compareIso(pause.to, last.to) > 0) last.to = pause.to;
    } else merged.push({ ...pause });
  }
  return merged;
};

/**
 * A therapist's contribution to the cover as dated changes (none unless active with availability): their weekly
 * cover from the start date (the commitment in effect that day, a change dated earlier included), then on each
 * later day where the contribution changes (a change of availability takes effect, a pause begins or ends) the
 * difference.
 */
export const therapistChanges = (therapist: CapacityTherapist): DatedChange[] => {
  const availability = therapist.availability;
  if (therapist.stage !== 'active' || !availability) return [];
  const { startDate } = availability;
  const later = (therapist.availabilityChanges ?? []).filter(
    (c) => compareIso(c.effectiveFrom, startDate) > 0,
  );
  const weeklyOn = (date: IsoDate): Cover => {
    let current: Parameters<typeof weeklyCover>[0] = availability;
    for (const change of therapist.availabilityChanges ?? []) {
      if (compareIso(change.effectiveFrom, date) <= 0) current = change;
    }
    return weeklyCover(current);
  };
  const pauses = mergedPauses(therapist.pauses ?? [], startDate);
  const pausedOn = (date: IsoDate) =>
    pauses.some((p) => compareIso(p.from, date) <= 0 && compareIso(date, p.to) <= 0);
  const contributionOn = (date: IsoDate): Cover => (pausedOn(date) ? emptyCover() : weeklyOn(date));

  const atStart = weeklyOn(startDate);
  const changes: DatedChange[] = [{ date: startDate, cover: atStart, start: true }];
  const dates = new Set<IsoDate>([
    ...later.map((c) => c.effectiveFrom),
    ...pauses.flatMap((p) => [p.from, addDaysIso(p.to, 1)]),
  ]);
  let previous = atStart;
  for (const date of [...dates].sort(compareIso)) {
    const current = contributionOn(date);
    const delta = emptyCover();
    addInto(delta, current);
    addInto(delta, previous, -1);
    if (!isZero(delta)) changes.push({ date, cover: delta, start: false });
    previous = current;
  }
  return changes;
};

// --- the aggregate's items ------------------------------------------------------------------------------------------

/** Keys of the aggregate's items: the prefix sum by year, month and day, and the starts by day. */
export const aggregateKeys = {
  year: (date: IsoDate) => `Y#${date.slice(0, 4)}`,
  month: (date: IsoDate) => `M#${date.slice(0, 7)}`,
  day: (date: IsoDate) => `D#${date}`,
  start: (date: IsoDate) => `S#${date}`,
};

/** The change to each aggregate item when `before` becomes `after` (either may be absent); zero changes left out. */
export const aggregateChanges = (
  before: CapacityTherapist[],
  after: CapacityTherapist[],
): Map<string, Cover> => {
  const items = new Map<string, Cover>();
  const apply = (therapists: CapacityTherapist[], sign: number) => {
    for (const therapist of therapists) {
      for (const change of therapistChanges(therapist)) {
        const keys = [
          aggregateKeys.year(change.date),
          aggregateKeys.month(change.date),
          aggregateKeys.day(change.date),
          ...(change.start ? [aggregateKeys.start(change.date)] : []),
        ];
        for (const key of keys) {
          const item = items.get(key) ?? emptyCover();
          addInto(item, change.cover, sign);
          items.set(key, item);
        }
      }
    }
  };
  apply(before, -1);
  apply(after, 1);
  for (const [key, cover] of items) if (isZero(cover)) items.delete(key);
  return items;
};

/** The key ranges (inclusive) a report from `asOf` to `through` reads; how many items they hold depends only on
 *  the calendar. */
export const aggregateRanges = (asOf: IsoDate, through: IsoDate): { from: string; to: string }[] => {
  const year = asOf.slice(0, 4);
  const month = asOf.slice(5, 7);
  const ranges = [
    { from: 'Y#0000', to: `Y#${String(Number(year) - 1).padStart(4, '0')}` },
    { from: `D#${year}-${month}-01`, to: `D#${through}` },
    { from: `S#${addDaysIso(asOf, 1)}`, to: `S#${through}` },
  ];
  if (month !== '01') {
    ranges.push({ from: `M#${year}-01`, to: `M#${year}-${String(Number(month) - 1).padStart(2, '0')}` });
  }
  return ranges;
};

// --- clock changes --------------------------------------------------------------------------------------------------

let londonClockFormat: Intl.DateTimeFormat | undefined;
const londonClock = (): Intl.DateTimeFormat =>
  (londonClockFormat ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }));

const londonWallClock = (instant: number): { date: IsoDate; time: string } => {
  const parts = Object.fromEntries(
    londonClock()
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
};

const HALF_HOUR_MS = 30 * 60 * 1000;

/**
 * How many times each wall-clock half-hour happens on a London date: 1 on most days; on a clock-change day the
 * half-hours that happen 0 or 2 times. Europe/London is never more than one hour from UTC.
 */
export const halfHoursThatDoNotHappenOnce = (date: IsoDate): Map<string, 0 | 2> => {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  const result = new Map<string, 0 | 2>();
  const before = londonWallClock(utcMidnight).time;
  const after = londonWallClock(utcMidnight + 24 * 60 * 60 * 1000).time;
  if (before === after) return result;
  const counts = new Map<string, number>();
  for (let t = utcMidnight - 2 * 60 * 60 * 1000; t < utcMidnight + 26 * 60 * 60 * 1000; t += HALF_HOUR_MS) {
    const wall = londonWallClock(t);
    if (wall.date === date) counts.set(wall.time, (counts.get(wall.time) ?? 0) + 1);
  }
  for (let half = 0; half < HALF_HOURS_PER_DAY; half++) {
    const count = counts.get(cellStart(half)) ?? 0;
    if (count === 0 || count === 2) result.set(cellStart(half), count);
  }
  return result;
};

// --- the report -----------------------------------------------------------------------------------------------------

export interface HalfHour {
  day: WeekDay;
  start: string;
  therapists: number | null;
  pipeline: number | null;
  clockChange?: { date: IsoDate; change: 'skipped' | 'repeated' };
}

export interface CapacityReport {
  asOf: IsoDate;
  weeks: number;
  /** The window's last day (asOf + 7 × weeks − 1). */
  through: IsoDate;
  halfHours: HalfHour[];
  patientsPerWeek: { active: number; pipeline: number };
  minimumCover: number;
  gaps: { day: WeekDay; start: string }[];
}

/** Monday 0 … Sunday 6 of an ISO date. */
export const weekdayIndex = (date: IsoDate): number => {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return (day + 6) % 7;
};

/**
 * The report from the aggregate's items (any superset of `aggregateRanges`: items outside them are ignored).
 */
export const capacityReport = (input: {
  asOf: IsoDate;
  weeks: number;
  minimumCover: number;
  items: Iterable<{ key: string; cover: Cover }>;
}): CapacityReport => {
  const { asOf, weeks, minimumCover } = input;
  const through = addDaysIso(asOf, 7 * weeks - 1);
  const year = asOf.slice(0, 4);
  const firstOfMonth = `${asOf.slice(0, 7)}-01`;
  const base = emptyCover();
  const laterDays = new Map<IsoDate, Cover>();
  const starts = emptyCover();
  for (const { key, cover } of input.items) {
    const [kind, value = ''] = key.split('#');
    if (kind === 'Y' && value < year) addInto(base, cover);
    else if (kind === 'M' && value.startsWith(`${year}-`) && value < asOf.slice(0, 7)) addInto(base, cover);
    else if (kind === 'D' && value >= firstOfMonth && value <= asOf) addInto(base, cover);
    else if (kind === 'D' && value > asOf && value <= through) laterDays.set(value, cover);
    else if (kind === 'S' && value > asOf && value <= through) addInto(starts, cover);
  }

  const fewest: (number | null)[] = new Array<number | null>(CELLS).fill(null);
  const clockChanges = new Map<number, HalfHour['clockChange']>();
  let fewestPatients = Number.POSITIVE_INFINITY;
  const running = emptyCover();
  addInto(running, base);
  for (let offset = 0; offset < 7 * weeks; offset++) {
    const date = addDaysIso(asOf, offset);
    const change = laterDays.get(date);
    if (change) addInto(running, change);
    fewestPatients = Math.min(fewestPatients, running.patients);
    const dayStart = weekdayIndex(date) * HALF_HOURS_PER_DAY;
    const unusual = halfHoursThatDoNotHappenOnce(date);
    for (let half = 0; half < HALF_HOURS_PER_DAY; half++) {
      const cell = dayStart + half;
      const happens = unusual.get(cellStart(half));
      if (happens !== undefined) {
        clockChanges.set(cell, { date, change: happens === 0 ? 'skipped' : 'repeated' });
        if (happens === 0) continue;
      }
      const count = running.cells[cell] ?? 0;
      const current = fewest[cell];
      fewest[cell] = current === null || current === undefined ? count : Math.min(current, count);
    }
  }

  const halfHours: HalfHour[] = [];
  const gaps: CapacityReport['gaps'] = [];
  for (let cell = 0; cell < CELLS; cell++) {
    const day = WEEK_DAYS[Math.floor(cell / HALF_HOURS_PER_DAY)] as WeekDay;
    const start = cellStart(cell % HALF_HOURS_PER_DAY);
    const therapists = fewest[cell] ?? null;
    const clockChange = clockChanges.get(cell);
    halfHours.push({
      day,
      start,
      therapists,
      pipeline: therapists === null ? null : (starts.cells[cell] ?? 0),
      ...(clockChange ? { clockChange } : {}),
    });
    if (therapists !== null && therapists < minimumCover) gaps.push({ day, start });
  }
  return {
    asOf,
    weeks,
    through,
    halfHours,
    patientsPerWeek: { active: fewestPatients, pipeline: starts.patients },
    minimumCover,
    gaps,
  };
};

/** The report computed straight from the therapists (tests, and the consistency check's expected values). */
export const capacityFromTherapists = (
  therapists: CapacityTherapist[],
  options: { asOf: IsoDate; weeks: number; minimumCover: number },
): CapacityReport =>
  capacityReport({
    ...options,
    items: [...aggregateChanges([], therapists)].map(([key, cover]) => ({ key, cover })),
  });

/** Differences between the aggregate as stored and as recomputed from the items (empty when consistent). */
export const compareAggregates = (
  stored: Map<string, Cover>,
  expected: Map<string, Cover>,
): { key: string; stored: Cover; expected: Cover }[] => {
  const differences: { key: string; stored: Cover; expected: Cover }[] = [];
  for (const key of new Set([...stored.keys(), ...expected.keys()])) {
    const a = stored.get(key) ?? emptyCover();
    const b = expected.get(key) ?? emptyCover();
    const diff = emptyCover();
    addInto(diff, a);
    addInto(diff, b, -1);
    if (!isZero(diff)) differences.push({ key, stored: a, expected: b });
  }
  return differences.sort((x, y) => compareIso(x.key, y.key));
};
