/** What every staff page shares: dates as the team reads them, and sign-in or failure in place of the page. */
import { formatLongDateTime } from '../../../lambdas/domain/dates.ts';
import { ApiError } from './api.ts';
import { h } from './dom.ts';
import { accessView, StaffAccessError } from './staff-auth.ts';

export const dateTime = (iso: string): HTMLTimeElement =>
  h('time', { datetime: iso }, formatLongDateTime(iso));

const focusHeading = (root: HTMLElement): void => {
  const heading = root.querySelector('h1');
  if (!heading) return;
  if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  heading.focus();
};

/** Set by the sign-in callback: the page it returns to was opened by signing in. */
export const SIGNED_IN_KEY = 'staff-signed-in';

const consumeSignedIn = (): boolean => {
  const signedIn = sessionStorage.getItem(SIGNED_IN_KEY) !== null;
  sessionStorage.removeItem(SIGNED_IN_KEY);
  return signedIn;
};

/**
 * Runs `render` into `root`, showing sign-in when the API wants a token (401), why not when it refuses the person
 * (403), and a retry on anything else. Returns the function that (re)loads the page.
 */
export const staffPage = (root: HTMLElement, render: () => Promise<void>): (() => Promise<void>) => {
  const load = async (afterSignIn = false): Promise<void> => {
    try {
      await render();
      // The sign-in button is gone: take focus to what the page is about, not to the top of the document.
      if (afterSignIn || consumeSignedIn()) focusHeading(root);
    } catch (error) {
      if (error instanceof StaffAccessError) {
        document.title = 'Sign in – Affiliate team';
        root.replaceChildren(...(await accessView(error.reason, () => void load(true))));
      } else {
        const notFound = error instanceof ApiError && error.status === 404;
        document.title = `${notFound ? 'Application not found' : 'Sorry, there is a problem'} – Affiliate team`;
        const retry = h('button', { type: 'button', class: 'button' }, 'Try again');
        retry.addEventListener('click', () => void load());
        root.replaceChildren(
          h('h1', {}, notFound ? 'Application not found' : 'Sorry, there is a problem'),
          h(
            'p',
            {},
            notFound
              ? 'There is no application with this id. Check the link, or find it in the queue.'
              : 'The page could not be loaded. Check your connection and try again.',
          ),
          notFound ? h('a', { href: 'index.html' }, 'Go to the queue') : retry,
        );
      }
      root.removeAttribute('aria-busy');
    }
  };
  return () => load();
};
