/**
 * The application's history as the affiliate team reads it: each event and its details in words ("Stage changed:
 * from “Awaiting documents” to “In review”"), never the audit trail's internal names.
 */
import type { ApplicationEvent } from '../../../lambdas/domain/application.ts';
import { formatLongDate, isIsoDate } from '../../../lambdas/domain/dates.ts';
import {
  COMPLIANCE_FLAG_NAMES,
  DBS_DEADLINE_NAMES,
  EVENT_NAMES,
  STAGE_NAMES,
  WAIT_STEP_NAMES,
} from '../../../lambdas/domain/labels.ts';
import { h } from '../lib/dom.ts';
import { DBS_ASSESSMENT_STAFF_NAMES, DBS_LEVEL_NAMES } from '../lib/labels.ts';
import { dateTime } from '../lib/staff-page.ts';
import { DOCUMENT_NAMES } from '../lib/upload.ts';

type Value = string | number | boolean;

const DECISION_NAMES: Record<string, string> = {
  approve: 'Approved',
  'request-changes': 'Changes requested',
  reject: 'Rejected',
};

const STATUS_CHECK_NAMES: Record<string, string> = {
  'no-new-information': 'No new information (clean)',
  'new-information': 'New information',
};

/** A reminder action (`reminder-3`, `staff-alert-14`, `dbs-reminder-30`, `dbs-certificate-alert@…`) in words. */
const actionText = (action: string): string => {
  const [name = '', on] = action.split('@');
  const days = /-(\d+)$/.exec(name)?.[1];
  const words = name.startsWith('insurance-reminder')
    ? `insurance reminder, ${days} days before the end`
    : name.startsWith('dbs-reminder')
      ? `DBS reminder, ${days} days before the deadline`
      : name.startsWith('staff-alert')
        ? `team alert after ${days} days`
        : name.startsWith('reminder')
          ? `reminder after ${days} days`
          : name.startsWith('lapse')
            ? 'lapsed'
            : name === 'dbs-certificate-alert'
              ? 'no DBS certificate yet, team alerted'
              : (EVENT_NAMES[name] ?? COMPLIANCE_FLAG_NAMES[name as never] ?? 'other');
  return on && isIsoDate(on) ? `${words} (applied ${formatLongDate(on)})` : words;
};

const lookup = (names: Record<string, string>, value: Value): string => names[String(value)] ?? String(value);

/** The documents an access audit names: the application's, the contract and its signed copy, and renewals. */
const LINKED_DOCUMENT_NAMES: Record<string, string> = {
  ...DOCUMENT_NAMES,
  ...Object.fromEntries(
    Object.entries(DOCUMENT_NAMES).map(([kind, name]) => [`renewed-${kind}`, `renewed ${name}`]),
  ),
  contract: 'Contract',
  'signed-contract': 'Signed contract',
};

