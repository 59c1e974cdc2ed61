/**
 * The applicant's status page. The link in the email carries the application id and access token in the URL
 * fragment (never sent to any server, never in a Referer); the page reads them and asks the API for the view.
 */
import type * as z from 'zod';
import { formatLongDate, formatLongDateTime } from '../../lambdas/domain/dates.ts';
import { type DocumentKind, isOpen } from '../../lambdas/domain/stages.ts';
import {
  type ApplicationView,
  type createUploadSchema,
  MAX_UPLOAD_BYTES,
} from '../../lambdas/shared/schemas.ts';
import { ApiError, callApi, loadConfig, type SiteConfig } from './lib/api.ts';
import {
  availabilityPanel,
  type Credentials,
  contractPanel,
  type OnView,
  withdrawSection,
} from './lib/applicant-actions.ts';
import { dbsApplicationPanel } from './lib/dbs-application-panel.ts';
import { byId, h } from './lib/dom.ts';
import { clearFieldError, showFieldError } from './lib/field-errors.ts';
import { inductionPanel } from './lib/induction-panel.ts';
import {
  DBS_ASSESSMENT_NAMES,
  DBS_ASSESSMENT_REVIEWED_NAMES,
  STAGE_NAMES,
  STAGE_TEXT,
} from './lib/labels.ts';
import { newLinkSection } from './lib/new-link.ts';
import { selfServicePanel } from './lib/self-service-panel.ts';
import {
  checkFile,
  DOCUMENT_NAMES,
  type UploadContentType,
  UploadRow,
  type UploadTarget,
} from './lib/upload.ts';
import { welcomePanel } from './lib/welcome-panel.ts';

type ChecklistStatus = ApplicationView['checklist'][number]['status'];
type CreateUpload = z.infer<typeof createUploadSchema>;

const SERVICE = 'Join our therapist network';
const CHECKLIST_STATUS: Record<ChecklistStatus, string> = {
  done: 'Done',
  'waiting-on-you': 'Waiting on you',
  'waiting-on-us': 'Waiting on us',
  'not-yet': 'Not yet',
};
/** How long to wait for a just-uploaded document to show as received (S3 event → document check). */
const RECEIPT_WAIT_MS = 20_000;
const RECEIPT_POLL_MS = 1_500;

const root = byId('status-root');

/**
 * Every email's link carries a token. The token is remembered per application in this browser, so a link copied
 * without its token (or the address bar cut short) still opens the application here.
 */
const TOKEN_KEY_PREFIX = 'application-token:';

const remember = (id: string, token: string): void => {
  try {
    localStorage.setItem(`${TOKEN_KEY_PREFIX}${id}`, token);
  } catch {
    // Storage can be full or switched off: the link with the token still works.
  }
};

const remembered = (id: string): string | undefined => {
  try {
    return localStorage.getItem(`${TOKEN_KEY_PREFIX}${id}`) ?? undefined;
  } catch {
    return undefined;
  }
};

/** A token that no longer opens the application (a newer link replaced it) is not offered again. */
const forget = (id: string): void => {
  try {
    localStorage.removeItem(`${TOKEN_KEY_PREFIX}${id}`);
  } catch {
    // Nothing remembered, nothing to forget.
  }
};

/** The application's id and token, from the link or remembered; `missing` says which is absent. */
const credentials = (): Credentials | { missing: 'id' | 'token' } => {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const id = params.get('id');
  const token = params.get('token');
  if (!id) return { missing: 'id' };
  if (token) {
    remember(id, token);
    return { id, token };
  }
  const known = remembered(id);
  return known ? { id, token: known } : { missing: 'token' };
};

/** The induction links of config.json, read with the first view (the page cannot call the API without it). */
let siteLinks: SiteConfig['links'];

const fetchView = ({ id, token }: Credentials): Promise<ApplicationView> =>
  callApi<ApplicationView>(`/applications/${encodeURIComponent(id)}`, { token });

