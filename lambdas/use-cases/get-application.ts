/**
 * The applicant's view of their application (GET /applications/{id}).
 *  1. Find the application the access token opens: unknown id and wrong token give the same 404.
 *  2. Shape the view: stage, checklist, what is blocking, deadlines, timeline — no other applicant's data and
 *     nothing staff-only (checks, notes, document keys).
 */
import type { Application, ApplicationEvent } from '../domain/application.ts';
import { dbsDeadline } from '../domain/compliance.ts';
import { londonToday } from '../domain/dates.ts';
import { lastStartDate } from '../domain/induction.ts';
import { documentsDueBy } from '../domain/reminders.ts';
import { STAGES, type Stage } from '../domain/stages.ts';
import { DOCUMENT_LABELS } from '../emails/templates.ts';
import type { Ports } from '../ports/index.ts';
import { NotFound } from '../shared/errors.ts';
import type { ApplicationView } from '../shared/schemas.ts';
import { tokenMatches } from '../shared/tokens.ts';
import { complianceFacts } from './support.ts';

export const findOwnApplication = async (
  ports: Pick<Ports, 'store'>,
  applicationId: string,
  accessToken: string,
): Promise<Application> => {
  const app = await ports.store.get(applicationId);
  // Compare even when the id is unknown, so timing does not tell the two apart.
  const matches = tokenMatches(accessToken, app?.accessTokenHash ?? '0'.repeat(64));
  if (!app || !matches) throw new NotFound();
  return app;
};

/** The stages of the journey in order, up to active (the closed stages follow them in STAGES). */
const JOURNEY: readonly Stage[] = STAGES.slice(0, STAGES.indexOf('active') + 1);

type Item = ApplicationView['checklist'][number];

const stepStatus = (app: Application, step: Stage): Item['status'] => {
  const current = JOURNEY.indexOf(app.stage);
  const index = JOURNEY.indexOf(step);
  if (current === -1) return 'not-yet';
  if (index < current) return 'done';
  if (index > current) return 'not-yet';
  return step === 'in-review' || step === 'awaiting-dbs' ? 'waiting-on-us' : 'waiting-on-you';
};

const checklist = (app: Application): Item[] => {
  const items: Item[] = [{ id: 'application', label: 'Send your application', status: 'done' }];
  const missing = app.requiredDocuments.filter((kind) => !app.documents[kind]);
  items.push({
    id: 'documents',
    label: 'Upload your documents',
    status: stepStatus(app, 'awaiting-documents'),
    detail:
      missing.length > 0 && app.stage === 'awaiting-documents'
        ? `Still needed: ${missing.map((k) => DOCUMENT_LABELS[k]).join(', ')}`
        : undefined,
  });
  items.push({ id: 'review', label: 'We check your documents', status: stepStatus(app, 'in-review') });
  if (app.dbs.assessment === 'new-certificate-required') {
    items.push({
      id: 'dbs',
      label: 'A new enhanced DBS certificate',
      status: stepStatus(app, 'awaiting-dbs'),
    });
  }
  items.push(
    { id: 'contract', label: 'Sign your affiliate contract', status: stepStatus(app, 'contract-sent') },
    { id: 'induction', label: 'Attend the online induction', status: stepStatus(app, 'induction-invited') },
    {
      id: 'availability',
      label: 'Tell us your availability',
      status: stepStatus(app, 'awaiting-availability'),
    },
    { id: 'active', label: 'Ready to see patients', status: app.stage === 'active' ? 'done' : 'not-yet' },
  );
  return items.map((item) => (item.detail === undefined ? (({ detail: _d, ...rest }) => rest)(item) : item));
};

const blocking = (app: Application): string[] => {
  if (app.stage !== 'awaiting-documents') return [];
  return app.requiredDocuments
    .filter((kind) => !app.documents[kind])
    .map((kind) => {
      const problem = app.documentProblems[kind];
      return problem
        ? `Upload your ${DOCUMENT_LABELS[kind]} again: ${problem}`
        : `Upload your ${DOCUMENT_LABELS[kind]}`;
    });
};

