/**
 * One application as the affiliate team sees it, where staff emails link to (`application.html#id=<id>`): the
 * answers, the documents previewed inline, the DBS assessment, the insurance, the action the current stage
 * allows (review, record a new DBS certificate, record an induction: each a POST, never a GET), the contract
 * evidence and the whole event history.
 */
import { dbsDeadline } from '../../../lambdas/domain/compliance.ts';
import { addDaysIso, daysBetween, formatLongDate, londonToday } from '../../../lambdas/domain/dates.ts';
import { INDUCTION_EXTENSION_MAX_DAYS, windowLastDay } from '../../../lambdas/domain/induction.ts';
import { WAIT_STEP_NAMES } from '../../../lambdas/domain/labels.ts';
import type { DbsLevel, DocumentKind, Stage } from '../../../lambdas/domain/stages.ts';
import {
  inductionExtensionSchema,
  inductionSchema,
  insuranceSchema,
  newDbsCertificateSchema,
  reviewSchema,
} from '../../../lambdas/shared/schemas.ts';
import type { staffView } from '../../../lambdas/use-cases/staff-queries.ts';
import { dueOn, flagBadges } from '../lib/compliance-view.ts';
import { byId, h } from '../lib/dom.ts';
import { clearErrors, type FieldError, showErrors } from '../lib/field-errors.ts';
import {
  checkboxField,
  errorSummary,
  field,
  issuesToErrors,
  selectOf,
  sendForm,
  whileBusy,
} from '../lib/forms.ts';
import {
  DBS_ASSESSMENT_STAFF_NAMES,
  DBS_CHECK_METHOD_NAMES,
  DBS_DEADLINE_NAMES,
  DBS_LEVEL_NAMES,
  INSURANCE_BASIS_NAMES,
  PROFESSIONAL_BODY_NAMES,
  STAGE_NAMES,
} from '../lib/labels.ts';
import { accountBar, staffApi } from '../lib/staff-auth.ts';
import { dateTime, staffPage } from '../lib/staff-page.ts';
import { DOCUMENT_NAMES } from '../lib/upload.ts';
import { dbsApplicationSection } from './dbs-application.ts';
import { historySection } from './history.ts';
import { therapyAccountSection } from './therapy-account.ts';

type StaffView = Awaited<ReturnType<typeof staffView>>;
type Decision = 'approve' | 'request-changes' | 'reject';

const root = byId('staff-root');
// Outside the re-rendered content: a live region must already be on the page when its text changes.
const announcer = h('p', { class: 'visually-hidden', role: 'status' });
root.after(announcer);

const applicationId = (): string | undefined =>
  new URLSearchParams(window.location.hash.slice(1)).get('id') ?? undefined;

const path = (id: string, action = ''): string =>
  `/staff/applications/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

type Fact = [term: string, value: Node | string | undefined | false];

const facts = (entries: Fact[]): HTMLDListElement =>
  h(
    'dl',
    { class: 'facts' },
    ...entries
      .filter(([, value]) => value !== undefined && value !== false && value !== '')
      .flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value as Node | string)]),
  );

const section = (id: string, title: string, ...children: (Node | false | undefined)[]): HTMLElement =>
  h('section', { class: 'staff-section', 'aria-labelledby': id }, h('h2', { id }, title), ...children);

const yesNo = (value: boolean | undefined): string | undefined =>
  value === undefined ? undefined : value ? 'Yes' : 'No';

/** A file size people read at a glance: bytes, KB or MB. */
const megabytes = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} bytes`
    : bytes < 1024 * 1024
      ? `${Math.round(bytes / 1024)} KB`
      : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
const pounds = new Intl.NumberFormat('en-GB', {
  style: 'currency',
  currency: 'GBP',
  maximumFractionDigits: 0,
});
const date = (iso: string | undefined): string | undefined => (iso ? formatLongDate(iso) : undefined);

const summarySection = (view: StaffView): HTMLElement =>
  section(
    'summary-title',
    'Applicant',
    facts([
      ['Name', `${view.applicant.firstName} ${view.applicant.lastName}`],
      ['Email', h('a', { href: `mailto:${view.applicant.email}` }, view.applicant.email)],
      ['Phone', view.applicant.phone],
      ['Date of birth', date(view.applicant.dateOfBirth)],
      ['Postcode', view.applicant.postcode],
      ['Professional body', PROFESSIONAL_BODY_NAMES[view.professional.body]],
      ['Membership number', view.professional.membershipNumber],
      ['Accredited', yesNo(view.professional.accredited)],
      ['Applied', dateTime(view.createdAt)],
      ['In this stage since', dateTime(view.stageEnteredAt)],
    ]),
  );

/** The document's own page (web/src/staff/document.ts). */
const documentPage = (id: string, kind: DocumentKind): string =>
  `document.html#${new URLSearchParams({ id, document: kind })}`;

/**
 * A PDF in a frame, an image as itself: staff check the document without leaving the page, at a size where a
 * certificate number reads (the PDF fitted to the frame's width, without the viewer's sidebar).
 */