// Outside the re-rendered content: a live region must already be on the page when its text changes.
const announcer = h('p', { class: 'visually-hidden', role: 'status' });
root.after(announcer);

const showMessage = (heading: string, message: string, next?: (() => void) | 'new-link'): void => {
  document.title = `${heading} – ${SERVICE}`;
  const nodes: Node[] = [h('h1', {}, heading), h('p', {}, message)];
  if (next === 'new-link') {
    nodes.push(newLinkSection());
  } else if (next) {
    const button = h('button', { type: 'button', class: 'button' }, 'Try again');
    button.addEventListener('click', next);
    nodes.push(button);
  }
  root.replaceChildren(...nodes);
  root.removeAttribute('aria-busy');
};

const time = (iso: string): HTMLTimeElement => h('time', { datetime: iso }, formatLongDateTime(iso));

const checklist = (view: ApplicationView): HTMLElement =>
  h(
    'ul',
    { class: 'checklist' },
    ...view.checklist.map((item) =>
      h(
        'li',
        { class: `checklist__item checklist__item--${item.status}`, 'data-status': item.status },
        h('span', { class: 'checklist__icon', 'aria-hidden': 'true' }),
        h(
          'div',
          { class: 'checklist__text' },
          h('span', { class: 'checklist__label' }, item.label),
          item.detail && h('span', { class: 'checklist__detail' }, item.detail),
        ),
        h('strong', { class: `tag tag--${item.status}` }, CHECKLIST_STATUS[item.status]),
      ),
    ),
  );

/** An upload is under way, or done and not yet shown as received: re-rendering now would wipe its row. */
const uploadBusy = (): boolean =>
  root.querySelector('.upload[data-state="uploading"], .upload[data-awaiting-receipt]') !== null;

const waitForReceipt = async (creds: Credentials, document: DocumentKind, row: UploadRow): Promise<void> => {
  row.element.dataset.awaitingReceipt = 'true';
  const deadline = Date.now() + RECEIPT_WAIT_MS;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, RECEIPT_POLL_MS));
    const view = await fetchView(creds).catch(() => undefined);
    const entry = view?.documents.find((candidate) => candidate.document === document);
    if (view && entry && (entry.received || entry.rejectedReason)) {
      delete row.element.dataset.awaitingReceipt;
      if (!uploadBusy()) render(creds, view);
      return;
    }
    if (entry?.checking && !row.element.querySelector('.upload__checking')) {
      row.element.append(h('p', { class: 'hint upload__checking' }, CHECKING_TEXT));
    }
  }
  delete row.element.dataset.awaitingReceipt;
  row.element.append(
    h('p', { class: 'hint' }, 'We are checking the file. It can take a minute to show here.'),
  );
};

/** An upload that is stored but not yet scanned clean (the API's `checking`). */
const CHECKING_TEXT =
  'Uploaded. We are checking it for viruses: it shows as received once the check is done.';

