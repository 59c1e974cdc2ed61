/**
 * The affiliate team's queue: one stage at a time (in review first), most recently changed first, a page at a time.
 * The stage is in the URL fragment (`#stage=awaiting-dbs`) so a tab can be bookmarked and Back works. The "To
 * verify" tab (`#stage=to-verify`) lists the renewed documents active therapists uploaded, oldest first (issue 11).
 */
import type { DocumentKind, Stage } from '../../../lambdas/domain/stages.ts';
import { byId, h } from '../lib/dom.ts';
import { DBS_ASSESSMENT_STAFF_NAMES, STAGE_NAMES } from '../lib/labels.ts';
import { accountBar, staffApi } from '../lib/staff-auth.ts';
import { dateTime, staffPage } from '../lib/staff-page.ts';

interface QueueItem {
  applicationId: string;
  stage: Stage;
  name: string;
  dbsAssessment: keyof typeof DBS_ASSESSMENT_STAFF_NAMES;
  createdAt: string;
  updatedAt: string;
  stageEnteredAt: string;
  toVerify?: DocumentKind[];
}

interface QueuePage {
  items: QueueItem[];
  cursor?: string;
  /** With the first page: how many applications each stage holds. */
  counts?: Record<Stage, number>;
}

/** The stages in the order the team works them: what waits on staff first. */
const TO_VERIFY = 'to-verify';
type Tab = Stage | typeof TO_VERIFY;
const TAB_NAMES: Record<Tab, string> = { ...STAGE_NAMES, [TO_VERIFY]: 'To verify' };

const TABS: readonly Tab[] = [
  'in-review',
  TO_VERIFY,
  'awaiting-dbs',
  'induction-invited',
  'awaiting-documents',
  'contract-sent',
  'awaiting-availability',
  'active',
  'rejected',
  'withdrawn',
  'lapsed',
];
const PAGE_SIZE = 25;

const root = byId('staff-root');

const currentStage = (): Tab => {
  const stage = new URLSearchParams(window.location.hash.slice(1)).get('stage');
  return TABS.find((tab) => tab === stage) ?? 'in-review';
};

const RENEWAL_NAMES: Record<DocumentKind, string> = {
  'dbs-certificate': 'New DBS certificate',
  'indemnity-insurance': 'Renewed insurance schedule',
};

const row = (item: QueueItem, tab: Tab): HTMLTableRowElement =>
  h(
    'tr',
    { 'data-application-id': item.applicationId },
    h(
      'th',
      { scope: 'row' },
      h('a', { href: `application.html#id=${encodeURIComponent(item.applicationId)}` }, item.name),
      h('span', { class: 'hint queue__id' }, item.applicationId),
    ),
    h(
      'td',
      {},
      tab === TO_VERIFY
        ? (item.toVerify ?? []).map((kind) => RENEWAL_NAMES[kind]).join(', ')
        : DBS_ASSESSMENT_STAFF_NAMES[item.dbsAssessment],
    ),
    h('td', {}, dateTime(item.stageEnteredAt)),
    h('td', {}, dateTime(item.updatedAt)),
  );

/** A tab's count: a badge on screen, "In review, 3 applications" to a screen reader. */
const tabCount = (n: number | undefined): HTMLElement | undefined =>
  n === undefined
    ? undefined
    : h('span', { class: 'tabs__count', 'data-count': String(n), 'aria-hidden': 'true' }, String(n));

const tabName = (tab: Tab, n: number | undefined): string | undefined =>
  n === undefined ? undefined : `${TAB_NAMES[tab]}, ${n} ${n === 1 ? 'application' : 'applications'}`;

const countOf = (counts: QueuePage['counts'], tab: Tab): number | undefined =>
  tab === TO_VERIFY ? undefined : counts?.[tab];

const render = async (stage: Tab): Promise<void> => {
  document.title = `${TAB_NAMES[stage]} – Applications – Affiliate team`;
  let counts: QueuePage['counts'];
  const tabs = (): HTMLElement =>
    h(
      'nav',
      { 'aria-label': 'Stages', class: 'tabs' },
      h(
        'ul',
        { class: 'tabs__list' },
        ...TABS.map((tab) =>
          h(
            'li',
            {},
            h(
              'a',
              {
                class: 'tabs__tab',
                href: `#stage=${tab}`,
                'aria-current': tab === stage ? 'page' : undefined,
                'aria-label': tabName(tab, countOf(counts, tab)),
              },
              TAB_NAMES[tab],
              tabCount(countOf(counts, tab)),
            ),
          ),
        ),
      ),
    );
  const body = h('tbody', {});
  const table = h(
    'table',
    { class: 'table queue', 'aria-labelledby': 'queue-title' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Applicant'),
        h('th', { scope: 'col' }, stage === TO_VERIFY ? 'To verify' : 'DBS'),
        h('th', { scope: 'col' }, stage === TO_VERIFY ? 'Active since' : 'In this stage since'),
        h('th', { scope: 'col' }, 'Last change'),
      ),
    ),
    body,
  );
  // On a phone the table scrolls inside its own box: the page itself never scrolls sideways.
  const scroller = h(
    'div',
    { class: 'table-scroll', role: 'region', 'aria-labelledby': 'queue-title', tabindex: '0' },
    table,
  );
  const empty = h(
    'p',
    { class: 'queue__empty', hidden: true },
    stage === TO_VERIFY ? 'Nothing to verify.' : 'No applications are in this stage.',
  );
  const more = h('button', { type: 'button', class: 'button button--secondary', hidden: true }, 'Load more');
  const count = h('p', { class: 'hint', role: 'status' });

  const loadPage = async (cursor?: string): Promise<void> => {
    const query = new URLSearchParams({
      ...(stage === TO_VERIFY ? { view: TO_VERIFY } : { stage }),
      limit: String(PAGE_SIZE),
      ...(cursor ? { cursor } : {}),
    });
    const page = await staffApi<QueuePage>(`/staff/applications?${query}`);
    if (stage !== currentStage()) return;
    counts = page.counts ?? counts;
    const firstNew = page.items[0];
    body.append(...page.items.map((item) => row(item, stage)));
    empty.hidden = body.childElementCount > 0;
    scroller.hidden = body.childElementCount === 0;
    count.textContent = `${body.childElementCount} shown`;
    more.hidden = !page.cursor;
    more.onclick = () => {
      more.setAttribute('aria-disabled', 'true');
      loadPage(page.cursor)
        .then(() => {
          // Focus the first newly loaded applicant: the button may disappear, and the list is what they wanted.
          if (firstNew)
            body.querySelector<HTMLAnchorElement>(`tr:nth-last-child(${page.items.length}) a`)?.focus();
        })
        .catch(() => void load())
        .finally(() => more.removeAttribute('aria-disabled'));
    };
  };

  await loadPage();
  root.replaceChildren(
    accountBar('queue'),
    h('h1', {}, 'Applications'),
    tabs(),
    h('h2', { id: 'queue-title' }, TAB_NAMES[stage]),
    empty,
    scroller,
    count,
    more,
  );
  root.removeAttribute('aria-busy');
};

const load = staffPage(root, () => render(currentStage()));

window.addEventListener('hashchange', () => void load());
void load();
