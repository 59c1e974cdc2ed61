/**
 * The applicant's view of their application (GET /applications/{id}).
 *  1. Find the application the access token (or an emailed link's token) opens: unknown id and wrong token give
 *     the same 404.
 *  2. Shape the view: stage, checklist, what is blocking, deadlines, timeline — no other applicant's data and
 *     nothing staff-only (checks, notes, document keys).
 */
import type { Application, ApplicationEvent } from '../domain/application.ts';
import { dbsDeadline } from '../domain/compliance.ts';
import { londonToday } from '../domain/dates.ts';
import { providerApplicationPossible } from '../domain/dbs-application.ts';
import { isChecking, isReceived } from '../domain/documents.ts';
import { windowLastDay } from '../domain/induction.ts';
import { DBS_POLICY } from '../domain/policy.ts';
import { documentsDueBy } from '../domain/reminders.ts';
import { isOpen, STAGES, type Stage } from '../domain/stages.ts';
import { ACCOUNT_STAGES } from '../domain/therapy-account.ts';
import { DOCUMENT_LABELS } from '../emails/templates.ts';
import type { Ports } from '../ports/index.ts';
import { NotFound } from '../shared/errors.ts';
import type { ApplicationView } from '../shared/schemas.ts';
import { tokenMatchesAny } from '../shared/tokens.ts';
import { selfServiceView } from './self-service-view.ts';
import { credentialHashes } from './status-links.ts';
import { complianceFacts, withoutUndefined } from './support.ts';

export const findOwnApplication = async (
  ports: Pick<Ports, 'store'>,
  applicationId: string,
  accessToken: string,
): Promise<Application> => {
  const app = await ports.store.get(applicationId);
  // Compare even when the id is unknown, so timing does not tell the two apart.
  const matches = tokenMatchesAny(accessToken, app ? credentialHashes(app) : ['0'.repeat(64)]);
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

/**
 * Fee consent is asked where the provider must (or may) apply and none is given yet: a renewal certificate, one
 * that will be more than 12 months old by the latest start date, or a new certificate the applicant has not said
 * they will get themselves.
 */
const feeConsentAsked = (app: Application, today: string): boolean => {
  if (app.dbsApplication || !isOpen(app.stage)) return false;
  if (app.dbs.assessment === 'new-certificate-required') return app.dbs.applyOnMyBehalf !== false;
  const latest =
    app.stage === 'awaiting-availability' && app.induction ? windowLastDay(app.induction) : today;
  return providerApplicationPossible(app.dbs, latest);
};

/**
 * Seed step 3: the therapy website invites the therapist once the contract is signed, and reports the account
 * (issue 11 §3). It informs; the induction does not wait for it.
 */
const accountItem = (app: Application): Item => {
  if (app.therapyAccount)
    return { id: 'account', label: 'Create your account on our therapy website', status: 'done' };
  const invited = ACCOUNT_STAGES.includes(app.stage) && Boolean(app.contract?.signature);
  return {
    id: 'account',
    label: 'Create your account on our therapy website',
    status: invited ? 'waiting-on-you' : 'not-yet',
    detail: invited
      ? 'Our therapy website emails you an invitation: create your account from it. You can attend the induction meanwhile.'
      : undefined,
  };
};

const checklist = (app: Application, today: string): Item[] => {
  const items: Item[] = [{ id: 'application', label: 'Send your application', status: 'done' }];
  const missing = app.requiredDocuments.filter(
    (kind) => !isReceived(app.documents[kind]) && !isChecking(app.documents[kind]),
  );
  const checking = app.requiredDocuments.filter((kind) => isChecking(app.documents[kind]));
  const waiting = [
    ...(missing.length > 0 ? [`Still needed: ${missing.map((k) => DOCUMENT_LABELS[k]).join(', ')}`] : []),
    ...(checking.length > 0
      ? [`Checking for viruses: ${checking.map((k) => DOCUMENT_LABELS[k]).join(', ')}`]
      : []),
  ];
  items.push({
    id: 'documents',
    label: 'Upload your documents',
    status: stepStatus(app, 'awaiting-documents'),
    detail: waiting.length > 0 && app.stage === 'awaiting-documents' ? waiting.join('. ') : undefined,
  });
  items.push({ id: 'review', label: 'We check your documents', status: stepStatus(app, 'in-review') });
  if (app.dbs.assessment === 'new-certificate-required') {
    items.push({
      id: 'dbs',
      label: 'A new enhanced DBS certificate',
      status: stepStatus(app, 'awaiting-dbs'),
    });
  }
  if (feeConsentAsked(app, today)) {
    items.push({
      id: 'dbs-fee',
      label: `Agree to the DBS certificate fee (£${DBS_POLICY.dbsFeeGbp})`,
      status: 'waiting-on-you',
      detail:
        app.dbs.assessment === 'new-certificate-required'
          ? `We can apply for your new enhanced DBS certificate for you, at a cost to you of £${DBS_POLICY.dbsFeeGbp}.`
          : `Your DBS certificate will be more than 12 months old when you start: we must apply for a new one within 6 months of your start date, at a cost to you of £${DBS_POLICY.dbsFeeGbp}. Agree before you start.`,
    });
  }
  items.push(
    { id: 'contract', label: 'Sign your affiliate contract', status: stepStatus(app, 'contract-sent') },
    accountItem(app),
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
    .filter((kind) => !isReceived(app.documents[kind]) && !isChecking(app.documents[kind]))
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
    return [{ id: 'start', label: 'Start no later than', date: windowLastDay(app.induction) }];
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
              label: DBS_DEADLINE_LABELS[deadline.kind],
              date: deadline.dueDate,
            },
          ]
        : []),
      { id: 'insurance', label: 'Your indemnity insurance ends on', date: app.insurance.endDate },
    ];
  }
  return [];
};

