/**
 * The capacity page (`capacity.html`): the 24/7 cover over some weeks from a date, as a heatmap of the week in UK
 * time (lib/capacity-heatmap.ts), patients a week, the gaps under the minimum cover, and the same as a CSV file.
 * The date and weeks are in the URL fragment (`#asOf=2026-12-07&weeks=4`) so a view can be bookmarked.
 */
import { CAPACITY_POLICY, type CapacityReport } from '../../../lambdas/domain/capacity.ts';
import { formatLongDate, isIsoDate, londonToday } from '../../../lambdas/domain/dates.ts';
import { gapRanges, heatmap, LEVEL_NAMES } from '../lib/capacity-heatmap.ts';
import { csvDownloadButton } from '../lib/csv-download.ts';
import { byId, h } from '../lib/dom.ts';
import { clearErrors, showErrors } from '../lib/field-errors.ts';
import { errorSummary, field } from '../lib/forms.ts';
import { accountBar, staffApi } from '../lib/staff-auth.ts';
import { staffPage } from '../lib/staff-page.ts';

const root = byId('staff-root');

interface View {
  asOf: string;
  weeks: number;
}

const currentView = (): View => {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const asOf = params.get('asOf');
  const weeks = Number(params.get('weeks'));
  return {
    asOf: asOf && isIsoDate(asOf) ? asOf : londonToday(new Date()),
    weeks:
      Number.isInteger(weeks) && weeks >= 1 && weeks <= CAPACITY_POLICY.maxWeeks
        ? weeks
        : CAPACITY_POLICY.defaultWeeks,
  };
};

const reportPath = (view: View, format?: 'csv'): string =>
  `/staff/reports/capacity?${new URLSearchParams({
    asOf: view.asOf,
    weeks: String(view.weeks),
    ...(format ? { format } : {}),
  })}`;

const viewForm = (view: View): HTMLElement => {
  const summary = errorSummary();
  const input = h('input', { type: 'date', value: view.asOf, class: 'width-10' });
  const weeks = h(
    'select',
    {},
    ...Array.from({ length: CAPACITY_POLICY.maxWeeks }, (_, i) =>
      h(
        'option',
        { value: String(i + 1), selected: i + 1 === view.weeks ? true : undefined },
        `${i + 1} ${i === 0 ? 'week' : 'weeks'}`,
      ),
    ),
  );
  const form = h(
    'form',
    { id: 'view-form', class: 'capacity-form', novalidate: true },
    summary,
    h(
      'div',
      { class: 'capacity-form__fields' },
      field('asOf', 'From', input, 'The first day of the weeks to look at.'),
      field('weeks', 'For', weeks),
    ),
    h('button', { type: 'submit', class: 'button button--secondary' }, 'Show the cover'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!isIsoDate(input.value)) {
      showErrors(form, summary, [{ path: 'asOf', message: 'Enter a date, like 7 December 2026' }]);
      return;
    }
    clearErrors(form, summary);
    const next = `asOf=${input.value}&weeks=${weeks.value}`;
    if (window.location.hash.slice(1) === next) void load();
    else window.location.hash = next;
  });
  return form;
};

const downloadButton = (view: View): HTMLElement[] =>
  csvDownloadButton(
    reportPath(view, 'csv'),
    `capacity-${view.asOf}-${view.weeks}-weeks.csv`,
    () => void load(),
  );

const figures = (report: CapacityReport): HTMLElement =>
  h(
    'ul',
    { class: 'report-counts', id: 'capacity-figures' },
    h(
      'li',
      {},
      h(
        'strong',
        { class: 'report-counts__number', 'data-figure': 'active' },
        String(report.patientsPerWeek.active),
      ),
      ' patients a week (active therapists, at the lowest)',
    ),
    h(
      'li',
      {},
      h(
        'strong',
        { class: 'report-counts__number', 'data-figure': 'pipeline' },
        String(report.patientsPerWeek.pipeline),
      ),
      ' more from therapists due to start',
    ),
    h(
      'li',
      {},
      h('strong', { class: 'report-counts__number', 'data-figure': 'gaps' }, String(report.gaps.length)),
      ` half-hours under the minimum cover of ${report.minimumCover}`,
    ),
  );

