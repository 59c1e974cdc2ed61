/** How the staff pages show compliance: flags as badges, deadlines as a date and how far away it is. */
import type { ComplianceFlag } from '../../../lambdas/domain/application.ts';
import { formatLongDate } from '../../../lambdas/domain/dates.ts';
import { h } from './dom.ts';
import { COMPLIANCE_FLAG_NAMES, daysLeftText } from './labels.ts';

/** The date, then "in 12 days" / "today" / "3 days ago" on its own line. */
export const dueOn = (date: string, daysLeft: number): HTMLElement[] => [
  h('time', { datetime: date }, formatLongDate(date)),
  h('span', { class: 'due__days' }, daysLeftText(daysLeft)),
];

/** Flags in words (never colour alone), or "None". */
export const flagBadges = (flags: readonly string[]): HTMLElement =>
  flags.length === 0
    ? h('span', { class: 'badges badges--none' }, 'None')
    : h(
        'ul',
        { class: 'badges' },
        ...flags.map((flag) =>
          h(
            'li',
            {},
            h(
              'strong',
              { class: 'tag tag--flag', 'data-flag': flag },
              COMPLIANCE_FLAG_NAMES[flag as ComplianceFlag] ?? flag,
            ),
          ),
        ),
      );
