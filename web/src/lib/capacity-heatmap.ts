/**
 * The capacity heatmap: a real table of 48 half-hours (rows) × 7 days (columns) in UK time, each cell showing its
 * number of therapists (and "+n" due to start), so colour only repeats what is written.
 * - As an ARIA grid: one cell in the tab order; arrow keys move, Home/End go to Monday/Sunday (with Ctrl: the first
 *   or last half-hour), Page Up/Down move three hours. Each cell's name is the whole sentence a screen reader
 *   needs: "Tuesday 03:00–03:30: 2 therapists, 1 due to start, under the minimum cover of 2".
 * - Gaps (under the minimum cover) have a heavy dark border and bold figures as well as their colour; half-hours
 *   that do not happen (the March clock change) show a dash.
 */
import { WEEK_DAYS } from '../../../lambdas/domain/availability.ts';
import {
  type CapacityReport,
  cellStart,
  HALF_HOURS_PER_DAY,
  type HalfHour,
  halfHourEnd,
} from '../../../lambdas/domain/capacity.ts';
import { formatLongDate } from '../../../lambdas/domain/dates.ts';
import { WEEK_DAY_NAMES } from '../../../lambdas/domain/labels.ts';
import { h, visuallyHidden } from './dom.ts';

const PAGE_ROWS = 6;
/** Where the keyboard starts: Monday 09:00. */
const FIRST_FOCUS = { day: 0, half: 18 };

export type HeatLevel = 'none' | 'gap' | 'thin' | 'covered' | 'strong';

/** The band a count falls in, relative to the minimum cover (the legend names them). */
export const heatLevel = (therapists: number | null, minimumCover: number): HeatLevel => {
  if (therapists === null) return 'none';
  if (therapists < minimumCover) return 'gap';
  if (therapists === minimumCover) return 'thin';
  return therapists >= 2 * Math.max(1, minimumCover) + 1 ? 'strong' : 'covered';
};

