/**
 * An active therapist keeps their own details current (issue 11 §2): change their weekly availability from a date
 * they choose, pause for a holiday, and upload a renewed insurance schedule or a new DBS certificate for the
 * affiliate team to verify. Each part opens on demand (a native disclosure, so keyboard and screen readers work as
 * everywhere), checks what it can with the API's own schemas and domain rules, then shows the API's verdict next to
 * the fields it names.
 */
import {
  checkAvailabilityChange,
  HOURS_PER_PATIENT,
  MAX_PATIENTS_PER_WEEK,
  MIN_PATIENTS_PER_WEEK,
  WEEK_DAYS,
  type WeekDay,
} from '../../../lambdas/domain/availability.ts';
import { formatLongDate, formatLongDateTime, londonToday } from '../../../lambdas/domain/dates.ts';
import { checkPause, PAUSE_POLICY } from '../../../lambdas/domain/pauses.ts';
import { DOCUMENT_KINDS, type DocumentKind } from '../../../lambdas/domain/stages.ts';
import {
  type ApplicationView,
  availabilityChangeSchema,
  type CreateUploadInput,
  pauseSchema,
} from '../../../lambdas/shared/schemas.ts';
import { callApi } from './api.ts';
import type { Credentials, OnView } from './applicant-actions.ts';
import { h } from './dom.ts';
import { clearErrors, clearFieldError, type FieldError, showErrors, showFieldError } from './field-errors.ts';
import { errorSummary, field, issuesToErrors, sendForm, whileBusy } from './forms.ts';
import { checkFile, DOCUMENT_NAMES, type UploadContentType, UploadRow, type UploadTarget } from './upload.ts';
import { DAY_NAMES, quickRange, WeekGrid } from './week-grid.ts';

const RECEIPT_POLL_MS = 1_500;
const RECEIPT_WAIT_MS = 60_000;

const applicationPath = (creds: Credentials, action: string): string =>
  `/applications/${encodeURIComponent(creds.id)}/${action}`;

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** "Monday 09:00 to 11:00; Saturday 22:00 to 24:00". */
const slotsText = (slots: { day: string; start: string; end: string }[]): string =>
  slots
    .map((slot) => `${DAY_NAMES[slot.day as WeekDay] ?? slot.day} ${slot.start} to ${slot.end}`)
    .join('; ');

const disclosure = (
  id: string,
  title: string,
  ...content: (Node | false | undefined)[]
): HTMLDetailsElement =>
  h(
    'details',
    { class: 'self-service__part', id },
    h('summary', { class: 'self-service__summary' }, title),
    h('div', { class: 'self-service__body' }, ...content),
  );

/** The week grid starts from the current availability (whole hours: the grid's step). */
const gridFrom = (grid: WeekGrid, slots: { day: string; start: string; end: string }[]): void => {
  for (const slot of slots) {
    const day = WEEK_DAYS.indexOf(slot.day as WeekDay);
    const from = Math.ceil(Number(slot.start.slice(0, 2)) + Number(slot.start.slice(3)) / 60);
    const to = Math.floor(Number(slot.end.slice(0, 2)) + Number(slot.end.slice(3)) / 60);
    if (day >= 0 && to > from) grid.choose([day], from, to);
  }
};

