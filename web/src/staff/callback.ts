/** Where Cognito's hosted UI sends staff back after sign-in: swap the code for tokens, return to the page. */
import { byId, h } from '../lib/dom.ts';
import { completeSignIn } from '../lib/staff-auth.ts';
import { SIGNED_IN_KEY } from '../lib/staff-page.ts';

const root = byId('staff-root');

completeSignIn(window.location.search)
  .then((returnTo) => {
    sessionStorage.setItem(SIGNED_IN_KEY, '1');
    window.location.replace(returnTo);
  })
  .catch((error: unknown) => {
    document.title = 'Sign-in failed – Affiliate team';
    root.replaceChildren(
      h('h1', {}, 'Sign-in failed'),
      h('p', {}, error instanceof Error ? error.message : 'Sign-in was not completed.'),
      h('a', { class: 'button', href: 'index.html' }, 'Sign in again'),
    );
    root.removeAttribute('aria-busy');
  });
