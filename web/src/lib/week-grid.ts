/**
 * The availability questionnaire's week: 7 days (columns) × 24 hours (rows) of one-hour cells in UK time.
 * - A click or tap toggles an hour; any plain `click` does (voice control sends only that). With a mouse, a drag
 *   paints the state the first cell took. On touch, a swipe scrolls (the page up and down, the grid sideways
 *   inside itself, the hour column staying put): only a tap chooses.
 * - As an ARIA grid: arrow keys move (Home/End: first/last day, Page Up/Down: six hours), Space or Enter toggles
 *   the focused cell, wherever the focus came from (a screen reader can place it).
 * - `choose` adds a range of hours on several days at once (the quick range controls of `quickRange`).
 * Consecutive hours of a day are sent as one slot.
 */
import {
  WEEK_DAYS,
  type WeekDay,
  type WeeklySlot,
  weeklyHours,
} from '../../../lambdas/domain/availability.ts';
import { h, visuallyHidden } from './dom.ts';

export const DAY_NAMES: Record<WeekDay, string> = {
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
  /** While the mouse button is down: the cell it went down on. */
  #dragFrom: { day: number; hour: number } | undefined;
  /** Once the mouse has moved to another cell: the state the drag paints. */
  #painting: boolean | undefined;
  /** Set for the click that ends a drag, which must not toggle again. */
  #afterDrag = false;

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
    table.addEventListener('click', (event) => this.#click(event));
    table.addEventListener('focusin', (event) => this.#focusIn(event));
    table.addEventListener('pointerdown', (event) => this.#pointerDown(event));
    table.addEventListener('pointerover', (event) => this.#pointerOver(event));
    const stop = () => {
      if (this.#painting !== undefined) {
        // The click that follows this pointerup (same task) must not undo the drag's last cell.
        this.#afterDrag = true;
        setTimeout(() => {
          this.#afterDrag = false;
        }, 0);
      }
      this.#dragFrom = undefined;
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

  /** Chooses hours `from` to `to` (0–24, `to` after `from`) on each of the days (indexes into WEEK_DAYS). */
  choose(days: readonly number[], from: number, to: number): void {
    for (const d of days) {
      for (let hour = Math.max(0, from); hour < Math.min(HOURS, to); hour += 1) this.#set(d, hour, true);
    }
    this.#onChange();
  }

  /** Puts the keyboard focus on the grid's current cell (the error summary's link to the grid). */
  focus(): void {
    this.#focus(this.#active.day, this.#active.hour);
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

  /** Focus placed on a cell by any means (Tab, a screen reader, a tap) makes it the grid's current cell. */
  #focusIn(event: FocusEvent): void {
    const at = this.#cellOf(event.target);
    if (!at || (at.day === this.#active.day && at.hour === this.#active.hour)) return;
    this.#cells[this.#active.day]?.[this.#active.hour]?.setAttribute('tabindex', '-1');
    this.#active = at;
    this.#cells[at.day]?.[at.hour]?.setAttribute('tabindex', '0');
  }

  #key(event: KeyboardEvent): void {
    // The focused cell, not a remembered one: a screen reader may have moved the focus without a key press here.
    const { day, hour } = this.#cellOf(event.target) ?? this.#active;
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

  #click(event: MouseEvent): void {
    const at = this.#cellOf(event.target);
    if (!at || this.#afterDrag) return;
    this.#focus(at.day, at.hour);
    this.#toggle(at.day, at.hour);
  }

  /** Only a mouse drags: a finger or pen on the grid scrolls, and its tap arrives as a click. */
  #pointerDown(event: PointerEvent): void {
    const at = this.#cellOf(event.target);
    if (!at || event.pointerType !== 'mouse' || event.button !== 0) return;
    event.preventDefault();
    this.#dragFrom = at;
    this.#painting = undefined;
  }

  #pointerOver(event: PointerEvent): void {
    const at = this.#cellOf(event.target);
    const from = this.#dragFrom;
    if (!at || !from || event.pointerType !== 'mouse') return;
    if (this.#painting === undefined) {
      if (at.day === from.day && at.hour === from.hour) return;
      this.#painting = this.#chosen[from.day]?.[from.hour] !== true;
      this.#set(from.day, from.hour, this.#painting);
      this.#focus(from.day, from.hour);
    }
    if (this.#chosen[at.day]?.[at.hour] !== this.#painting) this.#set(at.day, at.hour, this.#painting);
    this.#onChange();
  }
}

const DAY_SETS: Record<string, { label: string; days: number[] }> = {
  weekdays: { label: 'Monday to Friday', days: [0, 1, 2, 3, 4] },
  weekend: { label: 'Saturday and Sunday', days: [5, 6] },
  every: { label: 'Every day', days: [0, 1, 2, 3, 4, 5, 6] },
  ...Object.fromEntries(WEEK_DAYS.map((day, d) => [day, { label: DAY_NAMES[day], days: [d] }])),
};

/**
 * Quick ways to choose many hours: a range of hours on a set of days ("Monday to Friday, 09:00 to 15:00" is 30
 * hours in one press), or whole days. They only add: unchoose on the grid, or "Clear all".
 */
export const quickRange = (grid: WeekGrid): HTMLElement => {
  const select = (id: string, options: [string, string][], selected: string) =>
    h(
      'select',
      { id, class: 'control' },
      ...options.map(([value, label]) => h('option', { value, selected: value === selected }, label)),
    );
  const days = select(
    'range-days',
    Object.entries(DAY_SETS).map(([value, set]) => [value, set.label]),
    'weekdays',
  );
  const times = (first: number) =>
    Array.from({ length: HOURS }, (_, i): [string, string] => [String(i + first), hh(i + first)]);
  const from = select('range-from', times(0), '9');
  const to = select('range-to', times(1), '17');
  const add = h('button', { type: 'button', class: 'button button--secondary' }, 'Add these hours');
  const whole = h('button', { type: 'button', class: 'button button--secondary' }, 'Add the whole day');
  const said = h('p', { class: 'hint', id: 'range-result', 'aria-live': 'polite' });
  const chosenDays = () => DAY_SETS[days.value] ?? { label: '', days: [] };
  add.addEventListener('click', () => {
    const start = Number(from.value);
    const end = Number(to.value);
    if (end <= start) {
      said.textContent = `Choose a “To” time after ${hh(start)}.`;
      return;
    }
    grid.choose(chosenDays().days, start, end);
    said.textContent = `Added ${hh(start)} to ${hh(end)}, ${chosenDays().label}.`;
  });
  whole.addEventListener('click', () => {
    grid.choose(chosenDays().days, 0, HOURS);
    said.textContent = `Added the whole day, ${chosenDays().label}.`;
  });
  const label = (control: HTMLSelectElement, text: string) =>
    h('div', { class: 'quick-range__field' }, h('label', { for: control.id }, text), control);
  return h(
    'div',
    { class: 'quick-range', role: 'group', 'aria-labelledby': 'quick-range-title' },
    h('p', { class: 'quick-range__title', id: 'quick-range-title' }, 'Choose many hours at once'),
    h('div', { class: 'quick-range__fields' }, label(days, 'Days'), label(from, 'From'), label(to, 'To')),
    h('div', { class: 'button-group' }, add, whole),
    said,
  );
};