const deadlines = (app: Application): ApplicationView['deadlines'] => {
  if (app.stage === 'awaiting-documents') {
    return [
      {
        id: 'documents',
        label: 'Upload your documents by',
        date: documentsDueBy(londonToday(new Date(app.stageEnteredAt))),
      },
    ];
  }
  if (app.stage === 'awaiting-availability' && app.induction) {
    return [{ id: 'start', label: 'Start no later than', date: lastStartDate(app.induction.attendedOn) }];
  }
  if (app.stage === 'active') {
    const deadline = dbsDeadline(complianceFacts(app));
    return [
      ...(app.availability
        ? [{ id: 'start-date', label: 'You start seeing patients on', date: app.availability.startDate }]
        : []),
      ...(deadline
        ? [
            {
              id: 'dbs',
              label:
                deadline.kind === 'dbs-renewal'
                  ? 'Apply for your new enhanced DBS certificate by'
                  : 'Renew your enhanced DBS certificate by',
              date: deadline.dueDate,
            },
          ]
        : []),
      { id: 'insurance', label: 'Your indemnity insurance ends on', date: app.insurance.endDate },
    ];
  }
  return [];
};

const STAGE_NAMES: Record<string, string> = {
  'awaiting-documents': 'waiting for your documents',
  'in-review': 'being reviewed',
  'awaiting-dbs': 'waiting for a new DBS certificate',
  'contract-sent': 'contract sent to you',
  'induction-invited': 'invited to the induction',
  'awaiting-availability': 'waiting for your availability',
  active: 'active: ready to see patients',
  rejected: 'closed: not accepted',
  withdrawn: 'withdrawn',
  lapsed: 'closed: no documents after 30 days',
};

const EVENT_SUMMARIES: Record<string, string> = {
  'application-submitted': 'Application sent',
  'document-received': 'Document received',
  'document-refused': 'A document could not be accepted',
  'documents-complete': 'All documents received',
  'review-decided': 'Documents reviewed',
  'dbs-recorded': 'New DBS certificate recorded',
  'contract-generated': 'Contract ready to sign',
  'contract-signed': 'Contract signed',
  'induction-recorded': 'Induction attended',
  'induction-expired': 'Induction window closed: please rebook',
  'availability-given': 'Availability given',
  'reminder-sent': 'Reminder sent',
  'compliance-reminder-sent': 'Compliance reminder sent',
  'dbs-renewed': 'Renewed DBS certificate recorded',
  'insurance-renewed': 'Renewed insurance recorded',
  withdrawn: 'Application withdrawn',
  lapsed: 'Application closed',
};

const timeline = (events: ApplicationEvent[]): ApplicationView['timeline'] =>
  events.flatMap((e) => {
    const to = e.details?.to;
    if (e.type === 'stage-changed' && typeof to === 'string') {
      return [{ at: e.at, type: e.type, summary: `Application ${STAGE_NAMES[to] ?? to}` }];
    }
    const summary = EVENT_SUMMARIES[e.type];
    if (!summary) return [];
    const kind = typeof e.details?.document === 'string' ? e.details.document : undefined;
    const label =
      kind && kind in DOCUMENT_LABELS ? DOCUMENT_LABELS[kind as keyof typeof DOCUMENT_LABELS] : undefined;
    return [{ at: e.at, type: e.type, summary: label ? `${summary}: ${label}` : summary }];
  });

export const applicantView = (app: Application, events: ApplicationEvent[]): ApplicationView => ({
  applicationId: app.id,
  stage: app.stage,
  firstName: app.applicant.firstName,
  createdAt: app.createdAt,
  updatedAt: app.updatedAt,
  dbs: { assessment: app.dbs.assessment, reasons: app.dbs.reasons },
  documents: (['dbs-certificate', 'indemnity-insurance'] as const).map((document) => {
    const stored = app.documents[document];
    const problem = app.documentProblems[document];
    return {
      document,
      required: app.requiredDocuments.includes(document),
      received: Boolean(stored),
      ...(stored ? { receivedAt: stored.receivedAt } : {}),
      ...(problem && !stored ? { rejectedReason: problem } : {}),
    };
  }),
  checklist: checklist(app),
  blocking: blocking(app),
  deadlines: deadlines(app),
  timeline: timeline(events),
});

export const getApplication = async (
  input: { applicationId: string; accessToken: string },
  ports: Pick<Ports, 'store'>,
): Promise<ApplicationView> => {
  const app = await findOwnApplication(ports, input.applicationId, input.accessToken);
  return applicantView(app, await ports.store.events(app.id));
};