const preview = (
  applicationId: string,
  name: string,
  document: StaffView['documents'][number],
  /** Where "open in a new tab" goes: our document page, unless given (a renewal opens its own link). */
  openHref = documentPage(applicationId, document.document),
): HTMLElement | undefined => {
  const url = document.downloadUrl;
  if (!url) return undefined;
  const isPdf = document.contentType === 'application/pdf';
  // Chrome's PDF viewer takes the focus when it finishes loading, carrying keyboard and screen-reader users into
  // the preview unasked and swallowing the next click on the page. So the frame is inert (shown, not focusable)
  // until someone clicks on it to scroll or zoom; keyboard users open the document in a new tab instead.
  const media = isPdf
    ? h('iframe', {
        class: 'preview__frame',
        src: `${url}#view=FitH&navpanes=0`,
        title: `${name} (PDF)`,
        inert: true,
      })
    : h('img', { class: 'preview__image', src: url, alt: `${name} as uploaded` });
  const figure = h(
    'figure',
    { class: 'preview', 'data-preview': document.contentType ?? '' },
    media,
    h(
      'figcaption',
      {},
      isPdf && h('span', { class: 'hint' }, 'Click the preview to scroll or zoom in it. '),
      // Our own page, titled with the applicant's name and the document; it shares this tab's sign-in (opener).
      h(
        'a',
        { href: openHref, target: '_blank', rel: 'opener' },
        `Open the ${name.toLowerCase()} in a new tab`,
      ),
    ),
  );
  // An inert frame is not hit: a click on it lands on the figure.
  figure.addEventListener('pointerdown', (event) => {
    if (event.target === figure) media.inert = false;
  });
  return figure;
};

const documentsSection = (view: StaffView): HTMLElement =>
  section(
    'documents-title',
    'Documents',
    h(
      'p',
      { class: 'hint' },
      'The previews and links stop working 5 minutes after the page was loaded (at ',
      dateTime(view.downloadUrlsExpireAt),
      '): reload the page for fresh ones.',
    ),
    h(
      'ul',
      { class: 'documents' },
      ...view.documents.map((document) => {
        const name = DOCUMENT_NAMES[document.document];
        return h(
          'li',
          { class: 'documents__item', 'data-document': document.document },
          h('h3', { class: 'documents__name' }, name),
          document.checking &&
            h(
              'p',
              { class: 'notice', 'data-scan': 'checking' },
              `${name}: uploaded, being checked for viruses. It can be opened once the check finds it clean; reload the page in a minute.`,
            ),
          facts([
            ['Received', document.receivedAt ? dateTime(document.receivedAt) : 'Not yet'],
            ['Type', document.contentType],
            ['Size', document.sizeBytes === undefined ? undefined : megabytes(document.sizeBytes)],
            ['SHA-256', document.sha256 && h('code', { class: 'hash' }, document.sha256)],
            ['Last upload refused', document.problem],
          ]),
          document.deletedByRetention &&
            h(
              'p',
              { class: 'notice', 'data-retention': 'deleted' },
              `${name} image deleted under the retention policy`,
              view.dbsImageDeletedAt ? ' on ' : '',
              view.dbsImageDeletedAt ? dateTime(view.dbsImageDeletedAt) : '',
              '. The certificate number, date of issue, level and the review decision are kept.',
            ),
          preview(view.applicationId, name, document),
        );
      }),
    ),
    view.refusedUploads &&
      h(
        'div',
        { class: 'notice', id: 'refused-uploads' },
        h('h3', {}, 'Refused uploads'),
        h(
          'ul',
          {},
          ...view.refusedUploads.map((refused) =>
            h(
              'li',
              {},
              `${DOCUMENT_NAMES[refused.document]}, ${dateTime(refused.at)}: `,
              refused.reason === 'infected'
                ? `the virus check found harmful content${refused.threats?.length ? ` (${refused.threats.join(', ')})` : ''}; the file was deleted unopened.`
                : 'the virus check could not read it; the file was deleted.',
            ),
          ),
        ),
      ),
  );

/** Renewed documents the therapist uploaded (issue 11 §2): verifying one is recording it with the form below. */
const RENEWAL_FORMS = {
  'indemnity-insurance': ['renew-insurance-form', 'Record renewed insurance'],
  'dbs-certificate': ['renew-dbs-form', 'Record a renewed DBS certificate'],
} as const;

const renewalsSection = (view: StaffView): HTMLElement | undefined =>
  view.renewals &&
  section(
    'renewals-title',
    'To verify',
    h(
      'p',
      {},
      'The therapist uploaded these themselves. Check each one, then record it with the form named: that verifies it, clears it from the “To verify” list and moves the deadlines.',
    ),
    h(
      'ul',
      { class: 'documents' },
      ...view.renewals.map((document) => {
        const name = `Renewed ${DOCUMENT_NAMES[document.document].toLowerCase()}`;
        const [formId, formTitle] = RENEWAL_FORMS[document.document];
        return h(
          'li',
          { class: 'documents__item', 'data-renewal': document.document },
          h('h3', { class: 'documents__name' }, name),
          facts([
            ['Received', document.receivedAt ? dateTime(document.receivedAt) : undefined],
            ['Type', document.contentType],
            ['Size', document.sizeBytes === undefined ? undefined : megabytes(document.sizeBytes)],
          ]),
          preview(view.applicationId, name, document, document.downloadUrl),
          h('p', {}, 'Verify it: ', h('a', { href: `#${formId}` }, formTitle)),
        );
      }),
    ),
  );