const DBS_DEADLINE_LABELS = {
  'dbs-renewal': 'We apply for your new enhanced DBS certificate by',
  'dbs-certificate': 'We applied for your new DBS certificate; we chase it from',
  'dbs-recheck': 'Your enhanced DBS certificate is due its re-check by',
} as const;

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
  'access-link-sent': 'New link emailed; earlier links stopped working',
  'document-received': 'Document received',
  'document-refused': 'A document could not be accepted',
  'document-scanned': 'Document checked for viruses',
  'document-infected': 'A document was deleted: our virus check found harmful content',
  'documents-complete': 'All documents received',
  'review-decided': 'Documents reviewed',
  'dbs-recorded': 'New DBS certificate recorded',
  'dbs-application-requested': 'DBS certificate fee accepted',
  'dbs-application-made': 'We applied for your new DBS certificate',
  'contract-generated': 'Contract ready to sign',
  'contract-signed': 'Contract signed',
  'induction-recorded': 'Induction attended',
  'induction-expired': 'Induction window closed: please rebook',
  'induction-extended': 'More time to start: induction window extended',
  'account-created': 'Your account on our therapy website is ready',
  'availability-given': 'Availability given',
  'reminder-sent': 'Reminder sent',
  'compliance-reminder-sent': 'Compliance reminder sent',
  'dbs-renewed': 'Renewed DBS certificate recorded',
  'insurance-renewed': 'Renewed insurance recorded',
  'availability-changed': 'Availability changed',
  'therapist-paused': 'Pause booked',
  'renewal-received': 'Renewed document received: the affiliate team will verify it',
  'renewal-verified': 'Renewed document verified',
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

export const applicantView = (
  app: Application,
  events: ApplicationEvent[],
  today = londonToday(new Date()),
): ApplicationView => ({
  applicationId: app.id,
  stage: app.stage,
  firstName: app.applicant.firstName,
  createdAt: app.createdAt,
  updatedAt: app.updatedAt,
  dbs: { assessment: app.dbs.assessment, reasons: app.dbs.reasons },
  documents: (['dbs-certificate', 'indemnity-insurance'] as const).map((document) => {
    const found = app.documents[document];
    const stored = isReceived(found) ? found : undefined;
    const problem = app.documentProblems[document];
    return {
      document,
      required: app.requiredDocuments.includes(document),
      received: Boolean(stored),
      ...(isChecking(found) ? { checking: true as const } : {}),
      ...(stored ? { receivedAt: stored.receivedAt } : {}),
      ...(problem && !stored ? { rejectedReason: problem } : {}),
    };
  }),
  checklist: checklist(app, today),
  blocking: blocking(app),
  deadlines: deadlines(app),
  timeline: timeline(events),
  ...selfServiceView(app, today),
  ...(app.dbsApplication
    ? {
        dbsApplication: withoutUndefined({
          status: app.dbsApplication.status,
          feeGbp: app.dbsApplication.feeGbp,
          acceptsFee: app.dbsApplication.acceptsFee,
          appliedOn: app.dbsApplication.appliedOn,
          dueBy: app.dbsApplication.status === 'certificate-recorded' ? undefined : app.dbsRenewalDueBy,
        }),
      }
    : {}),
});

export const getApplication = async (
  input: { applicationId: string; accessToken: string },
  ports: Pick<Ports, 'store' | 'clock'>,
): Promise<ApplicationView> => {
  const app = await findOwnApplication(ports, input.applicationId, input.accessToken);
  return applicantView(app, await ports.store.events(app.id), londonToday(ports.clock.now()));
};