const availabilityPart = (creds: Credentials, view: ApplicationView, onView: OnView): HTMLElement => {
  const today = londonToday(new Date());
  const current = view.availability;
  const summary = errorSummary();
  const patients = h('input', {
    type: 'number',
    inputmode: 'numeric',
    min: String(MIN_PATIENTS_PER_WEEK),
    max: String(MAX_PATIENTS_PER_WEEK),
    step: '1',
    class: 'width-10',
    value: current ? String(current.patientsPerWeek) : '',
  });
  const effectiveFrom = h('input', { type: 'date', min: today, value: today });
  const live = h('p', { class: 'week-summary', id: 'change-hours-summary', 'aria-live': 'polite' });
  const grid = new WeekGrid({
    labelledBy: 'change-week-title',
    describedBy: 'change-week-hint',
    onChange: () => update(),
  });
  const update = (): void => {
    const hours = grid.hours();
    const wanted = Number(patients.value);
    const short =
      Number.isInteger(wanted) && wanted >= MIN_PATIENTS_PER_WEEK && hours < wanted * HOURS_PER_PATIENT
        ? ` For ${plural(wanted, 'patient', 'patients')}, choose ${plural(wanted * HOURS_PER_PATIENT - hours, 'more hour', 'more hours')}.`
        : '';
    live.textContent =
      hours === 0
        ? 'No hours chosen yet.'
        : `${plural(hours, 'hour', 'hours')} a week — enough for ${plural(Math.floor(hours / HOURS_PER_PATIENT), 'patient', 'patients')}.${short}`;
  };
  if (current) gridFrom(grid, current.weeklySlots);
  patients.addEventListener('input', update);
  const clear = h('button', { type: 'button', class: 'button button--secondary' }, 'Clear all');
  clear.addEventListener('click', () => grid.clear());
  const button = h('button', { type: 'submit', class: 'button' }, 'Save my new availability');
  const form = h(
    'form',
    { id: 'change-availability-form', novalidate: true },
    summary,
    field(
      'patientsPerWeek',
      'How many patients can you see each week?',
      patients,
      `From ${MIN_PATIENTS_PER_WEEK} to ${MAX_PATIENTS_PER_WEEK}. Your current patients keep you as their therapist.`,
    ),
    field(
      'effectiveFrom',
      'From which day?',
      effectiveFrom,
      `Today (${formatLongDate(today)}) or later. Until then your current availability stands.`,
    ),
    h(
      'fieldset',
      { class: 'field', 'data-field': 'weeklySlots', 'aria-describedby': 'change-hours-summary' },
      h('legend', { id: 'change-week-title' }, 'Your weekly hours from that day (UK time)'),
      h(
        'p',
        { class: 'hint', id: 'change-week-hint' },
        'Your current hours are chosen. Tap or click an hour to choose or unchoose it; with a keyboard, move with the arrow keys and press Space.',
      ),
      quickRange(grid),
      h('div', { class: 'button-group' }, clear),
      h('div', { class: 'control' }, grid.element),
      live,
    ),
    button,
  );
  update();

  const toField = (path: string): string => (path.startsWith('weeklySlots') ? 'weeklySlots' : path);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void whileBusy(button, async () => {
      const input = {
        patientsPerWeek: patients.value.trim() === '' ? undefined : Number(patients.value),
        effectiveFrom: effectiveFrom.value,
        weeklySlots: grid.slots(),
      };
      const parsed = availabilityChangeSchema.safeParse(input);
      const errors: FieldError[] = parsed.success
        ? checkAvailabilityChange(parsed.data, { today })
        : issuesToErrors(parsed.error.issues);
      if (input.patientsPerWeek === undefined) {
        errors.unshift({ path: 'patientsPerWeek', message: 'Enter how many patients you can see each week' });
      }
      if (input.effectiveFrom === '') {
        errors.unshift({ path: 'effectiveFrom', message: 'Enter the day the change starts' });
      }
      if (errors.length > 0 || !parsed.success) {
        showErrors(
          form,
          summary,
          errors.map((e) => ({ ...e, path: toField(e.path) })),
        );
        return;
      }
      clearErrors(form, summary);
      const next = await sendForm(
        form,
        summary,
        () =>
          callApi<ApplicationView>(applicationPath(creds, 'availability'), {
            method: 'PUT',
            body: parsed.data,
            token: creds.token,
          }),
        toField,
      );
      if (next) {
        onView(next, {
          message: `Your new availability is saved, from ${formatLongDate(parsed.data.effectiveFrom)}. We have emailed you a receipt.`,
        });
      }
    });
  });

  const pending = view.pendingAvailability;
  return disclosure(
    'change-availability',
    'Change my availability',
    pending &&
      h(
        'div',
        { class: 'notice', id: 'pending-availability' },
        h(
          'p',
          {},
          'From ',
          h('strong', {}, formatLongDate(pending.effectiveFrom)),
          `: ${plural(pending.patientsPerWeek, 'patient', 'patients')} a week, ${slotsText(pending.weeklySlots)}. A new change replaces this one.`,
        ),
      ),
    form,
  );
};

