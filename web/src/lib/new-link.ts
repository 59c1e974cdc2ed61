/**
 * "Email me a new link" on the status page's dead ends (DESIGN §5, POST /applications/access-links): the address
 * on file gets a fresh link if it has an open application. The answer is the same either way, and so is the page.
 */
import { accessLinkRequestSchema } from '../../../lambdas/shared/schemas.ts';
import { callApi } from './api.ts';
import { h } from './dom.ts';
import { showErrors } from './field-errors.ts';
import { errorSummary, field, issuesToErrors, sendForm, whileBusy } from './forms.ts';

export const newLinkSection = (): HTMLElement => {
  const summary = errorSummary();
  const input = h('input', { type: 'email', autocomplete: 'email', spellcheck: 'false' });
  const button = h('button', { type: 'submit', class: 'button' }, 'Email me a new link');
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'new-link-title' },
    summary,
    field('email', 'Email address', input, 'The address you applied with.'),
    button,
  );
  const section = h(
    'section',
    { id: 'new-link', 'aria-labelledby': 'new-link-title' },
    h('h2', { id: 'new-link-title' }, 'Email me a new link'),
    h(
      'p',
      {},
      'We will email a new private link to your application. The links in our earlier emails will stop working.',
    ),
    form,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void whileBusy(button, async () => {
      const parsed = accessLinkRequestSchema.safeParse({ email: input.value.trim() });
      if (!parsed.success) {
        showErrors(form, summary, issuesToErrors(parsed.error.issues));
        return;
      }
      const sent = await sendForm(form, summary, () =>
        callApi('/applications/access-links', { method: 'POST', body: parsed.data }),
      );
      if (sent === undefined) return;
      const done = h(
        'div',
        { class: 'notice notice--success', id: 'new-link-sent', tabindex: '-1' },
        h(
          'p',
          {},
          'If an open application has this email address, we have emailed a new link to it. It can take a few minutes to arrive: check your spam folder too.',
        ),
      );
      form.replaceWith(done);
      done.focus();
    });
  });
  return section;
};
