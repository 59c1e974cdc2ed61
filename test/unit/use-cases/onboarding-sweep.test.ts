/** The sweep's day counting against London days, at the lapse boundary and across a clock change. */
import { describe, expect, it } from 'vitest';
import type { Application } from '../../../lambdas/domain/application.ts';
import { applicantView } from '../../../lambdas/use-cases/get-application.ts';
import { onboardingSweep } from '../../../lambdas/use-cases/onboarding-sweep.ts';
import { withIndexKeys } from '../../../lambdas/use-cases/support.ts';
import { memoryPorts } from './memory-ports.ts';

const links = {
  siteUrl: 'https://site.test',
  staffEmail: 'team@site.test',
  therapyAccountUrl: 'https://therapy.test/account',
  inductionBookingUrl: 'https://therapy.test/induction',
};

const awaitingDocuments = (m: ReturnType<typeof memoryPorts>, stageEnteredAt: string): Application => {
  const app = withIndexKeys(
    {
      id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      version: 1,
      stage: 'awaiting-documents',
      createdAt: stageEnteredAt,
      updatedAt: stageEnteredAt,
      stageEnteredAt,
      applicant: { firstName: 'Sam', lastName: 'Lee', email: 'sam@example.org' },
      dbs: {
        hasCertificate: false,
        applyOnMyBehalf: false,
        assessment: 'new-certificate-required',
        reasons: [],
      },
      insurance: { endDate: '2027-12-31' },
      outbox: [],
      remindersSent: ['reminder-3', 'reminder-7', 'staff-alert-14'],
      documents: {},
      documentProblems: {},
      requiredDocuments: ['indemnity-insurance'],
    } as unknown as Application,
    new Date(stageEnteredAt),
  );
  m.apps.set(app.id, app);
  return app;
};

describe('onboardingSweep: lapsing', () => {
  it.each([
    // Submitted 23:30 BST on 25 September: London day 0 is 25 September, day 30 is 25 October (clocks go back
    // that night at 02:00 BST), and the lapse comes at 00:00 GMT on 26 October.
    ['2026-09-25T22:30:00.000Z', '2026-10-25', '2026-10-25T23:59:59.999Z', '2026-10-26T00:00:00.000Z'],
    // Submitted 00:30 BST on 30 March, the night after the clocks went forward (a UTC date of 29 March): day 30
    // is 29 April, and the lapse comes at 00:00 BST on 30 April (23:00 UTC the day before).
    ['2026-03-29T23:30:00.000Z', '2026-04-29', '2026-04-29T22:59:59.999Z', '2026-04-29T23:00:00.000Z'],
    // No clock change: submitted 26 November, upload by 26 December, lapses at 00:00 GMT on 27 December.
    ['2026-11-26T10:00:00.000Z', '2026-12-26', '2026-12-26T23:59:59.999Z', '2026-12-27T00:00:00.000Z'],
  ])(
    'entered %s: upload by %s; not lapsed at %s (day 30), lapsed at %s (day 31)',
    async (entered, dueBy, lastMoment, lapseMoment) => {
      const m = memoryPorts(new Date(lapseMoment));
      const app = awaitingDocuments(m, entered);
      expect(applicantView(app, []).deadlines).toEqual([
        { id: 'documents', label: 'Upload your documents by', date: dueBy },
      ]);
      expect(app.dueAt).toBe(lapseMoment);

      const day30 = await onboardingSweep({ asOf: new Date(lastMoment) }, m.ports, links);
      expect(day30.lapsed).toBe(0);
      expect(m.apps.get(app.id)?.stage).toBe('awaiting-documents');

      const day31 = await onboardingSweep({ asOf: new Date(lapseMoment) }, m.ports, links);
      expect(day31.lapsed).toBe(1);
      expect(m.apps.get(app.id)?.stage).toBe('lapsed');
      const email = m.sent.find((e) => e.subject === 'Your application has been closed');
      const [y, mo, d] = dueBy.split('-').map(Number) as [number, number, number];
      const longDate = new Date(Date.UTC(y, mo - 1, d)).toLocaleDateString('en-GB', {
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      });
      expect(email?.text).toContain(`did not receive your documents by ${longDate}`);
    },
  );
});