const pausePart = (creds: Credentials, view: ApplicationView, onView: OnView): HTMLElement => {
  const today = londonToday(new Date());
  const summary = errorSummary();
  const from = h('input', { type: 'date', min: today });
  const to = h('input', { type: 'date', min: today });
  const reason = h('textarea', { rows: '2' });
  const button = h('button', { type: 'submit', class: 'button' }, 'Book my pause');
  const form = h(
    'form',
    { id: 'pause-form', novalidate: true },
    summary,
    field('from', 'First day of the pause', from, `Today (${formatLongDate(today)}) or later.`),
    field(
      'to',
      'Last day of the pause',
      to,
      `At most ${PAUSE_POLICY.maxDays} days from the first day, both days included.`,
    ),
    field('reason', 'Reason (optional)', reason, 'For example, a holiday. Only the affiliate team sees it.'),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void whileBusy(button, async () => {
      const errors: FieldError[] = [];
      if (from.value === '') errors.push({ path: 'from', message: 'Enter the first day of the pause' });
      if (to.value === '') errors.push({ path: 'to', message: 'Enter the last day of the pause' });
      const parsed = pauseSchema.safeParse({
        from: from.value,
        to: to.value,
        ...(reason.value.trim() ? { reason: reason.value } : {}),
      });
      if (errors.length === 0) {
        errors.push(
          ...(parsed.success ? checkPause(parsed.data, { today }) : issuesToErrors(parsed.error.issues)),
        );
      }
      if (errors.length > 0 || !parsed.success) {
        showErrors(form, summary, errors);
        return;
      }
      clearErrors(form, summary);
      const next = await sendForm(form, summary, () =>
        callApi<ApplicationView>(applicationPath(creds, 'pauses'), {
          method: 'POST',
          body: parsed.data,
          token: creds.token,
        }),
      );
      if (next) {
        onView(next, {
          message: `Your pause from ${formatLongDate(parsed.data.from)} to ${formatLongDate(parsed.data.to)} is booked. We have emailed you a receipt.`,
        });
      }
    });
  });
  const pauses = view.pauses ?? [];
  return disclosure(
    'pause',
    'Pause for a holiday',
    h(
      'p',
      {},
      'While you are paused we give you no new patients. Your current patients keep you as their therapist.',
    ),
    pauses.length > 0 &&
      h(
        'div',
        { id: 'pauses' },
        h('h3', {}, 'Your pauses'),
        h(
          'ul',
          {},
          ...pauses.map((pause) =>
            h('li', {}, `${formatLongDate(pause.from)} to ${formatLongDate(pause.to)}`),
          ),
        ),
      ),
    form,
  );
};