const dbsSection = (view: StaffView): HTMLElement => {
  const dbs = view.dbs;
  return section(
    'dbs-title',
    'DBS certificate',
    h(
      'p',
      { class: 'assessment', 'data-assessment': dbs.assessment },
      h('strong', {}, DBS_ASSESSMENT_STAFF_NAMES[dbs.assessment]),
    ),
    h('ul', {}, ...dbs.reasons.map((reason) => h('li', {}, reason))),
    dbs.hasCertificate
      ? facts([
          ['Level', DBS_LEVEL_NAMES[dbs.level]],
          ['Certificate number', dbs.certificateNumber],
          ['Date of issue', date(dbs.issueDate)],
          ['On the Update Service', yesNo(dbs.onUpdateService)],
          ['Provider to apply on their behalf', yesNo(dbs.applyOnMyBehalf)],
          ['Accepts the fee', yesNo(dbs.acceptsFee)],
          ['How the original was checked', dbs.checkMethod && DBS_CHECK_METHOD_NAMES[dbs.checkMethod]],
          ['Renewal due by', date(view.dbsRenewalDueBy)],
        ])
      : facts([
          ['Certificate', 'None'],
          ['Provider to apply on their behalf', yesNo(dbs.applyOnMyBehalf)],
          ['Accepts the fee', yesNo(dbs.acceptsFee)],
        ]),
  );
};

const insuranceSection = (view: StaffView): HTMLElement =>
  section(
    'insurance-title',
    'Indemnity insurance',
    facts([
      ['Insurer', view.insurance.insurer],
      ['Policy number', view.insurance.policyNumber],
      ['Cover', pounds.format(view.insurance.coverAmountGbp)],
      ['Basis', INSURANCE_BASIS_NAMES[view.insurance.basis]],
      [
        'In force',
        `${formatLongDate(view.insurance.startDate)} to ${formatLongDate(view.insurance.endDate)}`,
      ],
    ]),
  );

const DECISION_DONE: Record<Decision, string> = {
  approve: 'Approved',
  'request-changes': 'Changes requested',
  reject: 'Rejected',
};

/** Runs a form's action; if the page cannot be shown afterwards (signed out meanwhile), load it afresh. */
const act = (button: HTMLButtonElement, work: () => Promise<void>): void => {
  whileBusy(button, work).catch(() => void load());
};

/** After an action: the fresh page, with what happened said and announced. */
const afterAction = async (id: string, message: string): Promise<void> => {
  await render(id, message);
  announcer.textContent = message;
  byId('action-result').focus();
};

