/**
 * The compliance report, where the daily staff digest links to (`reports.html`): active therapists with a DBS or
 * insurance deadline within 60 days of a date, or a compliance flag, overdue first; and the same as a CSV file.
 * The date is in the URL fragment (`#asOf=2026-09-01`) so a report can be bookmarked and Back works.
 */
import { formatLongDate, isIsoDate, londonToday } from '../../../lambdas/domain/dates.ts';
import type { dbsReport, ReportRow } from '../../../lambdas/use-cases/dbs-report.ts';
import { dueOn, flagBadges } from '../lib/compliance-view.ts';
import { csvDownloadButton } from '../lib/csv-download.ts';
import { byId, h } from '../lib/dom.ts';
import { clearErrors, showErrors } from '../lib/field-errors.ts';
import { errorSummary, field } from '../lib/forms.ts';
import { DBS_DEADLINE_NAMES, REPORT_STATUS_NAMES } from '../lib/labels.ts';
import { accountBar, staffApi } from '../lib/staff-auth.ts';
import { staffPage } from '../lib/staff-page.ts';

type Report = Awaited<ReturnType<typeof dbsReport>>;
type Status = ReportRow['status'];

const STATUSES: readonly Status[] = ['overdue', 'due', 'upcoming'];

const root = byId('staff-root');

const currentAsOf = (): string => {
  const asOf = new URLSearchParams(window.location.hash.slice(1)).get('asOf');
  return asOf && isIsoDate(asOf) ? asOf : londonToday(new Date());
};

const reportPath = (asOf: string, format?: 'csv'): string =>
  `/staff/reports/dbs?${new URLSearchParams({ asOf, ...(format ? { format } : {}) })}`;

const row = (item: ReportRow): HTMLTableRowElement =>
  h(
    'tr',
    { 'data-application-id': item.applicationId, 'data-status': item.status },
    h(
      'th',
      { scope: 'row' },
      h('a', { href: `application.html#id=${encodeURIComponent(item.applicationId)}` }, item.name),
      h('span', { class: 'hint queue__id' }, item.applicationId),
    ),
    h('td', {}, h('strong', { class: `tag tag--${item.status}` }, REPORT_STATUS_NAMES[item.status])),
    h(
      'td',
      { class: 'report__dbs' },
      ...(item.dbsDeadline
        ? [
            h('span', { class: 'report__kind' }, DBS_DEADLINE_NAMES[item.dbsDeadline.kind]),
            ...dueOn(item.dbsDeadline.dueDate, item.dbsDeadline.daysLeft),
          ]
        : ['No certificate held']),
    ),
    h('td', { class: 'report__insurance' }, ...dueOn(item.insuranceEndDate, item.insuranceDaysLeft)),
    h('td', {}, flagBadges(item.flags)),
  );

const counts = (report: Report): HTMLElement =>
  h(
    'ul',
    { class: 'report-counts', id: 'report-counts' },
    ...STATUSES.map((status) =>
      h(
        'li',
        { class: `report-counts__item report-counts__item--${status}` },
        h('strong', { class: 'report-counts__number', 'data-count': status }, String(report.counts[status])),
        ` ${REPORT_STATUS_NAMES[status].toLowerCase()}`,
      ),
    ),
  );

const asOfForm = (asOf: string): HTMLElement => {
  const summary = errorSummary();
  const input = h('input', { type: 'date', value: asOf, class: 'width-10' });
  const form = h(
    'form',
    { id: 'as-of-form', novalidate: true },
    summary,
    field('asOf', 'As of', input, 'What is due, overdue and coming up on this day.'),
    h('button', { type: 'submit', class: 'button button--secondary' }, 'Show the report'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!isIsoDate(input.value)) {
      showErrors(form, summary, [{ path: 'asOf', message: 'Enter a date, like 1 March 2026' }]);
      return;
    }
    clearErrors(form, summary);
    if (input.value === currentAsOf()) void load();
    else window.location.hash = `asOf=${input.value}`;
  });
  return form;
};

/** Fetches the CSV with the bearer token and hands it to the browser as a download. */
const downloadButton = (asOf: string): HTMLElement[] =>
  csvDownloadButton(reportPath(asOf, 'csv'), `dbs-compliance-${asOf}.csv`, () => void load());

const render = async (asOf: string): Promise<void> => {
  const report = await staffApi<Report>(reportPath(asOf));
  if (asOf !== currentAsOf()) return;
  const day = formatLongDate(report.asOf);
  document.title = `Compliance report as of ${day} – Affiliate team`;
  const body = h('tbody', {}, ...report.items.map(row));
  root.replaceChildren(
    accountBar('reports'),
    h('h1', {}, 'Compliance report'),
    h(
      'p',
      {},
      'Active therapists with a DBS certificate or indemnity insurance deadline within 60 days, or a compliance flag. Overdue first.',
    ),
    asOfForm(asOf),
    h('h2', { id: 'report-title' }, `As of ${day}`),
    counts(report),
    report.items.length === 0
      ? h(
          'p',
          { class: 'notice', id: 'report-empty' },
          `Nothing is due within 60 days of ${day}, and nobody is flagged.`,
        )
      : h(
          'div',
          {
            class: 'table-scroll',
            role: 'region',
            'aria-label': 'Therapists with something due',
            tabindex: '0',
          },
          h(
            'table',
            { class: 'table report', id: 'report' },
            h(
              'caption',
              { class: 'report__caption' },
              `Therapists with something due as of ${day}, overdue first`,
            ),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, 'Therapist'),
                h('th', { scope: 'col' }, 'Status'),
                h('th', { scope: 'col' }, 'DBS deadline'),
                h('th', { scope: 'col' }, 'Insurance ends'),
                h('th', { scope: 'col' }, 'Flags'),
              ),
            ),
            body,
          ),
        ),
    // An empty report is a record too ("nothing due on that day"): it downloads like any other.
    h('div', { class: 'button-group' }, ...downloadButton(report.asOf)),
  );
  root.removeAttribute('aria-busy');
};

const load = staffPage(root, () => render(currentAsOf()));

window.addEventListener('hashchange', () => void load());
void load();
