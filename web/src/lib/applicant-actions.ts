/**
 * What the applicant does on the status page after the review: sign the contract (contract-sent), give
 * availability (awaiting-availability), read the welcome (active), withdraw (any open stage). Each panel checks
 * what it can in the browser with the API's own schemas and domain rules, then shows the API's verdict next to the
 * fields it names.
 */
import * as z from 'zod/mini';
import {
  checkAvailability,
  HOURS_PER_PATIENT,
  MAX_PATIENTS_PER_WEEK,
  MIN_PATIENTS_PER_WEEK,
} from '../../../lambdas/domain/availability.ts';
import { compareIso, formatLongDate, londonToday } from '../../../lambdas/domain/dates.ts';
import { INDUCTION_WINDOW_DAYS } from '../../../lambdas/domain/induction.ts';
import {
  type ApplicationView,
  availabilitySchema,
  signatureSchema,
  withdrawalSchema,
} from '../../../lambdas/shared/schemas.ts';
import { ApiError, callApi } from './api.ts';
import { h } from './dom.ts';
import { clearErrors, type FieldError, showErrors } from './field-errors.ts';
import { checkboxField, errorSummary, field, issuesToErrors, sendForm, whileBusy } from './forms.ts';
import { quickRange, WeekGrid } from './week-grid.ts';

export interface Credentials {
  id: string;
  token: string;
}

/** What a panel hands back after an action: the new view, and what the applicant just told us. */
export type OnView = (view: ApplicationView, notes: { message: string; startDate?: string }) => void;

interface Contract {
  version: string;
  sha256: string;
  downloadUrl: string;
  expiresAt: string;
  signed: boolean;
  signedAt?: string;
}

/** How often to ask again while the contract is being generated, and for how long. */
const CONTRACT_POLL_MS = 3_000;
const CONTRACT_POLL_LIMIT_MS = 5 * 60_000;

const applicationPath = (creds: Credentials, action: string): string =>
  `/applications/${encodeURIComponent(creds.id)}/${action}`;

const fetchContract = (creds: Credentials): Promise<Contract> =>
  callApi<Contract>(applicationPath(creds, 'contract'), { token: creds.token });

const hex = (buffer: ArrayBuffer): string =>
  [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, '0')).join('');

/**
 * The SHA-256 of the contract as this browser received it: what the applicant is agreeing to is the file they
 * could read, so the hash comes from those bytes, not from what the API says the hash is.
 */
const hashOfContract = async (downloadUrl: string): Promise<string> => {
  const response = await fetch(downloadUrl, { cache: 'no-store' });
  if (!response.ok) throw new Error(`The contract download answered ${response.status}`);
  return hex(await crypto.subtle.digest('SHA-256', await response.arrayBuffer()));
};

const signatureForm = (creds: Credentials, contract: Contract, onView: OnView): HTMLFormElement => {
  const summary = errorSummary();
  const fullName = h('input', { type: 'text', autocomplete: 'name', spellcheck: 'false', class: 'width-30' });
  const button = h('button', { type: 'submit', class: 'button' }, 'Sign the contract');
  const form = h(
    'form',
    { id: 'signature-form', novalidate: true },
    summary,
    field(
      'fullName',
      'Your full name',
      fullName,
      'As on your application: your first name, then your last name.',
    ),
    checkboxField('agree', 'I have read and agree to the freelance affiliate agreement'),
    button,
  );
  const agree = form.querySelector<HTMLInputElement>('#agree') as HTMLInputElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void whileBusy(button, async () => {
      const parsed = z
        .omit(signatureSchema, { contractSha256: true })
        .safeParse({ fullName: fullName.value, agree: agree.checked });
      const blank = fullName.value.trim() === '';
      const errors = parsed.success
        ? []
        : issuesToErrors(parsed.error.issues).map((e) =>
            e.path === 'fullName' && blank ? { ...e, message: 'Type your full name to sign' } : e,
          );
      if (!parsed.success) {
        showErrors(form, summary, errors);
        return;
      }
      clearErrors(form, summary);
      button.textContent = 'Signing…';
      let contractSha256: string;
      try {
        // A fresh link: the one the page was given may have expired while the contract was read.
        contractSha256 = await hashOfContract((await fetchContract(creds)).downloadUrl);
      } catch {
        showErrors(
          form,
          summary,
          [],
          'We could not download the contract to sign it. Check your connection and try again.',
        );
        return;
      } finally {
        button.textContent = 'Sign the contract';
      }
      const body = signatureSchema.parse({ ...parsed.data, contractSha256 });
      const view = await sendForm(form, summary, () =>
        callApi<ApplicationView>(applicationPath(creds, 'contract/signature'), {
          method: 'POST',
          body,
          token: creds.token,
        }),
      );
      if (view) onView(view, { message: `You signed version ${contract.version} of the contract.` });
    });
  });
  return form;
};

