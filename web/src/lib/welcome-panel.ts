/**
 * The active therapist's welcome (issue 12, item 7): the start date once, and what they gave us — hours a week,
 * patients a week and the hours of each day — so they can check it at a glance. The other dates stay in "Dates to
 * remember" below.
 */
import { type WeekDay, type WeeklySlot, weeklyHours } from '../../../lambdas/domain/availability.ts';
import { formatLongDate } from '../../../lambdas/domain/dates.ts';
import type { ApplicationView } from '../../../lambdas/shared/schemas.ts';
import type { SiteConfig } from './api.ts';
import { h } from './dom.ts';
import { DAY_NAMES } from './week-grid.ts';

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** "Monday: 09:00 to 11:00 and 14:00 to 17:00", one line per day with hours, Monday first. */
const daysOf = (slots: NonNullable<ApplicationView['availability']>['weeklySlots']): string[] =>
  (Object.keys(DAY_NAMES) as WeekDay[]).flatMap((day) => {
    const ofDay = slots.filter((slot) => slot.day === day).sort((a, b) => a.start.localeCompare(b.start));
    return ofDay.length === 0
      ? []
      : [`${DAY_NAMES[day]}: ${ofDay.map((slot) => `${slot.start} to ${slot.end}`).join(' and ')}`];
  });

export const welcomePanel = (
  view: ApplicationView,
  links: SiteConfig['links'],
  startDate = view.availability?.startDate,
): HTMLElement => {
  const given = view.availability;
  return h(
    'section',
    { class: 'action-panel action-panel--welcome', id: 'welcome', 'aria-labelledby': 'welcome-title' },
    h('h2', { id: 'welcome-title' }, `Welcome to the network, ${view.firstName}`),
    startDate
      ? h(
          'p',
          { id: 'welcome-start' },
          'You start seeing patients on ',
          h('strong', {}, formatLongDate(startDate)),
          '.',
        )
      : h('p', {}, 'You are ready to see patients from the start date you gave us.'),
    given &&
      h(
        'div',
        { id: 'welcome-summary' },
        h(
          'p',
          {},
          'You told us you can see ',
          h('strong', {}, plural(given.patientsPerWeek, 'patient', 'patients')),
          ' a week, in ',
          h('strong', {}, plural(weeklyHours(given.weeklySlots as WeeklySlot[]), 'hour', 'hours')),
          ' a week (UK time):',
        ),
        h('ul', { class: 'welcome-days' }, ...daysOf(given.weeklySlots).map((line) => h('li', {}, line))),
      ),
    h(
      'p',
      {},
      'Sign in to your ',
      h('a', { href: links?.therapyAccountUrl ?? '/therapy-account.html' }, 'therapy account'),
      ' to see your patients and your diary.',
    ),
  );
};