const reviewForm = (view: StaffView): HTMLElement => {
  const summary = errorSummary();
  const method = selectOf(DBS_CHECK_METHOD_NAMES, 'Choose how');
  const note = h('textarea', { rows: '4' });
  const form = h(
    'form',
    { id: 'review-form', novalidate: true },
    summary,
    h(
      'fieldset',
      { class: 'field', 'data-field': 'checks' },
      h('legend', {}, 'Checks'),
      // Checks that cannot apply are not asked: no original to see without a certificate.
      view.dbs.hasCertificate &&
        checkboxField('checks.dbsOriginalSeen', 'I have seen the original DBS certificate'),
      view.dbs.hasCertificate &&
        field('checks.dbsCheckMethod', 'How the DBS certificate was checked', method),
      checkboxField(
        'checks.insuranceVerified',
        'The insurance is verified',
        'Insurer, policy number, cover of at least £1,000,000, in force on the dates given.',
      ),
      checkboxField(
        'checks.registerChecked',
        'The professional register is checked',
        'The applicant is on the register of their professional body with this membership number.',
      ),
    ),
    h(
      'fieldset',
      { class: 'field', 'data-field': 'documents' },
      h('legend', {}, 'Documents to send again'),
      h(
        'p',
        { class: 'hint' },
        'When you request changes, tick each document the applicant must upload again; the others are kept.',
      ),
      ...view.documents.map((document) =>
        checkboxField(`documents.${document.document}`, DOCUMENT_NAMES[document.document]),
      ),
    ),
    field(
      'note',
      'Note to the applicant',
      note,
      'Emailed to the applicant when you request changes or reject. Say what to change, or why.',
    ),
  );
  const checked = (name: string): boolean =>
    (form.elements.namedItem(`checks.${name}`) as HTMLInputElement | null)?.checked === true;
  const sendAgain = view.documents
    .map((document) => document.document)
    .filter((kind) => (form.elements.namedItem(`documents.${kind}`) as HTMLInputElement).checked);
  const send = async (decision: Decision): Promise<void> => {
    const body = {
      decision,
      checks: {
        ...(view.dbs.hasCertificate
          ? { dbsOriginalSeen: checked('dbsOriginalSeen'), dbsCheckMethod: method.value || undefined }
          : {}),
        insuranceVerified: checked('insuranceVerified'),
        registerChecked: checked('registerChecked'),
      },
      note: note.value,
      ...(decision === 'request-changes' && sendAgain.length > 0 ? { documents: sendAgain } : {}),
    };
    const parsed = reviewSchema.safeParse(body);
    const errors: FieldError[] = parsed.success ? [] : issuesToErrors(parsed.error.issues);
    if (!parsed.success && errors.some((e) => e.path === 'checks.dbsCheckMethod')) {
      errors.splice(
        errors.findIndex((e) => e.path === 'checks.dbsCheckMethod'),
        1,
        { path: 'checks.dbsCheckMethod', message: 'Choose how the DBS certificate was checked' },
      );
    }
    if (decision === 'request-changes' && note.value.trim() === '') {
      errors.push({ path: 'note', message: 'Say what the applicant needs to change' });
    }
    if (decision === 'request-changes' && sendAgain.length === 0) {
      errors.push({ path: 'documents', message: 'Tick each document the applicant must send again' });
    }
    if (!parsed.success || errors.length > 0) {
      showErrors(form, summary, errors);
      return;
    }
    clearErrors(form, summary);
    const done = await sendForm(form, summary, () =>
      staffApi<{ stage: Stage }>(path(view.applicationId, 'review'), { method: 'POST', body: parsed.data }),
    );
    if (done) {
      await afterAction(
        view.applicationId,
        `${DECISION_DONE[decision]}: the application is now ${STAGE_NAMES[done.stage].toLowerCase()}.`,
      );
    }
  };

  const approve = h('button', { type: 'button', class: 'button' }, 'Approve');
  const changes = h('button', { type: 'button', class: 'button button--secondary' }, 'Request changes');
  const reject = h('button', { type: 'button', class: 'button button--warning' }, 'Reject');
  const confirmText = h(
    'p',
    { tabindex: '-1', id: 'reject-confirm-text' },
    'Reject this application? The applicant is emailed your note and the application is closed. This cannot be undone.',
  );
  const confirmReject = h('button', { type: 'button', class: 'button button--warning' }, 'Yes, reject it');
  const cancelReject = h('button', { type: 'button', class: 'button button--secondary' }, 'Cancel');
  const confirm = h(
    'div',
    { class: 'confirm', hidden: true, role: 'group', 'aria-labelledby': 'reject-confirm-text' },
    confirmText,
    h('div', { class: 'button-group' }, confirmReject, cancelReject),
  );
  approve.addEventListener('click', () => act(approve, () => send('approve')));
  changes.addEventListener('click', () => act(changes, () => send('request-changes')));
  reject.addEventListener('click', () => {
    confirm.hidden = false;
    confirmText.focus();
  });
  cancelReject.addEventListener('click', () => {
    confirm.hidden = true;
    reject.focus();
  });
  confirmReject.addEventListener('click', () => act(confirmReject, () => send('reject')));
  form.append(h('div', { class: 'button-group' }, approve, changes, reject), confirm);
  form.addEventListener('submit', (event) => event.preventDefault());
  return section('action-title', 'Review', form);
};

const dbsForm = (view: StaffView): HTMLElement => {
  const summary = errorSummary();
  const number = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', class: 'width-20' });
  const issued = h('input', { type: 'date', max: londonToday(new Date()), class: 'width-10' });
  const level = selectOf(DBS_LEVEL_NAMES, 'Choose the level');
  const button = h('button', { type: 'submit', class: 'button' }, 'Record the new certificate');
  const form = h(
    'form',
    { id: 'dbs-form', novalidate: true },
    summary,
    field('certificateNumber', 'Certificate number', number, '12 digits.'),
    field('issueDate', 'Date of issue', issued),
    field('level', 'Level of check', level),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(button, async () => {
      const parsed = newDbsCertificateSchema.safeParse({
        certificateNumber: number.value.replace(/\s+/g, ''),
        issueDate: issued.value,
        level: (level.value || undefined) as DbsLevel | undefined,
      });
      if (!parsed.success) {
        showErrors(form, summary, issuesToErrors(parsed.error.issues));
        return;
      }
      clearErrors(form, summary);
      const done = await sendForm(form, summary, () =>
        staffApi<{ stage: Stage }>(path(view.applicationId, 'dbs'), { method: 'POST', body: parsed.data }),
      );
      if (done) {
        await afterAction(
          view.applicationId,
          `Certificate recorded: the application is now ${STAGE_NAMES[done.stage].toLowerCase()}.`,
        );
      }
    });
  });
  return section(
    'action-title',
    'Record the new DBS certificate',
    h('p', {}, 'When the new enhanced certificate arrives, record it here: the contract is then sent.'),
    form,
  );
};

