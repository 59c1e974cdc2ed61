/**
 * The induction step on the status page (issue 12, item 3): the therapy-website account and the induction booking
 * links where the step is, from the site's config.json (lib/config.ts; a path there is a page of this site).
 */
import type { SiteConfig } from './api.ts';
import { h } from './dom.ts';

/** `accountReady`: the therapy website reported the account (issue 11 §3): the first step is done. */
export const inductionPanel = (links: SiteConfig['links'], accountReady = false): HTMLElement =>
  h(
    'section',
    { id: 'induction', class: 'action-panel', 'aria-labelledby': 'induction-title' },
    h('h2', { id: 'induction-title' }, 'Your next two steps'),
    links
      ? h(
          'ol',
          {},
          accountReady
            ? h('li', { id: 'therapy-account-ready' }, 'Your account on our therapy website is ready.')
            : h(
                'li',
                {},
                h(
                  'a',
                  { id: 'therapy-account-link', href: links.therapyAccountUrl },
                  'Create your therapist account on our therapy website',
                ),
              ),
          h(
            'li',
            {},
            h(
              'a',
              { id: 'induction-booking-link', href: links.inductionBookingUrl },
              'Book your online induction',
            ),
          ),
        )
      : h('p', {}, 'Use the links in our email to create your account and book your induction.'),
    h('p', {}, 'After the induction you will have 14 days to tell us your availability and start date.'),
  );