/** One renewal's file control: upload, then wait until the view lists it as received (or give up politely). */
const renewalControl = (creds: Credentials, document: DocumentKind, onView: OnView): HTMLElement => {
  const id = `renewal-${document}`;
  const name = DOCUMENT_NAMES[document].toLowerCase();
  const input = h('input', {
    type: 'file',
    accept: '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png',
  });
  const button = h('button', { type: 'button', class: 'button button--secondary' }, `Upload ${name}`);
  const list = h('ul', { class: 'upload-list' });
  const wrapper = field(
    `renewal.${document}`,
    document === 'dbs-certificate' ? 'Your new DBS certificate' : 'Your renewed insurance schedule',
    input,
    'A PDF, JPEG or PNG of up to 10 MB.',
  );
  input.id = id;
  wrapper.querySelector('label')?.setAttribute('for', id);
  wrapper.append(h('div', { class: 'field__actions' }, button), list);

  const getTarget = (contentType: UploadContentType): Promise<UploadTarget> => {
    const body: CreateUploadInput = { document, contentType };
    return callApi<UploadTarget>(applicationPath(creds, 'uploads'), {
      method: 'POST',
      body,
      token: creds.token,
    });
  };
  const waitForReceipt = async (row: UploadRow): Promise<void> => {
    row.element.dataset.awaitingReceipt = 'true';
    const deadline = Date.now() + RECEIPT_WAIT_MS;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, RECEIPT_POLL_MS));
      const view = await callApi<ApplicationView>(`/applications/${encodeURIComponent(creds.id)}`, {
        token: creds.token,
      }).catch(() => undefined);
      if (view?.renewals?.some((renewal) => renewal.document === document)) {
        delete row.element.dataset.awaitingReceipt;
        onView(view, {
          message: `We have your ${name}: the affiliate team will verify it. We have emailed you a receipt.`,
        });
        return;
      }
      const refused = view?.documents.find((entry) => entry.document === document)?.rejectedReason;
      if (refused) {
        delete row.element.dataset.awaitingReceipt;
        showFieldError(wrapper, `We could not accept the file: ${refused}`);
        return;
      }
    }
    delete row.element.dataset.awaitingReceipt;
    row.element.append(
      h('p', { class: 'hint' }, 'We are checking the file. It can take a minute to show here.'),
    );
  };
  button.addEventListener('click', () => {
    const file = input.files?.[0];
    const problem = file ? checkFile(file, Number.POSITIVE_INFINITY) : `Choose your ${name} to upload`;
    if (!file || problem) {
      showFieldError(wrapper, problem ?? '');
      input.focus();
      return;
    }
    clearFieldError(wrapper);
    if (list.querySelector('.upload[data-state="uploading"]')) return;
    const row: UploadRow = new UploadRow({
      document,
      file,
      getTarget,
      onUploaded: () => void waitForReceipt(row),
    });
    list.replaceChildren(row.element);
    void row.start(true);
  });
  return wrapper;
};

const renewalsPart = (creds: Credentials, view: ApplicationView, onView: OnView): HTMLElement => {
  const waiting = view.renewals ?? [];
  return disclosure(
    'renewals',
    'Send a renewed insurance schedule or a new DBS certificate',
    h(
      'p',
      {},
      'When your insurance is renewed or you get a new DBS certificate, upload it here. The affiliate team verifies it and updates your record and your dates.',
    ),
    waiting.length > 0 &&
      h(
        'div',
        { id: 'renewals-waiting' },
        h('h3', {}, 'Waiting to be verified'),
        h(
          'ul',
          {},
          ...waiting.map((renewal) =>
            h(
              'li',
              {},
              `${DOCUMENT_NAMES[renewal.document]}, received ${formatLongDateTime(renewal.receivedAt)}`,
            ),
          ),
        ),
      ),
    ...DOCUMENT_KINDS.map((document) => renewalControl(creds, document, onView)),
  );
};

/** active: what the therapist can change themselves. */
export const selfServicePanel = (creds: Credentials, view: ApplicationView, onView: OnView): HTMLElement =>
  h(
    'section',
    { class: 'action-panel self-service', id: 'self-service', 'aria-labelledby': 'self-service-title' },
    h('h2', { id: 'self-service-title' }, 'Keep your details up to date'),
    h('p', {}, 'Every change is added to your history below and we email you a receipt.'),
    availabilityPart(creds, view, onView),
    pausePart(creds, view, onView),
    renewalsPart(creds, view, onView),
  );
