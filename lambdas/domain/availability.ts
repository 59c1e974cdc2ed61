/**
 * Availability rules (DESIGN §3). Slots are Europe/London wall-clock times repeated every week, so a week with a
 * clock change does not alter them: Sunday 01:00-02:00 is one hour of availability whatever the date.
 */
import { compareIso, formatLongDate, type IsoDate } from './dates.ts';
import type { Violation } from './errors.ts';

export const WEEK_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];

export const MIN_PATIENTS_PER_WEEK = 3;
export const MAX_PATIENTS_PER_WEEK = 40;
export const SLOT_STEP_MINUTES = 30;
/** One session an hour: each patient needs an hour of the weekly slots. */
export const HOURS_PER_PATIENT = 1;

export interface WeeklySlot {
  day: WeekDay;
  start: string;
  end: string;
}

export interface AvailabilityInput {
  patientsPerWeek: number;
  startDate: IsoDate;
  weeklySlots: WeeklySlot[];
}

const DAY_NAMES: Record<WeekDay, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

const TIME = /^(\d{2}):(\d{2})$/;
const MINUTES_PER_DAY = 24 * 60;

/** Minutes since midnight, or undefined when not HH:MM on a 30-minute step between 00:00 and 24:00. */
const toMinutes = (time: string): number | undefined => {
  const match = TIME.exec(time);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  const valid = Number(match[2]) < 60 && minutes <= MINUTES_PER_DAY && minutes % SLOT_STEP_MINUTES === 0;
  return valid ? minutes : undefined;
};

interface Interval {
  index: number;
  slot: WeeklySlot;
  day: WeekDay;
  from: number;
  to: number;
}

/** A slot's minutes on its day, or the reasons it is malformed. */
const parseSlot = (
  slot: WeeklySlot,
  index: number,
): { interval: Interval; violations?: never } | { interval?: never; violations: Violation[] } => {
  const path = `weeklySlots.${index}`;
  const from = toMinutes(slot.start);
  const to = toMinutes(slot.end);
  const stepRule = 'use HH:MM on the hour or half hour';
  const violations: Violation[] = [];
  if (from === undefined || from === MINUTES_PER_DAY) {
    violations.push({ path: `${path}.start`, message: `Start between 00:00 and 23:30: ${stepRule}` });
  }
  if (to === undefined) {
    violations.push({ path: `${path}.end`, message: `End between 00:30 and 24:00: ${stepRule}` });
  }
  if (from === undefined || to === undefined || violations.length > 0) return { violations };
  if (to <= from) {
    return {
      violations: [
        { path: `${path}.end`, message: 'The end must be after the start (use 24:00 for midnight)' },
      ],
    };
  }
  return { interval: { index, slot, day: slot.day, from, to } };
};

const validIntervals = (slots: WeeklySlot[]): Interval[] =>
  slots.flatMap((slot, index) => parseSlot(slot, index).interval ?? []);

const slotLabel = (slot: WeeklySlot, index: number): string =>
  `slot ${index + 1} (${DAY_NAMES[slot.day]} ${slot.start}-${slot.end})`;

/**
 * Hours of availability a week. Overlapping slots count their shared time once, and malformed slots not at all,
 * so the figure is what the therapist really offers.
 */
export const weeklyHours = (slots: WeeklySlot[]): number => {
  let minutes = 0;
  for (const day of WEEK_DAYS) {
    const intervals = validIntervals(slots)
      .filter((slot) => slot.day === day)
      .sort((a, b) => a.from - b.from);
    let coveredTo = 0;
    for (const { from, to } of intervals) {
      minutes += Math.max(0, to - Math.max(from, coveredTo));
      coveredTo = Math.max(coveredTo, to);
    }
  }
  return minutes / 60;
};

const formatHours = (hours: number): string => `${hours} ${hours === 1 ? 'hour' : 'hours'}`;

/** What an active therapist commits to each week: patients a week and the weekly slots. */
export interface WeeklyCommitment {
  patientsPerWeek: number;
  weeklySlots: WeeklySlot[];
}

/**
 * Every rule of the weekly commitment broken (DESIGN §3 "Availability"): patients a week from 3 to 40, well-formed
 * slots that do not overlap, and at least an hour of slots a patient. Shared by the onboarding questionnaire and an
 * active therapist's change (issue 11 §2), so the two can never disagree.
 */