const uploadControl = (creds: Credentials, document: DocumentKind): HTMLElement => {
  const id = `reupload-${document}`;
  const name = DOCUMENT_NAMES[document];
  const input = h('input', {
    class: 'control file-input',
    id,
    type: 'file',
    accept: '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png',
    'aria-describedby': `${id}-hint`,
  });
  const button = h(
    'button',
    { type: 'button', class: 'button button--secondary' },
    `Upload ${name.toLowerCase()}`,
  );
  const list = h('ul', { class: 'upload-list' });
  const field = h(
    'div',
    { class: 'field', 'data-field': `reupload.${document}` },
    h('label', { for: id }, `Choose your ${name.toLowerCase()}`),
    h('p', { class: 'hint', id: `${id}-hint` }, 'A PDF, JPEG or PNG of up to 10 MB.'),
    input,
    h('div', { class: 'field__actions' }, button),
    list,
  );
  const getTarget = (contentType: UploadContentType): Promise<UploadTarget> => {
    const body: CreateUpload = { document, contentType };
    return callApi<UploadTarget>(`/applications/${encodeURIComponent(creds.id)}/uploads`, {
      method: 'POST',
      body,
      token: creds.token,
    });
  };
  button.addEventListener('click', () => {
    const file = input.files?.[0];
    const problem = file ? checkFile(file, MAX_UPLOAD_BYTES) : `Choose your ${name.toLowerCase()} to upload`;
    if (!file || problem) {
      showFieldError(field, problem ?? '');
      input.focus();
      return;
    }
    clearFieldError(field);
    if (list.querySelector('.upload[data-state="uploading"]')) return;
    const row: UploadRow = new UploadRow({
      document,
      file,
      getTarget,
      onUploaded: () => void waitForReceipt(creds, document, row),
    });
    list.replaceChildren(row.element);
    void row.start(true);
  });
  return field;
};

const documentsSection = (creds: Credentials, view: ApplicationView): HTMLElement | undefined => {
  const required = view.documents.filter((entry) => entry.required || entry.received);
  if (required.length === 0) return undefined;
  return h(
    'section',
    { 'aria-labelledby': 'documents-title' },
    h('h2', { id: 'documents-title' }, 'Your documents'),
    h(
      'ul',
      { class: 'documents' },
      ...required.map((entry) => {
        const needsUpload =
          isOpen(view.stage) &&
          entry.required &&
          !entry.checking &&
          (!entry.received || !!entry.rejectedReason);
        const state = entry.checking
          ? CHECKING_TEXT
          : entry.rejectedReason
            ? `We could not accept it: ${entry.rejectedReason}`
            : entry.received && entry.receivedAt
              ? `Received ${formatLongDateTime(entry.receivedAt)}`
              : entry.received
                ? 'Received'
                : 'Not received yet';
        return h(
          'li',
          { class: 'documents__item', 'data-document': entry.document },
          h('h3', { class: 'documents__name' }, DOCUMENT_NAMES[entry.document]),
          h('p', { class: entry.rejectedReason ? 'documents__state error-text' : 'documents__state' }, state),
          needsUpload && uploadControl(creds, entry.document),
        );
      }),
    ),
  );
};

/** After the applicant acted: the new view, what happened said next to the heading and announced. */
const onView: OnView = (view, notes) => {
  const creds = credentials();
  if ('missing' in creds) return;
  render(creds, view, notes);
  announcer.textContent = notes.message;
  byId('stage-heading').focus();
};

/** The panel for what the applicant does in this stage, if anything. */
const actionPanel = (
  creds: Credentials,
  view: ApplicationView,
  notes?: Parameters<OnView>[1],
): HTMLElement | undefined => {
  if (view.stage === 'contract-sent') return contractPanel(creds, onView);
  if (view.stage === 'induction-invited')
    return inductionPanel(siteLinks, view.checklist.find((item) => item.id === 'account')?.status === 'done');
  if (view.stage === 'awaiting-availability') return availabilityPanel(creds, view, onView);
  if (view.stage === 'active') return welcomePanel(view, siteLinks, notes?.startDate);
  return undefined;
};

