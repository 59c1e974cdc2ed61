/**
 * The therapy website's account on the staff application page (issue 11 §3, seed step 3): what the platform (or a
 * team member) reported, or, once the contract is signed, a form to record it by hand when the platform could not.
 */
import { ACCOUNT_STAGES } from '../../../lambdas/domain/therapy-account.ts';
import { therapyAccountSchema } from '../../../lambdas/shared/schemas.ts';
import type { staffView } from '../../../lambdas/use-cases/staff-queries.ts';
import { h } from '../lib/dom.ts';
import { clearErrors, showErrors } from '../lib/field-errors.ts';
import { errorSummary, field, issuesToErrors, sendForm } from '../lib/forms.ts';
import { staffApi } from '../lib/staff-auth.ts';
import { dateTime } from '../lib/staff-page.ts';
import type { ActionHooks } from './dbs-application.ts';

type StaffView = Awaited<ReturnType<typeof staffView>>;

const recordForm = (view: StaffView, hooks: ActionHooks): HTMLElement => {
  const summary = errorSummary();
  const accountId = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', class: 'width-20' });
  const button = h('button', { type: 'submit', class: 'button button--secondary' }, 'Record the account');
  const form = h(
    'form',
    { id: 'therapy-account-form', novalidate: true, 'aria-labelledby': 'therapy-account-record-title' },
    summary,
    field('accountId', 'Account id on the therapy website', accountId, 'As the therapy website shows it.'),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    hooks.act(button, async () => {
      // Recorded by hand as it is seen now: the account exists at this moment at the latest.
      const parsed = therapyAccountSchema.safeParse({
        accountId: accountId.value.trim(),
        createdAt: new Date().toISOString(),
      });
      if (!parsed.success) {
        showErrors(form, summary, issuesToErrors(parsed.error.issues));
        return;
      }
      clearErrors(form, summary);
      const ok = await sendForm(form, summary, () =>
        staffApi(`/staff/applications/${encodeURIComponent(view.applicationId)}/account`, {
          method: 'POST',
          body: parsed.data,
        }),
      );
      if (ok) await hooks.done('Therapy website account recorded.');
    });
  });
  return h(
    'div',
    { class: 'renewal' },
    h('h3', { id: 'therapy-account-record-title' }, 'Record it by hand'),
    h('p', {}, 'The therapy website reports the account itself; record it here only if it did not.'),
    form,
  );
};

export const therapyAccountSection = (view: StaffView, hooks: ActionHooks): HTMLElement | undefined => {
  const account = view.therapyAccount;
  const signed = ACCOUNT_STAGES.includes(view.stage) && Boolean(view.contract?.signature);
  if (!account && !signed) return undefined;
  return h(
    'section',
    { class: 'staff-section', id: 'therapy-account', 'aria-labelledby': 'therapy-account-title' },
    h('h2', { id: 'therapy-account-title' }, 'Therapy website account'),
    account
      ? h(
          'dl',
          { class: 'facts' },
          h('dt', {}, 'Account id'),
          h('dd', { id: 'therapy-account-id' }, account.accountId),
          h('dt', {}, 'Created'),
          h('dd', {}, dateTime(account.createdAt)),
          h('dt', {}, 'Reported by'),
          h(
            'dd',
            {},
            account.recordedBy === 'platform' ? 'The therapy website' : 'The affiliate team (by hand)',
          ),
        )
      : h(
          'p',
          { id: 'therapy-account-waiting' },
          'The therapy website has been asked to invite the therapist; it has not reported the account yet.',
        ),
    account ? undefined : recordForm(view, hooks),
  );
};
