import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDaysIso } from '#domain/dates.ts';
import {
  documentsDueBy,
  dueActions,
  lapsesOn,
  nextDueDate,
  REMINDER_CADENCE,
  type ReminderAction,
} from '#domain/reminders.ts';

const entered = '2026-11-26';
const onDay = (day: number) => addDaysIso(entered, day);

describe('REMINDER_CADENCE', () => {
  it('reminds after 3 and 7 days, alerts staff after 14 and lapses after 30', () => {
    expect(REMINDER_CADENCE).toEqual({ reminderDays: [3, 7], staffAlertDays: 14, lapseDays: 30 });
  });
});

describe('the lapse day', () => {
  it('documents are due by the end of day 30 (the date people read); the application lapses on day 31', () => {
    expect(documentsDueBy(entered)).toBe('2026-12-26');
    expect(lapsesOn(entered)).toBe('2026-12-27');
    expect(
      dueActions(entered, documentsDueBy(entered), ['reminder-3', 'reminder-7', 'staff-alert-14']),
    ).toEqual([]);
    expect(dueActions(entered, lapsesOn(entered), ['reminder-3', 'reminder-7', 'staff-alert-14'])).toEqual([
      'lapse-30',
    ]);
  });

  it.each([
    // Submitted the day the clocks go forward / back: whole London days are counted, not 24-hour periods.
    ['2026-03-29', '2026-04-28', '2026-04-29'],
    ['2026-09-25', '2026-10-25', '2026-10-26'],
    ['2026-10-25', '2026-11-24', '2026-11-25'],
    // Across a month end and a leap day.
    ['2028-01-31', '2028-03-01', '2028-03-02'],
  ])('submitted %s: upload by %s, lapses on %s', (submitted, dueBy, lapses) => {
    expect(documentsDueBy(submitted)).toBe(dueBy);
    expect(lapsesOn(submitted)).toBe(lapses);
  });
});

describe('dueActions on a first run each day', () => {
  it.each<[number, ReminderAction[]]>([
    [0, []],
    [2, []],
    [3, ['reminder-3']],
    [4, ['reminder-3']],
    [6, ['reminder-3']],
    [7, ['reminder-3', 'reminder-7']],
    [8, ['reminder-3', 'reminder-7']],
    [13, ['reminder-3', 'reminder-7']],
    [14, ['reminder-3', 'reminder-7', 'staff-alert-14']],
    [15, ['reminder-3', 'reminder-7', 'staff-alert-14']],
    [29, ['reminder-3', 'reminder-7', 'staff-alert-14']],
    [30, ['reminder-3', 'reminder-7', 'staff-alert-14']],
    [31, ['reminder-3', 'reminder-7', 'staff-alert-14', 'lapse-30']],
    [32, ['reminder-3', 'reminder-7', 'staff-alert-14', 'lapse-30']],
  ])('on day %i with nothing sent: %j', (day, expected) => {
    expect(dueActions(entered, onDay(day), [])).toEqual(expected);
  });
});

describe('dueActions with what was already sent', () => {
  it.each<[number, ReminderAction[], ReminderAction[]]>([
    [4, ['reminder-3'], []],
    [6, ['reminder-3'], []],
    [7, ['reminder-3'], ['reminder-7']],
    [8, ['reminder-3', 'reminder-7'], []],
    [13, ['reminder-3', 'reminder-7'], []],
    [14, ['reminder-3', 'reminder-7'], ['staff-alert-14']],
    [15, ['reminder-3', 'reminder-7', 'staff-alert-14'], []],
    [29, ['reminder-3', 'reminder-7', 'staff-alert-14'], []],
    [30, ['reminder-3', 'reminder-7', 'staff-alert-14'], []],
    [31, ['reminder-3', 'reminder-7', 'staff-alert-14'], ['lapse-30']],
    [32, ['reminder-3', 'reminder-7', 'staff-alert-14', 'lapse-30'], []],
  ])('on day %i after %j: %j', (day, sent, expected) => {
    expect(dueActions(entered, onDay(day), sent)).toEqual(expected);
  });

  it('a daily sweep, rerun any number of times a day, sends each action exactly once and on its day', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 40, maxLength: 40 }),
        (runsPerDay) => {
          const sent: { action: string; day: number }[] = [];
          runsPerDay.forEach((runs, day) => {
            for (let run = 0; run < runs; run++) {
              const due = dueActions(
                entered,
                onDay(day),
                sent.map((s) => s.action),
              );
              sent.push(...due.map((action) => ({ action, day })));
            }
          });
          expect(sent).toEqual([
            { action: 'reminder-3', day: 3 },
            { action: 'reminder-7', day: 7 },
            { action: 'staff-alert-14', day: 14 },
            { action: 'lapse-30', day: 31 },
          ]);
        },
      ),
    );
  });

  it('leaves lapsing out when the caller says the step cannot lapse', () => {
    expect(
      dueActions(entered, onDay(31), ['reminder-3', 'reminder-7', 'staff-alert-14'], { includeLapse: false }),
    ).toEqual([]);
    expect(dueActions(entered, onDay(31), [], { includeLapse: false })).toEqual([
      'reminder-3',
      'reminder-7',
      'staff-alert-14',
    ]);
  });
});

describe('nextDueDate', () => {
  it('is the date of the earliest action not yet sent', () => {
    expect(nextDueDate(entered, [])).toBe('2026-11-29');
    expect(nextDueDate(entered, ['reminder-3'])).toBe('2026-12-03');
    expect(nextDueDate(entered, ['reminder-3', 'reminder-7'])).toBe('2026-12-10');
    expect(nextDueDate(entered, ['reminder-3', 'reminder-7', 'staff-alert-14'])).toBe('2026-12-27');
    expect(nextDueDate(entered, ['reminder-3', 'reminder-7', 'staff-alert-14', 'lapse-30'])).toBeUndefined();
  });

  it('stops after the staff alert when the step cannot lapse, so the item leaves the due index', () => {
    expect(nextDueDate(entered, ['reminder-3', 'reminder-7'], { includeLapse: false })).toBe('2026-12-10');
    expect(
      nextDueDate(entered, ['reminder-3', 'reminder-7', 'staff-alert-14'], { includeLapse: false }),
    ).toBeUndefined();
  });

  it('an action is due exactly from its nextDueDate', () => {
    fc.assert(
      fc.property(fc.subarray(['reminder-3', 'reminder-7', 'staff-alert-14', 'lapse-30']), (sent) => {
        const next = nextDueDate(entered, sent);
        if (next === undefined) {
          expect(dueActions(entered, onDay(365), sent)).toEqual([]);
          return;
        }
        expect(dueActions(entered, addDaysIso(next, -1), sent).length).toBeLessThan(
          dueActions(entered, next, sent).length,
        );
      }),
    );
  });
});