const clockNotes = (report: CapacityReport): HTMLElement[] => {
  const notes = new Map<string, string>();
  for (const cell of report.halfHours) {
    const change = cell.clockChange;
    if (!change) continue;
    notes.set(
      change.date,
      change.change === 'skipped'
        ? `On ${formatLongDate(change.date)} the clocks go forward: 01:00–02:00 does not happen that day.`
        : `On ${formatLongDate(change.date)} the clocks go back: 01:00–02:00 happens twice that day, with the same therapists.`,
    );
  }
  return [...notes.values()].map((note) => h('p', { class: 'notice', 'data-clock-change': '' }, `* ${note}`));
};

const legend = (minimumCover: number): HTMLElement =>
  h(
    'ul',
    { class: 'heat-legend', 'aria-label': 'Colours' },
    ...(['gap', 'thin', 'covered', 'strong', 'none'] as const).map((level) =>
      h(
        'li',
        {},
        h(
          'span',
          { class: `heat heat--${level} heat-legend__swatch`, 'aria-hidden': 'true' },
          level === 'none' ? '–' : '',
        ),
        level === 'thin' ? `${LEVEL_NAMES[level]} (${minimumCover})` : LEVEL_NAMES[level],
      ),
    ),
    h(
      'li',
      {},
      h('span', { class: 'heat__pipeline heat-legend__plus', 'aria-hidden': 'true' }, '+1'),
      'Due to start',
    ),
  );

const render = async (view: View): Promise<void> => {
  const report = await staffApi<CapacityReport>(reportPath(view));
  const now = currentView();
  if (now.asOf !== view.asOf || now.weeks !== view.weeks) return;
  const from = formatLongDate(report.asOf);
  const to = formatLongDate(report.through);
  document.title = `Capacity from ${from} – Affiliate team`;
  const gaps = gapRanges(report);
  root.replaceChildren(
    accountBar('capacity'),
    h('h1', {}, 'Capacity'),
    h(
      'p',
      {},
      'How many active therapists are available in each half-hour of the week (UK time): the fewest in any of the weeks shown, so a gap in one week shows. Paused therapists are left out while paused; “+1” counts therapists due to start in these weeks.',
    ),
    viewForm(view),
    h('h2', { id: 'capacity-title' }, `From ${from} to ${to}`),
    figures(report),
    ...clockNotes(report),
    h(
      'details',
      { class: 'capacity-gaps', id: 'capacity-gaps' },
      h(
        'summary',
        {},
        gaps.length === 0 ? 'No gaps' : `Gaps (${gaps.length} ${gaps.length === 1 ? 'period' : 'periods'})`,
      ),
      gaps.length === 0
        ? h(
            'p',
            {},
            `Every half-hour has at least ${report.minimumCover} therapist${report.minimumCover === 1 ? '' : 's'}.`,
          )
        : h('ul', {}, ...gaps.map((gap) => h('li', {}, gap))),
    ),
    legend(report.minimumCover),
    h(
      'p',
      { class: 'hint', id: 'heatmap-help' },
      'Use the arrow keys to move between half-hours; Home and End go to Monday and Sunday.',
    ),
    h(
      'div',
      { role: 'region', 'aria-labelledby': 'heatmap-caption', class: 'heatmap__region' },
      h(
        'p',
        { id: 'heatmap-caption', class: 'heatmap__caption' },
        `Therapists in each half-hour, ${from} to ${to}`,
      ),
      heatmap(report, { labelledBy: 'heatmap-caption', describedBy: 'heatmap-help' }),
    ),
    h('div', { class: 'button-group' }, ...downloadButton(view)),
  );
  root.removeAttribute('aria-busy');
};

const load = staffPage(root, () => render(currentView()));

window.addEventListener('hashchange', () => void load());
void load();