/** Each detail key: its label, and how its value reads. */
const DETAILS: Record<string, [label: string, text: (value: Value) => string]> = {
  from: ['from', (v) => `“${lookup(STAGE_NAMES, v)}”`],
  to: ['to', (v) => `“${lookup(STAGE_NAMES, v)}”`],
  stage: ['at', (v) => `“${lookup(STAGE_NAMES, v)}”`],
  step: ['on', (v) => lookup(WAIT_STEP_NAMES, v)],
  document: ['document', (v) => lookup(DOCUMENT_NAMES, v)],
  documents: [
    'documents',
    (v) =>
      // A review lists them with spaces, the access audit (`documents-accessed`) with commas; it may name the contract.
      String(v)
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((kind) => lookup(LINKED_DOCUMENT_NAMES, kind))
        .join(' and '),
  ],
  decision: ['decision', (v) => lookup(DECISION_NAMES, v)],
  dbsAssessment: ['DBS', (v) => lookup(DBS_ASSESSMENT_STAFF_NAMES, v)],
  level: ['level', (v) => lookup(DBS_LEVEL_NAMES, v)],
  flag: ['flag', (v) => lookup(COMPLIANCE_FLAG_NAMES, v)],
  deadline: [
    'deadline',
    (v) => (isIsoDate(String(v)) ? formatLongDate(String(v)) : lookup(DBS_DEADLINE_NAMES, v)),
  ],
  action: ['', (v) => actionText(String(v))],
  result: ['result', (v) => lookup(STATUS_CHECK_NAMES, v)],
  reason: ['reason', (v) => String(v)],
  reasonGiven: ['reason given', (v) => (v ? 'yes' : 'no')],
  applyNow: ['apply now', (v) => (v ? 'yes' : 'no')],
  feeGbp: ['fee', (v) => `£${v}`],
  coverAmountGbp: ['cover', (v) => `£${Number(v).toLocaleString('en-GB')}`],
  sizeBytes: ['size', (v) => `${Math.max(1, Math.round(Number(v) / 1024))} KB`],
  patientsPerWeek: ['patients a week', String],
  version: ['version', String],
  attendedOn: ['attended', (v) => formatLongDate(String(v))],
  appliedOn: ['applied', (v) => formatLongDate(String(v))],
  checkedOn: ['checked', (v) => formatLongDate(String(v))],
  startDate: ['starts', (v) => formatLongDate(String(v))],
  effectiveFrom: ['from', (v) => formatLongDate(String(v))],
  firstDay: ['from', (v) => formatLongDate(String(v))],
  lastDay: ['until', (v) => formatLongDate(String(v))],
  endDate: ['ends', (v) => formatLongDate(String(v))],
  issueDate: ['issued', (v) => formatLongDate(String(v))],
  dueDate: ['due', (v) => formatLongDate(String(v))],
  closedOn: ['closed', (v) => formatLongDate(String(v))],
  toTherapist: ['', (v) => (v ? 'sent to the therapist' : '')],
  toTeam: ['', (v) => (v ? 'sent to the team' : '')],
};

/** The details of one event in words; a key this page does not know is named plainly, its value as given. */
export const detailsText = (details: ApplicationEvent['details']): string =>
  Object.entries(details ?? {})
    .map(([key, value]) => {
      const known = DETAILS[key];
      if (!known) return `${key.replace(/([A-Z])/g, ' $1').toLowerCase()}: ${value}`;
      const [label, text] = known;
      return label ? `${label} ${text(value)}` : text(value);
    })
    .filter((part) => part !== '')
    // "from “In review” to “Contract sent”" reads as one phrase: no comma before "to".
    .reduce(
      (text, part) => (text === '' ? part : `${text}${part.startsWith('to “') ? ' ' : ', '}${part}`),
      '',
    );

const ACTOR_NAMES: Record<ApplicationEvent['actor'], string> = {
  applicant: 'Applicant',
  system: 'System',
  staff: 'Affiliate team',
};

export const historySection = (events: ApplicationEvent[]): HTMLElement =>
  h(
    'div',
    // A group, not a region: the section around it is already the landmark named "History".
    { class: 'table-scroll', role: 'group', 'aria-labelledby': 'history-title', tabindex: '0' },
    h(
      'table',
      { class: 'table history', 'aria-labelledby': 'history-title' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'When'),
          h('th', { scope: 'col' }, 'What'),
          h('th', { scope: 'col' }, 'By'),
          h('th', { scope: 'col' }, 'Details'),
        ),
      ),
      h(
        'tbody',
        {},
        ...[...events]
          .reverse()
          .map((event) =>
            h(
              'tr',
              { 'data-type': event.type },
              h('td', {}, dateTime(event.at)),
              h('td', {}, EVENT_NAMES[event.type] ?? 'Other change'),
              h(
                'td',
                {},
                event.actorId ? `${ACTOR_NAMES[event.actor]} (${event.actorId})` : ACTOR_NAMES[event.actor],
              ),
              h('td', {}, detailsText(event.details)),
            ),
          ),
      ),
    ),
  );
