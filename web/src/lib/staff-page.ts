/** What every staff page shares: dates as the team reads them, and sign-in or failure in place of the page. */
import { formatLongDateTime } from '../../../lambdas/domain/dates.ts';
import { ApiError } from './api.ts';
import { h } from './dom.ts';
import { accessView, StaffAccessError } from './staff-auth.ts';

export const dateTime = (iso: string): HTMLTimeElement =>
  h('time', { datetime: iso }, formatLongDateTime(iso));

/**
 * Runs `render` into `root`, showing sign-in when the API wants a token (401), why not when it refuses the person
 * (403), and a retry on anything else. Returns the function that (re)loads the page.
 */
export const staffPage = (root: HTMLElement, render: () => Promise<void>): (() => Promise<void>) => {
  const load = async (): Promise<void> => {
    try {
      await render();
    } catch (error) {
      if (error instanceof StaffAccessError) {
        document.title = 'Sign in – Affiliate team';
        root.replaceChildren(...(await accessView(error.reason, () => void load())));
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
  return load;
};