const render = (creds: Credentials, view: ApplicationView, notes?: Parameters<OnView>[1]): void => {
  const stage = STAGE_TEXT[view.stage];
  // The welcome panel says the start date: once is enough.
  const dates = view.deadlines.filter((d) => !(view.stage === 'active' && d.id === 'start-date'));
  document.title = `${stage.heading} – ${SERVICE}`;
  const refresh = h(
    'button',
    { type: 'button', class: 'button button--secondary', id: 'refresh' },
    'Check for updates',
  );
  refresh.addEventListener('click', () => void load(true));
  root.replaceChildren(
    h(
      'section',
      { id: 'status', 'data-stage': view.stage, 'aria-labelledby': 'stage-heading' },
      h('span', { class: 'caption' }, `Application ${view.applicationId}`),
      h('h1', { id: 'stage-heading', tabindex: '-1' }, stage.heading),
      h('p', { class: 'stage-name' }, 'Stage: ', h('strong', {}, STAGE_NAMES[view.stage])),
      notes && h('div', { class: 'notice notice--success', id: 'action-result' }, h('p', {}, notes.message)),
      h('p', { class: 'lead' }, `Hello ${view.firstName}. ${stage.next}`),
      actionPanel(creds, view, notes),
      view.stage === 'active' && selfServicePanel(creds, view, onView),
      view.blocking.length > 0 &&
        h(
          'div',
          { class: 'notice notice--blocking', role: 'region', 'aria-labelledby': 'blocking-title' },
          h('h2', { id: 'blocking-title' }, 'What is holding up your application'),
          h('ul', {}, ...view.blocking.map((reason) => h('li', {}, reason))),
        ),
      h('h2', {}, 'Your checklist'),
      checklist(view),
      documentsSection(creds, view),
      dates.length > 0 &&
        h(
          'section',
          { 'aria-labelledby': 'deadlines-title' },
          h('h2', { id: 'deadlines-title' }, 'Dates to remember'),
          h(
            'ul',
            { class: 'deadlines' },
            ...dates.map((deadline) =>
              h('li', {}, `${deadline.label}: `, h('strong', {}, formatLongDate(deadline.date))),
            ),
          ),
        ),
      h(
        'section',
        { 'aria-labelledby': 'dbs-title' },
        h(
          'h2',
          { id: 'dbs-title' },
          (view.checklist.find((item) => item.id === 'review')?.status === 'done'
            ? DBS_ASSESSMENT_REVIEWED_NAMES
            : DBS_ASSESSMENT_NAMES)[view.dbs.assessment],
        ),
        ...view.dbs.reasons.map((reason) => h('p', {}, reason)),
      ),
      dbsApplicationPanel(creds, view, onView),
      h(
        'section',
        { 'aria-labelledby': 'timeline-title' },
        h('h2', { id: 'timeline-title' }, 'History'),
        h(
          'ol',
          { class: 'timeline', reversed: true },
          ...[...view.timeline]
            .reverse()
            .map((entry) =>
              h('li', { 'data-type': entry.type }, time(entry.at), h('span', {}, entry.summary)),
            ),
        ),
      ),
      h('p', {}, refresh, ' ', h('span', { class: 'hint' }, 'Last updated ', time(view.updatedAt))),
      isOpen(view.stage) && withdrawSection(creds, onView),
    ),
  );
  root.removeAttribute('aria-busy');
};

const load = async (announce = false): Promise<void> => {
  const creds = credentials();
  if ('missing' in creds) {
    showMessage(
      'We cannot open this application',
      'The link is incomplete: open the link in our latest email, or copy the whole link into your browser. If you cannot find it, we can email you a new one.',
      'new-link',
    );
    return;
  }
  try {
    const view = await fetchView(creds);
    siteLinks = (await loadConfig()).links;
    if (uploadBusy()) return;
    render(creds, view);
    if (announce) {
      // The button pressed was replaced by the new rendering: keep keyboard users where they were.
      byId('refresh').focus();
      announcer.textContent = `Updated: ${STAGE_TEXT[view.stage].heading}`;
    }
  } catch (error) {
    if (error instanceof ApiError && [401, 403, 404].includes(error.status)) {
      forget(creds.id);
      showMessage(
        'Application not found',
        'This link does not open an application. A newer link may have replaced it: open the link in our latest email, or we can email you a new one.',
        'new-link',
      );
      return;
    }
    showMessage(
      'Sorry, there is a problem',
      'We could not load your application. Check your internet connection and try again.',
      () => void load(),
    );
  }
};

window.addEventListener('hashchange', () => void load());
void load();