const inductionForm = (view: StaffView): HTMLElement => {
  const summary = errorSummary();
  const today = londonToday(new Date());
  const attended = h('input', { type: 'date', max: today, value: today, class: 'width-10' });
  const button = h('button', { type: 'submit', class: 'button' }, 'Record the induction');
  const form = h(
    'form',
    { id: 'induction-form', novalidate: true },
    summary,
    field(
      'attendedOn',
      'Date the induction was attended',
      attended,
      'The applicant then has 14 days to start; they are asked for their availability now.',
    ),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(button, async () => {
      const parsed = inductionSchema.safeParse({ attendedOn: attended.value });
      if (!parsed.success) {
        showErrors(form, summary, issuesToErrors(parsed.error.issues));
        return;
      }
      clearErrors(form, summary);
      const done = await sendForm(form, summary, () =>
        staffApi<{ stage: Stage }>(path(view.applicationId, 'induction'), {
          method: 'POST',
          body: parsed.data,
        }),
      );
      if (done) {
        await afterAction(
          view.applicationId,
          `Induction recorded: the application is now ${STAGE_NAMES[done.stage].toLowerCase()}.`,
        );
      }
    });
  });
  return section('action-title', 'Record the induction', form);
};

/**
 * Extend the induction window (DESIGN §3): while the applicant is asked for availability, or after the sweep closed
 * the window. The new last day is from today to 14 days ahead, with a reason.
 */
const extensionForm = (view: StaffView): HTMLElement | undefined => {
  const induction = view.induction ?? view.expiredInduction;
  if (!induction) return undefined;
  const today = londonToday(new Date());
  const latest = addDaysIso(today, INDUCTION_EXTENSION_MAX_DAYS);
  const current = windowLastDay(induction);
  const summary = errorSummary();
  const lastDay = h('input', { type: 'date', min: today, max: latest, class: 'width-10' });
  const reason = h('textarea', { rows: '3' });
  const button = h('button', { type: 'submit', class: 'button button--secondary' }, 'Extend the window');
  const closed = view.stage === 'induction-invited';
  const form = h(
    'form',
    { id: 'extension-form', novalidate: true },
    summary,
    field(
      'lastStartDate',
      'New last start date',
      lastDay,
      `From ${formatLongDate(today)} to ${formatLongDate(latest)}, later than ${formatLongDate(current)}.`,
    ),
    field('reason', 'Reason', reason, 'Kept in the application record; the applicant is not shown it.'),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(button, async () => {
      const parsed = inductionExtensionSchema.safeParse({
        lastStartDate: lastDay.value,
        reason: reason.value,
      });
      if (!parsed.success) {
        showErrors(form, summary, issuesToErrors(parsed.error.issues));
        return;
      }
      clearErrors(form, summary);
      const done = await sendForm(form, summary, () =>
        staffApi<{ stage: Stage }>(path(view.applicationId, 'induction/extension'), {
          method: 'POST',
          body: parsed.data,
        }),
      );
      if (done) {
        await afterAction(
          view.applicationId,
          `Induction window extended to ${formatLongDate(parsed.data.lastStartDate)}: the application is ${STAGE_NAMES[done.stage].toLowerCase()} and the applicant has been emailed.`,
        );
      }
    });
  });
  return section(
    'extension-title',
    'Extend the induction window',
    h(
      'p',
      {},
      closed
        ? `The window of the induction on ${formatLongDate(induction.attendedOn)} closed on ${formatLongDate(current)} without availability. Extend it to let the applicant start without a new induction.`
        : `The applicant can start until ${formatLongDate(current)} (induction on ${formatLongDate(induction.attendedOn)}).`,
    ),
    form,
  );
};

const inductionActions = (view: StaffView): HTMLElement =>
  h('div', { class: 'actions' }, inductionForm(view), extensionForm(view));

const availabilityActions = (view: StaffView): HTMLElement =>
  extensionForm(view) ??
  h('p', { class: 'notice', id: 'no-action' }, 'There is nothing for the team to do in this stage.');

/** A text input's pounds as a number when it is one ("£1,500,000" too); anything else goes to the schema as typed. */
const poundsOf = (typed: string): number | string | undefined => {
  const compact = typed.replace(/[£,\s]/g, '');
  if (compact === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(compact) ? Number(compact) : typed;
};

const renewDbsForm = (view: StaffView): HTMLElement => {
  const summary = errorSummary();
  const number = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', class: 'width-20' });
  const issued = h('input', { type: 'date', max: londonToday(new Date()), class: 'width-10' });
  const level = selectOf(DBS_LEVEL_NAMES, 'Choose the level');
  const button = h('button', { type: 'submit', class: 'button' }, 'Record the renewed certificate');
  const form = h(
    'form',
    { id: 'renew-dbs-form', novalidate: true, 'aria-labelledby': 'renew-dbs-title' },
    summary,
    field('certificateNumber', 'Certificate number', number, '12 digits.'),
    field(
      'issueDate',
      'Date of issue',
      issued,
      'The new certificate must be current: issued in the last 12 months.',
    ),
    field('level', 'Level of check', level),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(button, async () => {
      const parsed = newDbsCertificateSchema.safeParse({
        certificateNumber: number.value.replace(/\s+/g, ''),
        issueDate: issued.value,
        level: (level.value || undefined) as DbsLevel | undefined,
      });
      if (!parsed.success) {
        showErrors(form, summary, issuesToErrors(parsed.error.issues));
        return;
      }
      clearErrors(form, summary);
      const done = await sendForm(form, summary, () =>
        staffApi<{ stage: Stage }>(path(view.applicationId, 'dbs'), { method: 'POST', body: parsed.data }),
      );
      if (done) await afterAction(view.applicationId, 'Renewed DBS certificate recorded.');
    });
  });
  return h(
    'div',
    { class: 'renewal' },
    h('h3', { id: 'renew-dbs-title' }, 'Record a renewed DBS certificate'),
    h('p', {}, 'This meets the DBS deadline and clears a DBS overdue flag.'),
    form,
  );
};

