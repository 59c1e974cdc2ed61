/**
 * The availability questionnaire's week: 7 days (columns) × 24 hours (rows) of one-hour cells in UK time.
 * Click or drag to choose hours (a drag paints the state the first cell took), or, as an ARIA grid, move with the
 * arrow keys (Home/End: first/last day, Page Up/Down: six hours) and toggle with Space or Enter. Consecutive hours
 * of a day are sent as one slot.
 */
import {
  WEEK_DAYS,
  type WeekDay,
  type WeeklySlot,
  weeklyHours,
} from '../../../lambdas/domain/availability.ts';
import { h, visuallyHidden } from './dom.ts';

const DAY_NAMES: Record<WeekDay, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};
const HOURS = 24;
const PAGE_HOURS = 6;
/** Where the keyboard starts: Monday morning, not midnight. */
const FIRST_FOCUS = { day: 0, hour: 9 };

const hh = (hour: number): string => `${String(hour).padStart(2, '0')}:00`;

/** Merges the chosen hours of each day into slots: 09:00-10:00 and 10:00-11:00 become 09:00-11:00. */
export const toSlots = (chosen: readonly (readonly boolean[])[]): WeeklySlot[] =>
  WEEK_DAYS.flatMap((day, d) => {
    const slots: WeeklySlot[] = [];
    let start: number | undefined;
    for (let hour = 0; hour <= HOURS; hour += 1) {
      const on = hour < HOURS && chosen[d]?.[hour] === true;
      if (on && start === undefined) start = hour;
      if (!on && start !== undefined) {
        slots.push({ day, start: hh(start), end: hh(hour) });
        start = undefined;
      }
    }
    return slots;
  });

export class WeekGrid {
  readonly element: HTMLElement;
  readonly #cells: HTMLTableCellElement[][] = WEEK_DAYS.map(() => []);
  readonly #chosen: boolean[][] = WEEK_DAYS.map(() => Array.from({ length: HOURS }, () => false));
  readonly #onChange: () => void;
  #active = FIRST_FOCUS;
  /** While the pointer is down: the state the drag paints. */
  #painting: boolean | undefined;

  constructor(options: { labelledBy: string; describedBy?: string; onChange: () => void }) {
    this.#onChange = options.onChange;
    const table = h('table', {
      class: 'week-grid',
      role: 'grid',
      'aria-multiselectable': 'true',
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
          h('th', { scope: 'col', class: 'week-grid__corner' }, visuallyHidden('Time')),
          ...WEEK_DAYS.map((day) =>
            h(
              'th',
              { scope: 'col' },
              h('span', { 'aria-hidden': 'true' }, DAY_NAMES[day].slice(0, 3)),
              visuallyHidden(DAY_NAMES[day]),
            ),
          ),
        ),
      ),
    );
    const body = h('tbody', {});
    for (let hour = 0; hour < HOURS; hour += 1) {
      const row = h('tr', {}, h('th', { scope: 'row', class: 'week-grid__hour' }, hh(hour)));
      WEEK_DAYS.forEach((day, d) => {
        const cell = h('td', {
          role: 'gridcell',
          tabindex: d === FIRST_FOCUS.day && hour === FIRST_FOCUS.hour ? '0' : '-1',
          'aria-selected': 'false',
          'aria-label': `${DAY_NAMES[day]} ${hh(hour)} to ${hh(hour + 1)}`,
          'data-day': day,
          'data-hour': String(hour),
        });
        this.#cells[d]?.push(cell);
        row.append(cell);
      });
      body.append(row);
    }
    table.append(body);
    table.addEventListener('keydown', (event) => this.#key(event));
    table.addEventListener('pointerdown', (event) => this.#pointerDown(event));
    table.addEventListener('pointerover', (event) => this.#pointerOver(event));
    const stop = () => {
      this.#painting = undefined;
    };
    window.addEventListener('pointerup', stop);
    window.addEventListener('pointercancel', stop);
    this.element = h('div', { class: 'week-grid__scroll' }, table);
  }

  /** The chosen hours as slots, consecutive hours merged. */
  slots(): WeeklySlot[] {
    return toSlots(this.#chosen);
  }

  hours(): number {
    return weeklyHours(this.slots());
  }

  clear(): void {
    this.#chosen.forEach((hours, d) => {
      hours.forEach((_, hour) => {
        this.#set(d, hour, false);
      });
    });
    this.#onChange();
  }

  /** Gives Tuesday to Friday the hours chosen on Monday: most people keep the same working day. */
  copyMondayToWeekdays(): void {
    for (let d = 1; d <= 4; d += 1) {
      for (let hour = 0; hour < HOURS; hour += 1) this.#set(d, hour, this.#chosen[0]?.[hour] === true);
    }
    this.#onChange();
  }

  #set(d: number, hour: number, on: boolean): void {
    const hours = this.#chosen[d];
    const cell = this.#cells[d]?.[hour];
    if (!hours || !cell) return;
    hours[hour] = on;
    cell.setAttribute('aria-selected', String(on));
  }

  #focus(d: number, hour: number): void {
    const day = Math.min(WEEK_DAYS.length - 1, Math.max(0, d));
    const at = Math.min(HOURS - 1, Math.max(0, hour));
    this.#cells[this.#active.day]?.[this.#active.hour]?.setAttribute('tabindex', '-1');
    this.#active = { day, hour: at };
    const cell = this.#cells[day]?.[at];
    cell?.setAttribute('tabindex', '0');
    cell?.focus();
  }

  #toggle(d: number, hour: number): void {
    this.#set(d, hour, this.#chosen[d]?.[hour] !== true);
    this.#onChange();
  }

  #key(event: KeyboardEvent): void {
    const { day, hour } = this.#active;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [day - 1, hour],
      ArrowRight: [day + 1, hour],
      ArrowUp: [day, hour - 1],
      ArrowDown: [day, hour + 1],
      Home: [0, event.ctrlKey ? 0 : hour],
      End: [WEEK_DAYS.length - 1, event.ctrlKey ? HOURS - 1 : hour],
      PageUp: [day, hour - PAGE_HOURS],
      PageDown: [day, hour + PAGE_HOURS],
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      this.#focus(move[0], move[1]);
      return;
    }
    if (event.key === ' ' || event.key === 'Enter') {
      event.preventDefault();
      this.#toggle(day, hour);
    }
  }

  #cellOf(target: EventTarget | null): { day: number; hour: number } | undefined {
    const cell = target instanceof Element ? target.closest<HTMLElement>('td[data-day]') : null;
    if (!cell) return undefined;
    return {
      day: WEEK_DAYS.indexOf(cell.dataset.day as WeekDay),
      hour: Number(cell.dataset.hour),
    };
  }

  #pointerDown(event: PointerEvent): void {
    const at = this.#cellOf(event.target);
    if (!at || event.button !== 0) return;
    // Touch captures the pointer to the first cell; release it so the drag reaches the cells it crosses.
    if (event.target instanceof Element && event.target.hasPointerCapture(event.pointerId)) {
      event.target.releasePointerCapture(event.pointerId);
    }
    event.preventDefault();
    this.#painting = this.#chosen[at.day]?.[at.hour] !== true;
    this.#focus(at.day, at.hour);
    this.#set(at.day, at.hour, this.#painting);
    this.#onChange();
  }

  #pointerOver(event: PointerEvent): void {
    const at = this.#cellOf(event.target);
    if (!at || this.#painting === undefined) return;
    if (this.#chosen[at.day]?.[at.hour] === this.#painting) return;
    this.#set(at.day, at.hour, this.#painting);
    this.#onChange();
  }
}