/** The short reference people read and compare: the fingerprint's first 8 characters, in two groups. */
export const contractReference = (sha256: string): string =>
  `${sha256.slice(0, 4)} ${sha256.slice(4, 8)}`.toUpperCase();

const contractDetails = (creds: Credentials, contract: Contract, onView: OnView): Node[] => {
  const link = h(
    'a',
    { href: contract.downloadUrl, target: '_blank', rel: 'noopener', id: 'contract-link' },
    'Read your contract (PDF, opens in a new tab)',
  );
  // The link's address works for 5 minutes: swap in a fresh one shortly before it stops working.
  const refresh = (): void => {
    const wait = Math.max(10_000, Date.parse(contract.expiresAt) - Date.now() - 30_000);
    setTimeout(() => {
      if (!link.isConnected) return;
      fetchContract(creds)
        .then((fresh) => {
          link.href = fresh.downloadUrl;
          contract.expiresAt = fresh.expiresAt;
        })
        .catch(() => undefined)
        .finally(refresh);
    }, wait);
  };
  refresh();
  return [
    h('p', {}, link),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Version'),
      h('dd', { id: 'contract-version' }, contract.version),
      h('dt', {}, 'Contract reference'),
      h('dd', { id: 'contract-reference' }, contractReference(contract.sha256)),
    ),
    h(
      'details',
      { class: 'contract__fingerprint' },
      h('summary', {}, 'The full fingerprint of your contract'),
      h(
        'p',
        {},
        'When you sign, this page downloads the contract again and sends its fingerprint (SHA-256) with your signature, so the contract you signed is on record exactly as you saw it. The reference above is its first 8 characters.',
      ),
      h('p', {}, h('code', { class: 'hash', id: 'contract-hash' }, contract.sha256)),
    ),
    signatureForm(creds, contract, onView),
  ];
};

/** contract-sent: read the contract, then sign it. Polls while the contract is still being generated. */
export const contractPanel = (creds: Credentials, onView: OnView): HTMLElement => {
  const body = h('div', { class: 'contract__body' }, h('p', {}, 'Loading your contract…'));
  const panel = h(
    'section',
    { class: 'action-panel', id: 'contract', 'aria-labelledby': 'contract-title' },
    h('h2', { id: 'contract-title' }, 'Your freelance affiliate agreement'),
    body,
  );
  const started = Date.now();
  // Later attempts only while the panel is still on the page: a re-rendering replaces it with its own.
  const poll = (): void => {
    if (panel.isConnected) void load();
  };
  const load = async (): Promise<void> => {
    try {
      const contract = await fetchContract(creds);
      body.replaceChildren(...contractDetails(creds, contract, onView));
    } catch (error) {
      if (
        error instanceof ApiError &&
        error.status === 409 &&
        Date.now() - started < CONTRACT_POLL_LIMIT_MS
      ) {
        if (!body.querySelector('#contract-preparing')) {
          body.replaceChildren(
            h(
              'p',
              { id: 'contract-preparing', role: 'status' },
              'Your contract is being prepared. It will appear here in a moment; you do not need to reload the page.',
            ),
          );
        }
        setTimeout(poll, CONTRACT_POLL_MS);
        return;
      }
      body.replaceChildren(
        h(
          'p',
          { class: 'error-text' },
          'We could not load your contract. Press "Check for updates" below to try again.',
        ),
      );
    }
  };
  void load();
  return panel;
};