const INSURANCE_MISSING: Record<string, string> = {
  insurer: 'Enter the name of the insurer',
  policyNumber: 'Enter the policy number',
  coverAmountGbp: 'Enter the amount of cover in whole pounds',
  basis: 'Choose the basis of cover',
  startDate: 'Enter the date the policy starts',
  endDate: 'Enter the date the policy ends',
};

const renewInsuranceForm = (view: StaffView): HTMLElement => {
  const summary = errorSummary();
  const insurer = h('input', { type: 'text', autocomplete: 'off' });
  const policyNumber = h('input', {
    type: 'text',
    autocomplete: 'off',
    spellcheck: 'false',
    class: 'width-20',
  });
  const cover = h('input', { type: 'text', inputmode: 'numeric', spellcheck: 'false', class: 'width-10' });
  const basis = selectOf(INSURANCE_BASIS_NAMES, 'Choose the basis');
  const start = h('input', { type: 'date', class: 'width-10' });
  const end = h('input', { type: 'date', class: 'width-10' });
  const button = h('button', { type: 'submit', class: 'button' }, 'Record the renewed insurance');
  const form = h(
    'form',
    { id: 'renew-insurance-form', novalidate: true, 'aria-labelledby': 'renew-insurance-title' },
    summary,
    field('insurer', 'Insurer', insurer),
    field('policyNumber', 'Policy number', policyNumber),
    field('coverAmountGbp', 'Amount of cover', cover, 'In whole pounds: at least £1,000,000.'),
    field('basis', 'Basis of cover', basis),
    field('startDate', 'Policy start date', start),
    field('endDate', 'Policy end date', end, 'Today or later.'),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act(button, async () => {
      const body = {
        insurer: insurer.value.trim(),
        policyNumber: policyNumber.value.trim(),
        coverAmountGbp: poundsOf(cover.value),
        basis: basis.value || undefined,
        startDate: start.value,
        endDate: end.value,
      };
      const missing: FieldError[] = Object.entries(body)
        .filter(([, value]) => value === undefined || value === '')
        .map(([key]) => ({ path: key, message: INSURANCE_MISSING[key] ?? 'Enter this' }));
      const parsed = insuranceSchema.safeParse(body);
      if (!parsed.success) {
        const invalid = issuesToErrors(parsed.error.issues).filter(
          (error) => !missing.some((m) => m.path === error.path),
        );
        showErrors(form, summary, [...missing, ...invalid]);
        return;
      }
      clearErrors(form, summary);
      const done = await sendForm(form, summary, () =>
        staffApi<{ stage: Stage }>(path(view.applicationId, 'insurance'), {
          method: 'POST',
          body: parsed.data,
        }),
      );
      if (done) await afterAction(view.applicationId, 'Renewed insurance recorded.');
    });
  });
  return h(
    'div',
    { class: 'renewal' },
    h('h3', { id: 'renew-insurance-title' }, 'Record renewed insurance'),
    h('p', {}, 'The new policy is checked like the original one, and clears an insurance expired flag.'),
    form,
  );
};

/** An active therapist: the flags dbs-audit raised, the deadlines it chases, and the renewals that meet them. */
const complianceSection = (view: StaffView): HTMLElement => {
  const today = londonToday(new Date());
  const deadline = dbsDeadline({
    dbs: { issueDate: view.dbs.hasCertificate ? view.dbs.issueDate : undefined },
    ...(view.dbsRenewalDueBy ? { dbsRenewalDueBy: view.dbsRenewalDueBy } : {}),
    ...(view.dbsApplication?.appliedOn ? { dbsAppliedOn: view.dbsApplication.appliedOn } : {}),
    ...(view.dbsStatusCheck?.result === 'no-new-information'
      ? { dbsCleanCheckOn: view.dbsStatusCheck.checkedOn }
      : {}),
    insuranceEndDate: view.insurance.endDate,
  });
  const sent = view.compliance?.remindersSent ?? { therapist: 0, team: 0 };
  return h(
    'section',
    { class: 'staff-section compliance', id: 'compliance', 'aria-labelledby': 'action-title' },
    h('h2', { id: 'action-title' }, 'Compliance'),
    facts([
      ['Flags', h('span', { id: 'compliance-flags' }, flagBadges(view.compliance?.flags ?? []))],
      [
        'DBS deadline',
        deadline
          ? h(
              'span',
              { id: 'compliance-dbs', class: 'due' },
              h('span', {}, DBS_DEADLINE_NAMES[deadline.kind]),
              ...dueOn(deadline.dueDate, daysBetween(today, deadline.dueDate)),
            )
          : 'None: no certificate held',
      ],
      ['New DBS certificate due by', date(view.dbsRenewalDueBy)],
      [
        'Insurance ends',
        h(
          'span',
          { id: 'compliance-insurance', class: 'due' },
          ...dueOn(view.insurance.endDate, daysBetween(today, view.insurance.endDate)),
        ),
      ],
      [
        'Reminders sent',
        h(
          'span',
          { id: 'compliance-reminders' },
          `${sent.therapist} to the therapist, ${sent.team} to the team (before each deadline)`,
        ),
      ],
    ]),
    renewDbsForm(view),
    renewInsuranceForm(view),
  );
};

