/**
 * The provider's DBS application on the staff application page (DESIGN §3): the record (fee, status, applied on,
 * reference, deadline), the form to record that we applied, and the Update Service status check.
 */
import { formatLongDate, londonToday } from '../../../lambdas/domain/dates.ts';
import { DBS_POLICY } from '../../../lambdas/domain/policy.ts';
import { dbsApplicationMadeSchema, dbsStatusCheckSchema } from '../../../lambdas/shared/schemas.ts';
import type { staffView } from '../../../lambdas/use-cases/staff-queries.ts';
import { h } from '../lib/dom.ts';
import { clearErrors, showErrors } from '../lib/field-errors.ts';
import { errorSummary, field, issuesToErrors, selectOf, sendForm } from '../lib/forms.ts';
import { staffApi } from '../lib/staff-auth.ts';

type StaffView = Awaited<ReturnType<typeof staffView>>;

export interface ActionHooks {
  /** Runs the work with the button busy; reloads the page on an unexpected error. */
  act: (button: HTMLButtonElement, work: () => Promise<void>) => void;
  /** After a recorded action: re-render with the message. */
  done: (message: string) => Promise<void>;
}

const STATUS_NAMES = {
  requested: 'Requested: fee accepted, not applied yet',
  applied: 'Applied: waiting for the certificate',
  'certificate-recorded': 'New certificate recorded',
} as const;

const RESULT_NAMES = {
  'no-new-information': 'No new information (clean)',
  'new-information': 'New information',
} as const;

const actionPath = (id: string, action: string) => `/staff/applications/${encodeURIComponent(id)}/${action}`;

const appliedForm = (view: StaffView, hooks: ActionHooks): HTMLElement => {
  const summary = errorSummary();
  const appliedOn = h('input', { type: 'date', max: londonToday(new Date()), class: 'width-10' });
  const reference = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', class: 'width-20' });
  const button = h('button', { type: 'submit', class: 'button' }, 'Record our DBS application');
  const form = h(
    'form',
    { id: 'dbs-applied-form', novalidate: true, 'aria-labelledby': 'dbs-applied-title' },
    summary,
    field('appliedOn', 'Date we applied', appliedOn, 'Today or earlier.'),
    field('reference', 'DBS application reference', reference),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    hooks.act(button, async () => {
      const parsed = dbsApplicationMadeSchema.safeParse({
        appliedOn: appliedOn.value,
        reference: reference.value,
      });
      if (!parsed.success) {
        showErrors(form, summary, issuesToErrors(parsed.error.issues));
        return;
      }
      clearErrors(form, summary);
      const ok = await sendForm(form, summary, () =>
        staffApi(actionPath(view.applicationId, 'dbs-application'), { method: 'POST', body: parsed.data }),
      );
      if (ok) await hooks.done('Our DBS application recorded.');
    });
  });
  return h(
    'div',
    { class: 'renewal' },
    h('h3', { id: 'dbs-applied-title' }, 'Record that we applied'),
    h('p', {}, 'The renewal deadline is met by the application, not the certificate.'),
    form,
  );
};

const statusCheckForm = (view: StaffView, hooks: ActionHooks): HTMLElement => {
  const summary = errorSummary();
  const checkedOn = h('input', { type: 'date', max: londonToday(new Date()), class: 'width-10' });
  const result = selectOf(RESULT_NAMES, 'Choose the result');
  const button = h(
    'button',
    { type: 'submit', class: 'button button--secondary' },
    'Record the status check',
  );
  const form = h(
    'form',
    { id: 'dbs-status-check-form', novalidate: true, 'aria-labelledby': 'dbs-status-check-title' },
    summary,
    field('checkedOn', 'Date checked', checkedOn),
    field('result', 'Result', result),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    hooks.act(button, async () => {
      const parsed = dbsStatusCheckSchema.safeParse({
        checkedOn: checkedOn.value,
        result: result.value || undefined,
      });
      if (!parsed.success) {
        showErrors(form, summary, issuesToErrors(parsed.error.issues));
        return;
      }
      clearErrors(form, summary);
      const ok = await sendForm(form, summary, () =>
        staffApi(actionPath(view.applicationId, 'dbs-status-check'), { method: 'POST', body: parsed.data }),
      );
      if (ok) await hooks.done('Update Service status check recorded.');
    });
  });
  return h(
    'div',
    { class: 'renewal' },
    h('h3', { id: 'dbs-status-check-title' }, 'Record an Update Service status check'),
    h('p', {}, 'A clean check satisfies the DBS re-check.'),
    form,
  );
};

const row = (term: string, value: string | undefined, id?: string): Node[] =>
  value === undefined ? [] : [h('dt', {}, term), h('dd', id ? { id } : {}, value)];

export const dbsApplicationSection = (view: StaffView, hooks: ActionHooks): HTMLElement | undefined => {
  const record = view.dbsApplication;
  const closed = ['rejected', 'withdrawn', 'lapsed'].includes(view.stage);
  const checkable = !closed && view.dbs.hasCertificate && view.dbs.onUpdateService;
  if (!record && !checkable) return undefined;
  return h(
    'section',
    { class: 'staff-section', id: 'dbs-application', 'aria-labelledby': 'dbs-application-title' },
    h('h2', { id: 'dbs-application-title' }, 'Our DBS application'),
    record
      ? h(
          'dl',
          { class: 'facts' },
          ...row('Status', STATUS_NAMES[record.status], 'dbs-application-status'),
          ...row('Fee accepted', `£${record.feeGbp}`),
          ...row('Asked to apply before the start', record.applyNow ? 'Yes' : 'No'),
          ...row('Applied on', record.appliedOn && formatLongDate(record.appliedOn)),
          ...row('Reference', record.reference),
          ...row(
            'Apply by',
            view.dbsRenewalDueBy && formatLongDate(view.dbsRenewalDueBy),
            'dbs-application-due',
          ),
          ...row(
            'Status check',
            view.dbsStatusCheck &&
              `${formatLongDate(view.dbsStatusCheck.checkedOn)}: ${RESULT_NAMES[view.dbsStatusCheck.result]}`,
          ),
        )
      : h('p', {}, `No DBS application by us (the fee of £${DBS_POLICY.dbsFeeGbp} is not accepted).`),
    !closed && record?.status === 'requested' && appliedForm(view, hooks),
    checkable && statusCheckForm(view, hooks),
  );
};