export const LEVEL_NAMES: Record<HeatLevel, string> = {
  none: 'Does not happen',
  gap: 'Under the minimum cover',
  thin: 'At the minimum',
  covered: 'Above the minimum',
  strong: 'Well above the minimum',
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "Tuesday 03:00–03:30" */
export const halfHourName = (day: HalfHour['day'], start: string): string =>
  `${WEEK_DAY_NAMES[day]} ${start}–${halfHourEnd(start)}`;

/** What a screen reader says for a cell: the whole sentence, since a grid cell is read on its own. */
export const cellSentence = (cell: HalfHour, minimumCover: number): string => {
  const name = halfHourName(cell.day, cell.start);
  const clock = cell.clockChange
    ? cell.clockChange.change === 'skipped'
      ? `does not happen on ${formatLongDate(cell.clockChange.date)} (the clocks go forward)`
      : `happens twice on ${formatLongDate(cell.clockChange.date)} (the clocks go back)`
    : undefined;
  if (cell.therapists === null) return `${name}: ${clock ?? 'does not happen'}`;
  const parts = [plural(cell.therapists, 'therapist', 'therapists')];
  if (cell.pipeline) parts.push(`${cell.pipeline} due to start`);
  if (cell.therapists < minimumCover) parts.push(`under the minimum cover of ${minimumCover}`);
  if (clock) parts.push(clock);
  return `${name}: ${parts.join(', ')}`;
};

export const heatmap = (
  report: CapacityReport,
  options: { labelledBy: string; describedBy?: string },
): HTMLElement => {
  const cells: HTMLTableCellElement[][] = WEEK_DAYS.map(() => []);
  let active = FIRST_FOCUS;
  const table = h('table', {
    class: 'heatmap',
    id: 'heatmap',
    role: 'grid',
    'aria-readonly': 'true',
    'aria-labelledby': options.labelledBy,
    'aria-describedby': options.describedBy,
  });
  table.append(
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'heatmap__corner' }, visuallyHidden('Time')),
        ...WEEK_DAYS.map((day) =>
          h(
            'th',
            { scope: 'col' },
            h('span', { 'aria-hidden': 'true' }, WEEK_DAY_NAMES[day].slice(0, 3)),
            visuallyHidden(WEEK_DAY_NAMES[day]),
          ),
        ),
      ),
    ),
  );
  const body = h('tbody', {});
  for (let half = 0; half < HALF_HOURS_PER_DAY; half++) {
    const start = cellStart(half);
    const row = h(
      'tr',
      { class: half % 2 === 0 ? 'heatmap__hour' : undefined },
      h('th', { scope: 'row', class: 'heatmap__time' }, start),
    );
    WEEK_DAYS.forEach((day, d) => {
      const cell = report.halfHours[d * HALF_HOURS_PER_DAY + half];
      if (!cell) return;
      const level = heatLevel(cell.therapists, report.minimumCover);
      const td = h(
        'td',
        {
          role: 'gridcell',
          class: `heat heat--${level}`,
          tabindex: d === FIRST_FOCUS.day && half === FIRST_FOCUS.half ? '0' : '-1',
          'aria-label': cellSentence(cell, report.minimumCover),
          'data-day': day,
          'data-start': start,
          'data-level': level,
        },
        cell.therapists === null ? '–' : String(cell.therapists),
        cell.pipeline ? h('span', { class: 'heat__pipeline' }, `+${cell.pipeline}`) : '',
        cell.clockChange ? h('span', { class: 'heat__clock' }, '*') : '',
      );
      cells[d]?.push(td);
      row.append(td);
    });
    body.append(row);
  }
  table.append(body);

  const focus = (d: number, half: number) => {
    const day = Math.min(WEEK_DAYS.length - 1, Math.max(0, d));
    const at = Math.min(HALF_HOURS_PER_DAY - 1, Math.max(0, half));
    cells[active.day]?.[active.half]?.setAttribute('tabindex', '-1');
    active = { day, half: at };
    const cell = cells[day]?.[at];
    cell?.setAttribute('tabindex', '0');
    cell?.focus();
  };
  const cellOf = (target: EventTarget | null) => {
    const td = target instanceof Element ? target.closest<HTMLElement>('td[data-day]') : null;
    if (!td) return undefined;
    return {
      day: WEEK_DAYS.indexOf(td.dataset.day as (typeof WEEK_DAYS)[number]),
      half: (Number(td.dataset.start?.slice(0, 2)) * 2 + (td.dataset.start?.endsWith('30') ? 1 : 0)) | 0,
    };
  };
  table.addEventListener('keydown', (event) => {
    const { day, half } = cellOf(event.target) ?? active;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [day - 1, half],
      ArrowRight: [day + 1, half],
      ArrowUp: [day, half - 1],
      ArrowDown: [day, half + 1],
      Home: [0, event.ctrlKey ? 0 : half],
      End: [WEEK_DAYS.length - 1, event.ctrlKey ? HALF_HOURS_PER_DAY - 1 : half],
      PageUp: [day, half - PAGE_ROWS],
      PageDown: [day, half + PAGE_ROWS],
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    focus(move[0], move[1]);
  });
  // Focus placed by any means (a click, a screen reader) makes that cell the one in the tab order.
  table.addEventListener('focusin', (event) => {
    const at = cellOf(event.target);
    if (!at || (at.day === active.day && at.half === active.half)) return;
    cells[active.day]?.[active.half]?.setAttribute('tabindex', '-1');
    active = at;
    cells[at.day]?.[at.half]?.setAttribute('tabindex', '0');
  });
  return h('div', { class: 'heatmap__scroll' }, table);
};

/** The gaps as ranges per day: "Tuesday 04:00–06:00", in week order. */
export const gapRanges = (report: CapacityReport): string[] => {
  const ranges: string[] = [];
  for (const day of WEEK_DAYS) {
    let from: string | undefined;
    let to: string | undefined;
    for (let half = 0; half <= HALF_HOURS_PER_DAY; half++) {
      const start = half < HALF_HOURS_PER_DAY ? cellStart(half) : undefined;
      const isGap = start !== undefined && report.gaps.some((g) => g.day === day && g.start === start);
      if (isGap && start) {
        from ??= start;
        to = halfHourEnd(start);
      } else if (from && to) {
        ranges.push(`${WEEK_DAY_NAMES[day]} ${from}–${to}`);
        from = undefined;
        to = undefined;
      }
    }
  }
  return ranges;
};