const ACTIONS: Partial<Record<Stage, (view: StaffView) => HTMLElement>> = {
  'in-review': reviewForm,
  'awaiting-dbs': dbsForm,
  'induction-invited': inductionActions,
  'awaiting-availability': availabilityActions,
  active: complianceSection,
};

const reviewSection = (view: StaffView): HTMLElement | undefined => {
  const review = view.review;
  if (!review) return undefined;
  return section(
    'review-title',
    'Last review',
    facts([
      ['Decision', DECISION_DONE[review.decision]],
      ['Decided', dateTime(review.decidedAt)],
      ['Original DBS certificate seen', yesNo(review.checks.dbsOriginalSeen)],
      [
        'DBS checked by',
        review.checks.dbsCheckMethod ? DBS_CHECK_METHOD_NAMES[review.checks.dbsCheckMethod] : undefined,
      ],
      ['Insurance verified', yesNo(review.checks.insuranceVerified)],
      ['Register checked', yesNo(review.checks.registerChecked)],
      ['Note', review.note || 'None'],
      ...(review.documents
        ? [
            [
              'Documents asked for again',
              review.documents.map((kind) => DOCUMENT_NAMES[kind]).join(', '),
            ] as Fact,
          ]
        : []),
    ]),
  );
};

const WORKFLOW_FAILURE_TEXT: Record<NonNullable<StaffView['workflowFailure']>['reason'], string> = {
  'execution-failed': 'its workflow execution failed',
  'execution-timed-out': 'its workflow execution timed out',
  'execution-aborted': 'its workflow execution was stopped',
  'task-gone': 'the workflow no longer waited on a step that was completed',
  'callback-undelivered': 'the workflow could not be told that a step was completed',
};

/** What the system could not do on its own: a workflow being restarted, emails it gave up sending. */
const attentionSection = (view: StaffView): HTMLElement | undefined => {
  const failure = view.workflowFailure;
  const undelivered = view.undeliveredEmails ?? [];
  if (!failure && undelivered.length === 0 && !view.workflowRestarts) return undefined;
  return section(
    'attention-title',
    'Needs attention',
    failure &&
      h(
        'p',
        { class: 'notice notice--blocking', id: 'workflow-failure' },
        `Since ${dateTime(failure.at)}: ${WORKFLOW_FAILURE_TEXT[failure.reason]}. It is restarted at this stage's step within minutes; nothing recorded here is lost.`,
      ),
    view.workflowRestarts
      ? h('p', { id: 'workflow-restarts' }, `Workflow restarted ${view.workflowRestarts} time(s).`)
      : undefined,
    undelivered.length > 0 &&
      h(
        'ul',
        { id: 'undelivered-emails' },
        ...undelivered.map((email) =>
          h(
            'li',
            {},
            `Not sent: "${email.subject}" to ${email.to} (${email.error}, ${email.attempts} attempt(s), ${dateTime(email.at)})`,
          ),
        ),
      ),
  );
};

const contractSection = (view: StaffView): HTMLElement | undefined => {
  const contract = view.contract;
  if (!contract) return undefined;
  const signature = contract.signature;
  return section(
    'contract-title',
    'Contract',
    facts([
      ['Version', contract.version],
      ['Generated', dateTime(contract.generatedAt)],
      ['SHA-256 as sent', h('code', { class: 'hash' }, contract.sha256)],
      ['Contract as sent', h('a', { href: contract.downloadUrl, target: '_blank', rel: 'noopener' }, 'PDF')],
    ]),
    signature
      ? h(
          'div',
          { class: 'evidence', 'data-signed': 'true' },
          h('h3', {}, 'Signature evidence'),
          facts([
            ['Name typed', signature.fullName],
            ['Signed', dateTime(signature.at)],
            ['IP address', signature.ip],
            ['Browser', signature.userAgent],
            ['SHA-256 the applicant was shown', h('code', { class: 'hash' }, signature.contractSha256)],
            ['SHA-256 of the signed copy', h('code', { class: 'hash' }, signature.signedSha256)],
            [
              'Signed copy',
              h(
                'a',
                { href: signature.downloadUrl, target: '_blank', rel: 'noopener' },
                'PDF with signature page',
              ),
            ],
          ]),
        )
      : h('p', {}, 'Not signed yet.'),
  );
};

