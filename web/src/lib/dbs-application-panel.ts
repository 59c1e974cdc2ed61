/**
 * The provider's DBS application on the status page (DESIGN §3): its status and deadline once it exists, and the
 * fee consent (with the amount) where the view asks for it (the `dbs-fee` checklist item).
 */
import { formatLongDate } from '../../../lambdas/domain/dates.ts';
import { DBS_POLICY } from '../../../lambdas/domain/policy.ts';
import { type ApplicationView, dbsApplicationRequestSchema } from '../../../lambdas/shared/schemas.ts';
import { callApi } from './api.ts';
import type { Credentials, OnView } from './applicant-actions.ts';
import { h } from './dom.ts';
import { showErrors } from './field-errors.ts';
import { checkboxField, errorSummary, sendForm, whileBusy } from './forms.ts';

const STATUS_TEXT = {
  requested: 'You have agreed to the fee. We will apply for your new certificate.',
  applied: 'We have applied for your new certificate. The DBS will contact you to verify your identity.',
  'certificate-recorded': 'Your new certificate is recorded.',
} as const;

const feeForm = (creds: Credentials, view: ApplicationView, onView: OnView): HTMLElement => {
  const summary = errorSummary();
  const fee = view.dbsApplication?.feeGbp ?? DBS_POLICY.dbsFeeGbp;
  const consent = checkboxField(
    'acceptsFee',
    `I agree to pay the DBS certificate fee of £${fee}`,
    'We apply for the certificate on your behalf; the fee is yours to pay.',
  );
  // A renewal may be applied for straight away, before the start (seed: "can apply ... on your behalf").
  const canApplyNow = view.stage !== 'active' && view.dbs.assessment !== 'new-certificate-required';
  const applyNow = canApplyNow
    ? checkboxField(
        'applyNow',
        'Please apply now, before I start',
        'Otherwise we apply after your start date.',
      )
    : undefined;
  const submit = h('button', { type: 'submit', class: 'button' }, 'Agree to the fee');
  const form = h('form', { id: 'dbs-fee-form', novalidate: true }, summary, consent, applyNow, submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void whileBusy(submit, async () => {
      const checked = (name: string) =>
        (form.querySelector(`input[name="${name}"]`) as HTMLInputElement | null)?.checked;
      const parsed = dbsApplicationRequestSchema.safeParse({
        acceptsFee: checked('acceptsFee') === true,
        ...(applyNow ? { applyNow: checked('applyNow') === true } : {}),
      });
      if (!parsed.success) {
        showErrors(form, summary, [{ path: 'acceptsFee', message: 'Tick the box to agree to the fee' }]);
        return;
      }
      const next = await sendForm(form, summary, () =>
        callApi<ApplicationView>(`/applications/${encodeURIComponent(creds.id)}/dbs-application`, {
          method: 'PUT',
          body: parsed.data,
          token: creds.token,
        }),
      );
      if (next) onView(next, { message: `You agreed to the DBS certificate fee of £${fee}.` });
    });
  });
  return form;
};

export const dbsApplicationPanel = (
  creds: Credentials,
  view: ApplicationView,
  onView: OnView,
): HTMLElement | undefined => {
  const record = view.dbsApplication;
  const asked = view.checklist.find((item) => item.id === 'dbs-fee');
  if (!record && !asked) return undefined;
  return h(
    'section',
    { id: 'dbs-application', 'aria-labelledby': 'dbs-application-title' },
    h('h2', { id: 'dbs-application-title' }, 'Your new DBS certificate'),
    record
      ? h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Status'),
          h('dd', { id: 'dbs-application-status' }, STATUS_TEXT[record.status]),
          h('dt', {}, 'Fee'),
          h('dd', {}, `£${record.feeGbp}, agreed`),
          record.appliedOn && h('dt', {}, 'Applied on'),
          record.appliedOn && h('dd', {}, formatLongDate(record.appliedOn)),
          record.dueBy && h('dt', {}, 'We apply by'),
          record.dueBy && h('dd', { id: 'dbs-application-due' }, formatLongDate(record.dueBy)),
        )
      : h('p', {}, asked?.detail ?? ''),
    !record && feeForm(creds, view, onView),
  );
};