export const checkWeeklyCommitment = (input: WeeklyCommitment): Violation[] => {
  const { patientsPerWeek, weeklySlots } = input;
  const violations: Violation[] = [];

  const patientsValid =
    Number.isInteger(patientsPerWeek) &&
    patientsPerWeek >= MIN_PATIENTS_PER_WEEK &&
    patientsPerWeek <= MAX_PATIENTS_PER_WEEK;
  if (!patientsValid) {
    violations.push({
      path: 'patientsPerWeek',
      message: `A whole number of patients a week from ${MIN_PATIENTS_PER_WEEK} to ${MAX_PATIENTS_PER_WEEK}`,
    });
  }

  weeklySlots.forEach((slot, index) => {
    violations.push(...(parseSlot(slot, index).violations ?? []));
  });

  const intervals = validIntervals(weeklySlots);
  for (const later of intervals) {
    for (const earlier of intervals) {
      if (earlier.index >= later.index || earlier.day !== later.day) continue;
      if (earlier.from < later.to && later.from < earlier.to) {
        violations.push({
          path: `weeklySlots.${later.index}`,
          message: `Overlaps ${slotLabel(earlier.slot, earlier.index)}: slots on the same day must not overlap`,
        });
      }
    }
  }

  const hours = weeklyHours(weeklySlots);
  const needed = patientsPerWeek * HOURS_PER_PATIENT;
  if (patientsValid && hours < needed) {
    violations.push({
      path: 'weeklySlots',
      message: `Your slots give ${formatHours(hours)} a week; ${patientsPerWeek} patients a week need at least ${formatHours(needed)} (one session an hour)`,
    });
  }
  return violations;
};

/** Every rule broken by the availability given on `today`, for an induction window whose last day is `lastStartDate`. */
export const checkAvailability = (
  input: AvailabilityInput,
  context: { today: IsoDate; lastStartDate: IsoDate },
): Violation[] => {
  const { startDate } = input;
  const violations = checkWeeklyCommitment(input);
  const { today, lastStartDate: lastStart } = context;
  if (compareIso(lastStart, today) < 0) {
    violations.push({
      path: 'startDate',
      message: `Your induction window closed on ${formatLongDate(lastStart)}: book a new induction`,
    });
  } else if (compareIso(startDate, today) < 0) {
    violations.push({ path: 'startDate', message: `Start today (${formatLongDate(today)}) or later` });
  } else if (compareIso(startDate, lastStart) > 0) {
    violations.push({
      path: 'startDate',
      message: `Start no later than ${formatLongDate(lastStart)}, the last day of your induction window`,
    });
  }
  return violations;
};

// --- an active therapist's changes (issue 11 §2) ------------------------------------------------------------------

/** A change of the weekly commitment from `effectiveFrom` (a London date), as stored on the application. */
export interface AvailabilityChange extends WeeklyCommitment {
  effectiveFrom: IsoDate;
  givenAt: string;
}

/** Every rule broken by an active therapist's change given on `today`: the weekly commitment, and a start of the
 *  change today or later. */
export const checkAvailabilityChange = (
  input: WeeklyCommitment & { effectiveFrom: IsoDate },
  context: { today: IsoDate },
): Violation[] => {
  const violations = checkWeeklyCommitment(input);
  if (compareIso(input.effectiveFrom, context.today) < 0) {
    violations.push({
      path: 'effectiveFrom',
      message: `Choose today (${formatLongDate(context.today)}) or a later date for the change to take effect`,
    });
  }
  return violations;
};

/**
 * The changes kept when a new one from `effectiveFrom` is given on `today`: those already in effect before it. A
 * change still to come (pending) is replaced by the new one: a therapist has at most one pending change.
 */
export const changesKept = <C extends { effectiveFrom: IsoDate }>(
  changes: readonly C[],
  effectiveFrom: IsoDate,
  today: IsoDate,
): C[] =>
  changes.filter(
    (change) =>
      compareIso(change.effectiveFrom, today) <= 0 && compareIso(change.effectiveFrom, effectiveFrom) < 0,
  );

/**
 * The weekly commitment on a date (the read-time rule): the latest change whose `effectiveFrom` is on or before it,
 * or the availability given at activation. Changes are kept in order of `effectiveFrom`.
 */
export const commitmentOn = <B, C extends { effectiveFrom: IsoDate }>(
  base: B,
  changes: readonly C[] | undefined,
  date: IsoDate,
): B | C => {
  let current: B | C = base;
  for (const change of changes ?? []) if (compareIso(change.effectiveFrom, date) <= 0) current = change;
  return current;
};

/** The change still to come on `today` (effectiveFrom after today), if any. */
export const pendingChange = <C extends { effectiveFrom: IsoDate }>(
  changes: readonly C[] | undefined,
  today: IsoDate,
): C | undefined => (changes ?? []).find((change) => compareIso(change.effectiveFrom, today) > 0);