const DAY_NAMES: Record<string, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

const onboardingSection = (view: StaffView): HTMLElement | undefined => {
  if (!view.induction && !view.availability) return undefined;
  const availability = view.availability;
  return section(
    'onboarding-title',
    'Induction and availability',
    facts([
      ['Induction attended', date(view.induction?.attendedOn)],
      ['Last start date', view.induction && date(windowLastDay(view.induction))],
      ...(view.induction?.extension
        ? [
            [
              'Window extended',
              `${view.induction.extension.reason} (on ${dateTime(view.induction.extension.recordedAt)})`,
            ] as Fact,
          ]
        : []),
      ['Patients a week', availability && String(availability.patientsPerWeek)],
      ['Starts', date(availability?.startDate)],
    ]),
    availability && slotList(availability.weeklySlots),
    // The therapist's own changes (issue 11 §2): each from its day; the latest on or before a day is in effect.
    ...(view.availabilityChanges ?? []).map((change) =>
      h(
        'div',
        { class: 'availability-change', 'data-effective-from': change.effectiveFrom },
        h(
          'h3',
          {},
          `From ${formatLongDate(change.effectiveFrom)}: ${change.patientsPerWeek} patients a week`,
        ),
        h('p', { class: 'hint' }, 'Changed by the therapist ', dateTime(change.givenAt)),
        slotList(change.weeklySlots),
      ),
    ),
    view.pauses &&
      h(
        'div',
        { id: 'pauses' },
        h('h3', {}, 'Pauses (no new patients)'),
        h(
          'ul',
          {},
          ...view.pauses.map((pause) =>
            h(
              'li',
              {},
              `${formatLongDate(pause.from)} to ${formatLongDate(pause.to)}`,
              pause.reason ? ` — ${pause.reason}` : '',
            ),
          ),
        ),
      ),
  );
};

const slotList = (slots: { day: string; start: string; end: string }[]): HTMLElement =>
  h(
    'ul',
    { class: 'slots' },
    ...slots.map((slot) => h('li', {}, `${DAY_NAMES[slot.day] ?? slot.day} ${slot.start} to ${slot.end}`)),
  );

const historyPart = (view: StaffView): HTMLElement =>
  section('history-title', 'History', historySection(view.events));

const render = async (id: string, message?: string): Promise<void> => {
  const view = await staffApi<StaffView>(path(id));
  const name = `${view.applicant.firstName} ${view.applicant.lastName}`;
  document.title = `${name} – ${STAGE_NAMES[view.stage]} – Affiliate team`;
  const action = ACTIONS[view.stage];
  root.replaceChildren(
    accountBar(),
    h('a', { class: 'back-link', href: `index.html#stage=${view.stage}` }, 'All applications'),
    h(
      'div',
      { id: 'application', 'data-stage': view.stage },
      h('span', { class: 'caption' }, `Application ${view.applicationId}`),
      h('h1', {}, name),
      h(
        'p',
        { class: 'stage-name' },
        'Stage: ',
        h('strong', { class: 'tag', id: 'stage' }, STAGE_NAMES[view.stage]),
        view.waitingOn && ` (waiting on ${WAIT_STEP_NAMES[view.waitingOn]})`,
      ),
      message &&
        h(
          'div',
          { class: 'notice notice--success', id: 'action-result', tabindex: '-1' },
          h('p', {}, message),
        ),
      view.emailUndeliverable &&
        h(
          'div',
          { class: 'notice', id: 'email-undeliverable', role: 'alert' },
          h(
            'p',
            {},
            view.emailUndeliverable.reason === 'bounce'
              ? `Emails to ${view.applicant.email} bounce (since ${dateTime(view.emailUndeliverable.at)}): `
              : `${view.applicant.email} marked our email as spam (${dateTime(view.emailUndeliverable.at)}): `,
            'reminders and links no longer reach the applicant. Contact them by phone.',
          ),
        ),
      summarySection(view),
      attentionSection(view),
      documentsSection(view),
      renewalsSection(view),
      dbsSection(view),
      dbsApplicationSection(view, {
        act,
        done: (message) => afterAction(view.applicationId, message),
      }),
      insuranceSection(view),
      action
        ? action(view)
        : h('p', { class: 'notice', id: 'no-action' }, 'There is nothing for the team to do in this stage.'),
      reviewSection(view),
      contractSection(view),
      therapyAccountSection(view, { act, done: (message) => afterAction(view.applicationId, message) }),
      onboardingSection(view),
      historyPart(view),
    ),
  );
  root.removeAttribute('aria-busy');
};

const load = staffPage(root, async () => {
  const id = applicationId();
  if (!id) {
    document.title = 'No application chosen – Affiliate team';
    root.replaceChildren(
      h('h1', {}, 'No application chosen'),
      h('p', {}, 'The link has no application id. Choose an application from the queue.'),
      h('a', { href: 'index.html' }, 'Go to the queue'),
    );
    root.removeAttribute('aria-busy');
    return;
  }
  await render(id);
});

window.addEventListener('hashchange', () => void load());
void load();