/** The last start date: the induction window's end, which the view gives as the `start` deadline. */
const lastStartFrom = (view: ApplicationView): string | undefined =>
  view.deadlines.find((deadline) => deadline.id === 'start')?.date;

const hoursText = (hours: number): string => `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
const patientsText = (n: number): string => `${n} ${n === 1 ? 'patient' : 'patients'}`;

/** awaiting-availability: patients a week, start date and the week grid, checked as they are filled. */
export const availabilityPanel = (creds: Credentials, view: ApplicationView, onView: OnView): HTMLElement => {
  const today = londonToday(new Date());
  const lastStart = lastStartFrom(view);
  const summary = errorSummary();
  const patients = h('input', {
    type: 'number',
    inputmode: 'numeric',
    min: String(MIN_PATIENTS_PER_WEEK),
    max: String(MAX_PATIENTS_PER_WEEK),
    step: '1',
    class: 'width-10',
  });
  const startDate = h('input', { type: 'date', min: today, max: lastStart });
  const live = h('p', { class: 'week-summary', id: 'hours-summary', 'aria-live': 'polite' });
  const grid = new WeekGrid({
    labelledBy: 'week-title',
    describedBy: 'week-hint',
    onChange: () => update(),
  });
  const clear = h('button', { type: 'button', class: 'button button--secondary' }, 'Clear all');
  const copy = h(
    'button',
    { type: 'button', class: 'button button--secondary' },
    'Copy Monday to Tuesday–Friday',
  );
  clear.addEventListener('click', () => grid.clear());
  copy.addEventListener('click', () => grid.copyMondayToWeekdays());
  const update = (): void => {
    const hours = grid.hours();
    const wanted = Number(patients.value);
    const short =
      Number.isInteger(wanted) && wanted >= MIN_PATIENTS_PER_WEEK && hours < wanted * HOURS_PER_PATIENT
        ? ` You said ${patientsText(wanted)}: choose ${hoursText(wanted * HOURS_PER_PATIENT - hours)} more.`
        : '';
    live.textContent =
      hours === 0
        ? 'No hours chosen yet.'
        : `${hoursText(hours)} a week — enough for ${patientsText(Math.floor(hours / HOURS_PER_PATIENT))}.${short}`;
  };
  patients.addEventListener('input', update);
  const button = h('button', { type: 'submit', class: 'button' }, 'Send my availability');
  const form = h(
    'form',
    { id: 'availability-form', novalidate: true },
    summary,
    field(
      'patientsPerWeek',
      'How many patients can you see each week?',
      patients,
      `From ${MIN_PATIENTS_PER_WEEK} to ${MAX_PATIENTS_PER_WEEK}. Each patient keeps you as their therapist and has one session a week.`,
    ),
    field(
      'startDate',
      'When can you start?',
      startDate,
      lastStart
        ? `Today or later, and no later than ${formatLongDate(lastStart)}, the last day of your induction window.`
        : `Today or later, and within ${INDUCTION_WINDOW_DAYS} days of your induction.`,
    ),
    h(
      'fieldset',
      { class: 'field', 'data-field': 'weeklySlots', 'aria-describedby': 'hours-summary' },
      h('legend', { id: 'week-title' }, 'Your weekly hours (UK time)'),
      h(
        'p',
        { class: 'hint', id: 'week-hint' },
        'Choose every hour of the week you can see patients: tap or click an hour, or drag across several with a mouse. On a small screen, swipe the week sideways to reach every day. With a keyboard, move with the arrow keys and press Space to choose or unchoose an hour.',
      ),
      quickRange(grid),
      h('div', { class: 'button-group' }, copy, clear),
      h('div', { class: 'control' }, grid.element),
      live,
    ),
    button,
  );
  update();

  const read = () => ({
    patientsPerWeek: patients.value.trim() === '' ? undefined : Number(patients.value),
    startDate: startDate.value,
    weeklySlots: grid.slots(),
  });
  const check = (input: ReturnType<typeof read>): FieldError[] => {
    const parsed = availabilitySchema.safeParse(input);
    const errors = parsed.success ? [] : issuesToErrors(parsed.error.issues);
    if (input.patientsPerWeek === undefined) {
      errors.unshift({ path: 'patientsPerWeek', message: 'Enter how many patients you can see each week' });
    }
    if (input.startDate === '')
      errors.unshift({ path: 'startDate', message: 'Enter the date you can start' });
    if (!parsed.success) return errors;
    // Without the window's end from the API, leave the start date to the API.
    return checkAvailability(parsed.data, { today, lastStartDate: lastStart ?? today })
      .filter((violation) => lastStart || violation.path !== 'startDate')
      .concat(
        !lastStart && compareIso(parsed.data.startDate, today) < 0
          ? [{ path: 'startDate', message: `Start today (${formatLongDate(today)}) or later` }]
          : [],
      );
  };
  // Slot errors name one slot (`weeklySlots.2`); the grid is the one field they can point at.
  const toField = (path: string): string => (path.startsWith('weeklySlots') ? 'weeklySlots' : path);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void whileBusy(button, async () => {
      const input = read();
      const errors = check(input).map((e) => ({ ...e, path: toField(e.path) }));
      if (errors.length > 0) {
        showErrors(form, summary, errors);
        return;
      }
      clearErrors(form, summary);
      const body = availabilitySchema.parse(input);
      const next = await sendForm(
        form,
        summary,
        () =>
          callApi<ApplicationView>(applicationPath(creds, 'availability'), {
            method: 'PUT',
            body,
            token: creds.token,
          }),
        toField,
      );
      if (next) {
        onView(next, { message: 'Thank you: your availability is saved.', startDate: body.startDate });
      }
    });
  });

  return h(
    'section',
    { class: 'action-panel', id: 'availability', 'aria-labelledby': 'availability-title' },
    h('h2', { id: 'availability-title' }, 'Your availability'),
    h(
      'p',
      {},
      'Therapy runs around the clock, so any hour of the week can suit. Choose at least one hour for each patient you want to see each week.',
    ),
    form,
  );
};

/** active: the welcome, with the dates that matter now. */
/** Any open stage: withdraw, after saying so twice. */
export const withdrawSection = (creds: Credentials, onView: OnView): HTMLElement => {
  const summary = errorSummary();
  const reason = h('textarea', { rows: '3' });
  const open = h('button', { type: 'button', class: 'button button--warning' }, 'Withdraw my application');
  const confirmButton = h('button', { type: 'submit', class: 'button button--warning' }, 'Yes, withdraw');
  const cancel = h('button', { type: 'button', class: 'button button--secondary' }, 'Cancel');
  const question = h(
    'p',
    { tabindex: '-1', id: 'withdraw-question' },
    'Are you sure? We will stop processing your application. You can apply again later.',
  );
  const form = h(
    'form',
    { id: 'withdraw-form', novalidate: true, hidden: true },
    summary,
    question,
    field('reason', 'Why are you withdrawing? (optional)', reason),
    h('div', { class: 'button-group' }, confirmButton, cancel),
  );
  open.addEventListener('click', () => {
    form.hidden = false;
    open.hidden = true;
    question.focus();
  });
  cancel.addEventListener('click', () => {
    form.hidden = true;
    open.hidden = false;
    open.focus();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void whileBusy(confirmButton, async () => {
      const parsed = withdrawalSchema.safeParse(reason.value.trim() ? { reason: reason.value } : {});
      if (!parsed.success) {
        showErrors(form, summary, issuesToErrors(parsed.error.issues));
        return;
      }
      const view = await sendForm(form, summary, () =>
        callApi<ApplicationView>(applicationPath(creds, 'withdrawal'), {
          method: 'POST',
          body: parsed.data,
          token: creds.token,
        }),
      );
      if (view) onView(view, { message: 'You withdrew your application.' });
    });
  });
  return h(
    'section',
    { id: 'withdraw', 'aria-labelledby': 'withdraw-title' },
    h('h2', { id: 'withdraw-title' }, 'Changed your mind?'),
    open,
    form,
  );
};
