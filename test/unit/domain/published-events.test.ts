import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  type HistoryEntry,
  PUBLISHED_EVENT_TYPES,
  type PublishedEventType,
  toPublishedEvent,
} from '#domain/published-events.ts';
import { eventJsonSchema, eventSchemaPath } from '#shared/published-event-schemas.ts';
import { eventSchemaErrors } from '../../support/event-schemas.ts';

const ID = '01KA0000000000000000000000';
const AT = '2027-03-01T09:30:00.000Z';

const ENTRY_ID = '01KA0000000000000000000001';

const entry = (type: string, details?: HistoryEntry['details'], stage: HistoryEntry['stage'] = 'active') => ({
  id: ENTRY_ID,
  applicationId: ID,
  at: AT,
  type,
  stage,
  ...(details ? { details } : {}),
});

/** One audit entry per published type, as the use cases (and issue 11 §2's self-service) write them. */
const EXAMPLES: Record<PublishedEventType, HistoryEntry> = {
  'application.submitted': entry('application-submitted', { dbsAssessment: 'current' }, 'awaiting-documents'),
  'application.documents-complete': entry('documents-complete', undefined, 'in-review'),
  'application.approved': entry('review-decided', { decision: 'approve' }, 'contract-sent'),
  'application.changes-requested': entry(
    'review-decided',
    { decision: 'request-changes', documents: 'dbs-certificate indemnity-insurance' },
    'awaiting-documents',
  ),
  'application.rejected': entry('review-decided', { decision: 'reject' }, 'rejected'),
  'contract.signed': entry('contract-signed', { version: '2026-11' }, 'induction-invited'),
  'therapist.account-created': entry(
    'account-created',
    { accountId: 'tp-4411', recordedBy: 'platform' },
    'induction-invited',
  ),
  'induction.recorded': entry('induction-recorded', { attendedOn: '2027-02-26' }, 'awaiting-availability'),
  'induction.extended': entry(
    'induction-extended',
    { lastStartDate: '2027-03-10', reopened: 'no' },
    'awaiting-availability',
  ),
  'therapist.activated': entry('stage-changed', { from: 'awaiting-availability', to: 'active' }),
  'therapist.availability-changed': entry('availability-changed', {
    effectiveFrom: '2027-03-08',
    patientsPerWeek: 4,
  }),
  // The keys use-cases/self-service.ts writes (firstDay/lastDay, so the staff history reads no stage names).
  'therapist.paused': entry('therapist-paused', {
    firstDay: '2027-04-01',
    lastDay: '2027-04-14',
    reasonGiven: true,
  }),
  'application.withdrawn': entry('withdrawn', { reasonGiven: true }, 'withdrawn'),
  'application.lapsed': entry('lapsed', undefined, 'lapsed'),
  'dbs.flag-raised': entry('compliance-flag-raised', { flag: 'dbs-overdue', deadline: '2027-02-28' }),
  'dbs.flag-cleared': entry('compliance-flag-cleared', { flag: 'dbs-renewal-overdue' }),
  'insurance.flag-raised': entry('compliance-flag-raised', {
    flag: 'insurance-expired',
    deadline: '2027-02-28',
  }),
  'insurance.flag-cleared': entry('compliance-flag-cleared', { flag: 'insurance-expired' }),
};

describe('the published events', () => {
  it.each(PUBLISHED_EVENT_TYPES)(
    '%s: mapped from its audit entry, valid against its checked-in schema',
    (type) => {
      const published = toPublishedEvent(EXAMPLES[type]);
      expect(published?.detailType).toBe(type);
      expect(published?.source).toBe('affiliate-onboarding');
      expect(eventSchemaErrors(type, published?.detail)).toEqual([]);
      expect(published?.detail).toMatchObject({
        applicationId: ID,
        stage: EXAMPLES[type].stage,
        at: AT,
        schemaVersion: 1,
      });
    },
  );

  it.each(PUBLISHED_EVENT_TYPES)(
    '%s: the checked-in schema is the generated one (npm run schemas:events)',
    async (type) => {
      const checkedIn = JSON.parse(await readFile(eventSchemaPath(type), 'utf8'));
      expect(checkedIn).toEqual(eventJsonSchema(type));
    },
  );

  it('a schema refuses a detail with a fact it does not list (a name, an email)', () => {
    const published = toPublishedEvent(EXAMPLES['contract.signed']);
    expect(
      eventSchemaErrors('contract.signed', { ...published?.detail, email: 'someone@example.com' }),
    ).toEqual([' must NOT have additional properties']);
  });

  it('publishes only the facts it names: never the actor, a staff id, a reason or a DBS detail', () => {
    const signed = toPublishedEvent({
      ...entry('contract-signed', { version: '2026-11', fullName: 'Ada Lovelace' }, 'induction-invited'),
      actor: 'applicant',
    } as HistoryEntry);
    expect(signed?.detail).toEqual({
      eventId: ENTRY_ID,
      applicationId: ID,
      stage: 'induction-invited',
      at: AT,
      schemaVersion: 1,
      contractVersion: '2026-11',
    });
    expect(toPublishedEvent(EXAMPLES['therapist.paused'])?.detail).not.toHaveProperty('reasonGiven');
    expect(toPublishedEvent(EXAMPLES['therapist.availability-changed'])?.detail).not.toHaveProperty(
      'patientsPerWeek',
    );
  });

  it('the availability change and pause of the self-service (issue 11 §2) map to their events', () => {
    expect(toPublishedEvent(EXAMPLES['therapist.availability-changed'])?.detail).toMatchObject({
      effectiveFrom: '2027-03-08',
    });
    expect(toPublishedEvent(EXAMPLES['therapist.paused'])?.detail).toMatchObject({
      from: '2027-04-01',
      to: '2027-04-14',
    });
  });

  it('one event per domain change: other entries, and stage changes other than activation, publish nothing', () => {
    for (const type of [
      'step-waiting',
      'reminder-sent',
      'documents-accessed',
      'document-received',
      'renewal-received',
    ])
      expect(toPublishedEvent(entry(type)), type).toBeUndefined();
    expect(
      toPublishedEvent(entry('stage-changed', { from: 'in-review', to: 'contract-sent' })),
    ).toBeUndefined();
    expect(
      toPublishedEvent(entry('stage-changed', { from: 'awaiting-documents', to: 'withdrawn' })),
    ).toBeUndefined();
    expect(toPublishedEvent(entry('compliance-flag-raised', { flag: 'something-else' }))).toBeUndefined();
  });

  it('an entry written without its stage (before events existed) publishes nothing', () => {
    const { stage: _stage, ...old } = EXAMPLES['application.submitted'];
    expect(toPublishedEvent(old)).toBeUndefined();
  });
});
