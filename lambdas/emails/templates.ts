/**
 * Every email the system sends, as typed functions returning text and HTML. Links point at the static site.
 * Staff emails carry the application id and the applicant's name, never a DBS certificate number.
 */
import type { Application, ComplianceFlag, WorkflowFailureReason } from '../domain/application.ts';
import type { WeekDay } from '../domain/availability.ts';
import { formatLongDate, londonToday } from '../domain/dates.ts';
import { windowLastDay } from '../domain/induction.ts';
import { stageInSentence, WEEK_DAY_NAMES } from '../domain/labels.ts';
import { DBS_POLICY, WORDS } from '../domain/policy.ts';
import { documentsDueBy, REMINDER_CADENCE } from '../domain/reminders.ts';
import type { DocumentKind, WaitStep } from '../domain/stages.ts';
import type { Email } from '../ports/index.ts';

const escapeHtml = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

interface Body {
  greeting: string;
  paragraphs: string[];
  action?: { label: string; url: string };
}

const render = (to: string, subject: string, body: Body): Email => {
  const text = [
    body.greeting,
    '',
    ...body.paragraphs.flatMap((p) => [p, '']),
    ...(body.action ? [`${body.action.label}: ${body.action.url}`, ''] : []),
    '—',
    'Therapist network onboarding',
    `Write to the affiliate team: ${WORDS.contactEmail}`,
    WORDS.emergencyNotice,
  ].join('\n');
  const html = `<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1b1b;max-width:40rem">
<p>${escapeHtml(body.greeting)}</p>
${body.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${body.action ? `<p><a href="${escapeHtml(body.action.url)}" style="display:inline-block;background:#1d5fa8;color:#fff;padding:.6em 1.2em;border-radius:4px;text-decoration:none">${escapeHtml(body.action.label)}</a></p>` : ''}
<hr><p style="font-size:.85em;color:#555">Therapist network onboarding<br>Write to the affiliate team: <a href="mailto:${escapeHtml(WORDS.contactEmail)}">${escapeHtml(WORDS.contactEmail)}</a><br>${escapeHtml(WORDS.emergencyNotice)}</p>
</body></html>`;
  return { to, subject, text, html };
};

export const DOCUMENT_LABELS: Record<DocumentKind, string> = {
  'dbs-certificate': 'DBS certificate',
  'indemnity-insurance': 'professional indemnity insurance schedule',
};

const listDocuments = (kinds: readonly DocumentKind[]) => kinds.map((k) => DOCUMENT_LABELS[k]).join(' and ');

/** The status page link: id and token in the fragment, which browsers never send to a server. */
export const statusLink = (siteUrl: string, id: string, token?: string): string =>
  `${siteUrl}/status.html#id=${encodeURIComponent(id)}${token ? `&token=${encodeURIComponent(token)}` : ''}`;

export const staffLink = (siteUrl: string, id: string): string =>
  `${siteUrl}/staff/application.html#id=${encodeURIComponent(id)}`;

export const applicationSubmitted = (app: Application, siteUrl: string, token: string): Email =>
  render(app.applicant.email, 'We have your application to join our therapist network', {
    greeting: `Dear ${app.applicant.firstName},`,
    paragraphs: [
      `Thank you for applying. Your application reference is ${app.id}.`,
      `Next, please upload your ${listDocuments(app.requiredDocuments)} if you have not already. We will email you as soon as we have them.`,
      'Keep this email: the link below is your private link to follow your application. Do not share it.',
    ],
    action: { label: 'Follow your application', url: statusLink(siteUrl, app.id, token) },
  });

/** "Email me a new link": the fresh access token; earlier links stop working. */
export const newStatusLink = (app: Application, siteUrl: string, token: string): Email =>
  render(app.applicant.email, 'Your new link to your application', {
    greeting: `Dear ${app.applicant.firstName},`,
    paragraphs: [
      `You asked for a new link to application ${app.id}. The link below opens it; the links in our earlier emails no longer work.`,
      'If you did not ask for this, you can ignore this email: only you can open the link. Do not share it.',
    ],
    action: { label: 'Open your application', url: statusLink(siteUrl, app.id, token) },
  });

export const documentsReceived = (app: Application, siteUrl: string): Email =>
  render(app.applicant.email, 'We have received your documents', {
    greeting: `Dear ${app.applicant.firstName},`,
    paragraphs: [
      `We have received your ${listDocuments(app.requiredDocuments)} for application ${app.id}.`,
      `Our affiliate team will now review your application. We aim to do this within ${WORDS.reviewWorkingDays} working days and will email you with the outcome.`,
      'The link below is your private link to follow your application. Do not share it.',
    ],
    action: { label: 'Open your application', url: statusLink(siteUrl, app.id) },
  });

export const staffApplicationReady = (app: Application, siteUrl: string, staffEmail: string): Email =>
  render(staffEmail, `Ready for review: application ${app.id}`, {
    greeting: 'Hello affiliate team,',
    paragraphs: [
      `${app.applicant.firstName} ${app.applicant.lastName} (application ${app.id}) has uploaded every required document: ${listDocuments(app.requiredDocuments)}.`,
      `DBS assessment: ${app.dbs.assessment}.`,
      'Please review the documents and record your checks.',
    ],
    action: { label: 'Review the application', url: staffLink(siteUrl, app.id) },
  });

/** The virus check found harmful content in an upload (document-scanned): the file is deleted already. */
export const staffDocumentInfected = (
  app: Application,
  kind: DocumentKind,
  threats: readonly string[],
  applicantAsked: boolean,
  siteUrl: string,
  staffEmail: string,
): Email =>
  render(staffEmail, `Harmful file deleted: application ${app.id}`, {
    greeting: 'Hello affiliate team,',
    paragraphs: [
      `The virus check found harmful content in the ${DOCUMENT_LABELS[kind]} uploaded for application ${app.id}${threats.length > 0 ? ` (${threats.join(', ')})` : ''}. The file was deleted before anyone could open it${applicantAsked ? ', and the applicant has been asked to upload another' : ''}.`,
      'Nothing else is needed from you unless it happens again: then contact the applicant, whose device may be infected.',
    ],
    action: { label: 'Open the application', url: staffLink(siteUrl, app.id) },
  });

export const documentRefused = (
  app: Application,
  kind: DocumentKind,
  reason: string,
  siteUrl: string,
): Email =>
  render(app.applicant.email, `Please upload your ${DOCUMENT_LABELS[kind]} again`, {
    greeting: `Dear ${app.applicant.firstName},`,
    paragraphs: [
      `We could not accept the file you uploaded as your ${DOCUMENT_LABELS[kind]}: ${reason}`,
      'Please upload it again as a PDF, JPEG or PNG of at most 10 MB from your application page.',
    ],
    action: { label: 'Open your application', url: statusLink(siteUrl, app.id) },
  });

export interface Links {
  siteUrl: string;
  staffEmail: string;
  therapyAccountUrl: string;
  inductionBookingUrl: string;
}

const dear = (app: Application) => `Dear ${app.applicant.firstName},`;
const STAFF_GREETING = 'Hello affiliate team,';
const fullName = (app: Application) => `${app.applicant.firstName} ${app.applicant.lastName}`;
const openApplication = (links: Links, app: Application) => ({
  label: 'Open your application',
  url: statusLink(links.siteUrl, app.id),
});
const reviewIt = (links: Links, app: Application) => ({
  label: 'Open the application',
  url: staffLink(links.siteUrl, app.id),
});

export const newDbsNeeded = (app: Application, links: Links): Email =>
  render(app.applicant.email, 'Your documents are approved: a new DBS certificate is needed', {
    greeting: dear(app),
    paragraphs: [
      'Thank you: we have checked your documents and approved your application so far.',
      app.dbsApplication
        ? `As you asked, we will apply for a new enhanced DBS certificate on your behalf, at a cost to you of £${app.dbsApplication.feeGbp}, as agreed. The DBS will contact you to verify your identity.`
        : `Before we can send your contract, we need a new enhanced DBS certificate. Get one yourself and send it to us, or ask us to apply for you on your application page (at a cost to you of £${DBS_POLICY.dbsFeeGbp}).`,
      'We will send your contract as soon as we have recorded the new certificate.',
    ],
    action: openApplication(links, app),
  });

export const changesRequested = (
  app: Application,
  note: string,
  again: readonly DocumentKind[],
  links: Links,
): Email =>
  render(app.applicant.email, 'Please update your documents', {
    greeting: dear(app),
    paragraphs: [
      `Thank you for your documents. Before we can go further, we need you to upload your ${listDocuments(again)} again.`,
      ...(app.requiredDocuments.some((kind) => !again.includes(kind))
        ? [
            `We keep your ${listDocuments(app.requiredDocuments.filter((kind) => !again.includes(kind)))}: there is no need to send it again.`,
          ]
        : []),
      note ? `Our reviewer's note: ${note}` : 'Please check that each document is complete and readable.',
      'You can upload from your application page, as a PDF, JPEG or PNG of at most 10 MB.',
    ],
    action: openApplication(links, app),
  });

export const applicationRejected = (app: Application, note: string, links: Links): Email =>
  render(app.applicant.email, 'Your application to join our therapist network', {
    greeting: dear(app),
    paragraphs: [
      'Thank you for your interest in joining our network and for the time you gave to your application.',
      'After careful review we are unable to offer you a place in the network at this time.',
      ...(note ? [`Our reviewer's note: ${note}`] : []),
      'We will delete your documents and personal data six months from today, as our privacy notice explains.',
    ],
    action: openApplication(links, app),
  });

export const contractReady = (app: Application, links: Links): Email =>
  render(app.applicant.email, 'Your affiliate contract is ready to sign', {
    greeting: dear(app),
    paragraphs: [
      'Good news: your documents are approved and your freelance affiliate contract is ready.',
      'Please read it and sign it online from your application page: type your full name and confirm you agree.',
    ],
    action: openApplication(links, app),
  });

export const inductionInvitation = (app: Application, links: Links): Email =>
  render(app.applicant.email, 'Welcome aboard: create your account and book your induction', {
    greeting: dear(app),
    paragraphs: [
      'Thank you for signing your contract. Two steps remain before you can see patients.',
      `1. Create your therapist account on our therapy website: ${links.therapyAccountUrl}`,
      `2. Book your online induction: ${links.inductionBookingUrl}`,
      'After the induction you will have 14 days to tell us your availability and start date.',
    ],
    action: { label: 'Book your induction', url: links.inductionBookingUrl },
  });

export const staffContractSigned = (app: Application, links: Links): Email =>
  render(links.staffEmail, `Contract signed: application ${app.id}`, {
    greeting: STAFF_GREETING,
    paragraphs: [
      `${fullName(app)} (application ${app.id}) has signed the affiliate contract and is invited to the induction.`,
    ],
    action: reviewIt(links, app),
  });

export const availabilityRequested = (app: Application, lastStart: string, links: Links): Email =>
  render(app.applicant.email, 'Thank you for attending the induction: tell us your availability', {
    greeting: dear(app),
    paragraphs: [
      'Thank you for attending the induction.',
      `Please tell us the hours you can offer each week, how many patients you can see (3 to 40 a week), and your start date, no later than ${formatLongDate(lastStart)}.`,
      'Each patient keeps the same therapist, so the number of patients is a standing weekly commitment.',
    ],
    action: openApplication(links, app),
  });

/** Staff extended the induction window: the new last start date, and what is still asked. */
export const inductionExtended = (app: Application, lastStart: string, links: Links): Email =>
  render(app.applicant.email, 'More time to start: tell us your availability', {
    greeting: dear(app),
    paragraphs: [
      `We have extended the time you have to start after your induction: you can now start as late as ${formatLongDate(lastStart)}, without attending the induction again.`,
      'Please tell us the hours you can offer each week, how many patients you can see (3 to 40 a week), and your start date.',
    ],
    action: openApplication(links, app),
  });

export const welcome = (app: Application, links: Links): Email =>
  render(app.applicant.email, 'Welcome to the network: you are ready to see patients', {
    greeting: dear(app),
    paragraphs: [
      `Welcome! From ${app.availability ? formatLongDate(app.availability.startDate) : 'your start date'} you are ready to see patients, up to ${app.availability?.patientsPerWeek ?? 0} a week.`,
      ...(app.dbsRenewalDueBy
        ? [
            app.dbsApplication?.appliedOn
              ? `Your DBS certificate is accepted for now: we applied for your new enhanced certificate on ${formatLongDate(app.dbsApplication.appliedOn)}, at a cost to you of £${app.dbsApplication.feeGbp}. Please complete the identity check the DBS sends you.`
              : `Your DBS certificate is accepted for now: we will apply for a new enhanced certificate for you, at a cost to you of £${app.dbsApplication?.feeGbp ?? DBS_POLICY.dbsFeeGbp}, by ${formatLongDate(app.dbsRenewalDueBy)}. The DBS will contact you to verify your identity.`,
          ]
        : []),
      'If your availability changes, tell the affiliate team as early as you can.',
    ],
    action: openApplication(links, app),
  });

export const staffActivated = (app: Application, links: Links): Email =>
  render(links.staffEmail, `Ready to see patients: application ${app.id}`, {
    greeting: STAFF_GREETING,
    paragraphs: [
      `${fullName(app)} (application ${app.id}) is active from ${app.availability ? formatLongDate(app.availability.startDate) : 'their start date'}, ${app.availability?.patientsPerWeek} patients a week.`,
      ...(app.dbsRenewalDueBy && !app.dbsApplication?.appliedOn
        ? [
            `We must apply for their new DBS certificate by ${formatLongDate(app.dbsRenewalDueBy)} (fee accepted).`,
          ]
        : []),
    ],
    action: reviewIt(links, app),
  });

/** Receipt of an active therapist's change of availability (issue 11 §2). */
export const availabilityChangedReceipt = (
  app: Application,
  change: {
    patientsPerWeek: number;
    effectiveFrom: string;
    weeklySlots: { day: string; start: string; end: string }[];
  },
  links: Links,
): Email =>
  render(app.applicant.email, 'Your availability has changed', {
    greeting: dear(app),
    paragraphs: [
      `We have your new availability. From ${formatLongDate(change.effectiveFrom)} you can take up to ${change.patientsPerWeek} patients a week, at these times each week (UK time):`,
      change.weeklySlots
        .map((slot) => `${WEEK_DAY_NAMES[slot.day as WeekDay] ?? slot.day} ${slot.start}–${slot.end}`)
        .join('; '),
      'If you did not make this change, write to the affiliate team straight away.',
    ],
    action: openApplication(links, app),
  });

/** Receipt of an active therapist's pause (issue 11 §2). */
export const pauseReceipt = (app: Application, pause: { from: string; to: string }, links: Links): Email =>
  render(app.applicant.email, 'Your pause is booked', {
    greeting: dear(app),
    paragraphs: [
      `You are paused from ${formatLongDate(pause.from)} to ${formatLongDate(pause.to)}, both days included: we will not give you new patients in that time. Your current patients keep you as their therapist.`,
      'If you did not book this pause, write to the affiliate team straight away.',
    ],
    action: openApplication(links, app),
  });

/** Receipt of a renewed document an active therapist uploaded (issue 11 §2). */
export const renewalReceivedReceipt = (app: Application, kind: DocumentKind, siteUrl: string): Email =>
  render(app.applicant.email, `We have your renewed ${DOCUMENT_LABELS[kind]}`, {
    greeting: dear(app),
    paragraphs: [
      `We have received your renewed ${DOCUMENT_LABELS[kind]}. The affiliate team will verify it and update your record; we will contact you if anything is missing.`,
      'If you did not upload it, write to the affiliate team straight away.',
    ],
    action: { label: 'Open your application', url: statusLink(siteUrl, app.id) },
  });

export const withdrawalConfirmed = (app: Application, _links: Links): Email =>
  render(app.applicant.email, 'You have withdrawn your application', {
    greeting: dear(app),
    paragraphs: [
      'We have withdrawn your application, as you asked. Nothing more is needed from you.',
      'We will delete your documents and personal data six months from today. You are welcome to apply again at any time.',
    ],
  });

const UNDELIVERABLE: Record<'bounce' | 'complaint', string> = {
  bounce: 'their email provider permanently refused our email (the address may be mistyped or closed)',
  complaint: 'they marked our email as spam',
};

export const staffEmailUndeliverable = (
  app: Application,
  reason: 'bounce' | 'complaint',
  links: Links,
): Email =>
  render(links.staffEmail, `Emails no longer reach the applicant: application ${app.id}`, {
    greeting: STAFF_GREETING,
    paragraphs: [
      `We can no longer email ${fullName(app)} (application ${app.id}, ${stageInSentence(app.stage)}): ${UNDELIVERABLE[reason]}. Our email service will not send to this address again.`,
      'Please contact them by phone to confirm their email address; reminders and links will not reach them until then.',
    ],
    action: reviewIt(links, app),
  });

export const staffWithdrawn = (app: Application, links: Links): Email =>
  render(links.staffEmail, `Withdrawn: application ${app.id}`, {
    greeting: STAFF_GREETING,
    paragraphs: [
      `${fullName(app)} (application ${app.id}) has withdrawn their application (it was ${stageInSentence(app.stage)}).`,
    ],
    action: reviewIt(links, app),
  });

const STAGE_ASKS: Partial<Record<Application['stage'], string>> = {
  'awaiting-documents': 'upload your documents',
  'contract-sent': 'sign your affiliate contract',
  'induction-invited': 'book and attend your online induction',
  'awaiting-availability': 'tell us your availability and start date',
  'awaiting-dbs': 'get your new enhanced DBS certificate and send it to us',
};

export const reminder = (app: Application, days: number, links: Links): Email =>
  render(app.applicant.email, `Reminder: please ${STAGE_ASKS[app.stage] ?? 'continue your application'}`, {
    greeting: dear(app),
    paragraphs: [
      `A friendly reminder: we are waiting for you to ${STAGE_ASKS[app.stage] ?? 'continue your application'} (it has been ${days} days).`,
      ...(app.stage === 'awaiting-documents'
        ? [
            `Please upload them by ${formatLongDate(documentsDueBy(londonToday(new Date(app.stageEnteredAt))))}: an application still without its documents at the end of that day is closed.`,
          ]
        : []),
    ],
    action: openApplication(links, app),
  });

export const staffStalled = (app: Application, days: number, links: Links): Email =>
  render(links.staffEmail, `Stalled for ${days} days: application ${app.id}`, {
    greeting: STAFF_GREETING,
    paragraphs: [
      `Application ${app.id} (${fullName(app)}) has been ${stageInSentence(app.stage)} for ${days} days. Consider contacting the applicant.`,
    ],
    action: reviewIt(links, app),
  });

export const lapsed = (app: Application, links: Links): Email =>
  render(app.applicant.email, 'Your application has been closed', {
    greeting: dear(app),
    paragraphs: [
      `We closed your application because we did not receive your documents by ${formatLongDate(documentsDueBy(londonToday(new Date(app.stageEnteredAt))))}, ${REMINDER_CADENCE.lapseDays} days after we asked for them.`,
      'You are welcome to apply again whenever you are ready.',
    ],
    action: { label: 'Apply again', url: `${links.siteUrl}/` },
  });

export const staffLapsed = (app: Application, links: Links): Email =>
  render(links.staffEmail, `Lapsed: application ${app.id}`, {
    greeting: STAFF_GREETING,
    paragraphs: [
      `Application ${app.id} (${fullName(app)}) lapsed: documents still missing at the end of ${formatLongDate(documentsDueBy(londonToday(new Date(app.stageEnteredAt))))}.`,
    ],
    action: reviewIt(links, app),
  });

export const inductionExpiredEmail = (app: Application, links: Links): Email =>
  render(app.applicant.email, 'Please book your induction again', {
    greeting: dear(app),
    paragraphs: [
      'Your induction is valid for 14 days, and that window has closed before we had your availability.',
      `Please book a new induction: ${links.inductionBookingUrl}. Afterwards you will have another 14 days to tell us your availability.`,
    ],
    action: { label: 'Book your induction', url: links.inductionBookingUrl },
  });

export const staffInductionExpired = (app: Application, links: Links): Email =>
  render(links.staffEmail, `Induction expired: application ${app.id}`, {
    greeting: STAFF_GREETING,
    paragraphs: [
      `${fullName(app)} (application ${app.id}) did not give availability by the last day of the induction window${app.induction ? ` (induction on ${formatLongDate(app.induction.attendedOn)}, window to ${formatLongDate(windowLastDay(app.induction))})` : ''}. They are invited to rebook. To let them start without a new induction, extend the window from the application page.`,
    ],
    action: reviewIt(links, app),
  });

/**
 * The therapist's DBS reminder: for a renewal, sent only while the fee is not accepted (the provider applies, so
 * the one thing asked of the therapist is their consent); for the re-check, what they can do.
 */
export const dbsReminder = (
  app: Application,
  deadline: { kind: 'dbs-renewal' | 'dbs-recheck'; dueDate: string },
  daysBefore: number,
  links: Links,
): Email =>
  render(
    app.applicant.email,
    daysBefore === 0
      ? 'Your DBS certificate is due today'
      : `Your DBS certificate is due in ${daysBefore} days`,
    {
      greeting: dear(app),
      paragraphs:
        deadline.kind === 'dbs-renewal'
          ? [
              `We must apply for a new enhanced DBS certificate for you by ${formatLongDate(deadline.dueDate)}${daysBefore === 0 ? ' (today)' : ''}, at a cost to you of £${DBS_POLICY.dbsFeeGbp}.`,
              'Please agree to the fee on your application page, so that we can apply. The DBS will then contact you to verify your identity.',
            ]
          : [
              `Your enhanced DBS certificate is due its re-check by ${formatLongDate(deadline.dueDate)}${daysBefore === 0 ? ' (today)' : ''} (our policy: every ${DBS_POLICY.dbsRecheckYears} years).`,
              app.dbs.hasCertificate && app.dbs.onUpdateService
                ? 'You are on the DBS Update Service: we will check your certificate there. Nothing else is needed unless we contact you.'
                : `Send the affiliate team a new certificate, or ask us to apply for one for you (at a cost to you of £${DBS_POLICY.dbsFeeGbp}).`,
            ],
      action: openApplication(links, app),
    },
  );

/** Staff apply for renewals: they are reminded before the deadline. */
export const staffDbsRenewalReminder = (
  app: Application,
  dueDate: string,
  daysBefore: number,
  links: Links,
): Email =>
  render(
    links.staffEmail,
    daysBefore === 0
      ? `Apply for a DBS certificate today: application ${app.id}`
      : `Apply for a DBS certificate within ${daysBefore} days: application ${app.id}`,
    {
      greeting: STAFF_GREETING,
      paragraphs: [
        `We must apply for a new enhanced DBS certificate for ${fullName(app)} (application ${app.id}) by ${formatLongDate(dueDate)}.`,
        app.dbsApplication
          ? `They have accepted the fee of £${app.dbsApplication.feeGbp}. Record the application (date and reference) once made.`
          : 'They have not accepted the fee yet; they are reminded too.',
      ],
      action: reviewIt(links, app),
    },
  );

/** The therapist asked the provider to apply now (a new applicant, or a renewal before the start). */
export const staffDbsApplicationRequested = (app: Application, links: Links): Email =>
  render(links.staffEmail, `Apply for a DBS certificate: application ${app.id}`, {
    greeting: STAFF_GREETING,
    paragraphs: [
      `${fullName(app)} (application ${app.id}) asks us to apply for a new enhanced DBS certificate now and has accepted the fee of £${app.dbsApplication?.feeGbp ?? DBS_POLICY.dbsFeeGbp}.`,
      'Record the application (date and reference) once made.',
    ],
    action: reviewIt(links, app),
  });

/** awaiting-dbs with the provider applying: staff are chased, not the applicant. */
export const staffDbsApplyReminder = (app: Application, days: number, links: Links): Email =>
  render(links.staffEmail, `Reminder: apply for a DBS certificate: application ${app.id}`, {
    greeting: STAFF_GREETING,
    paragraphs: [
      `${fullName(app)} (application ${app.id}) has waited ${days} days for us to apply for their new enhanced DBS certificate. Record the application (date and reference) once made.`,
    ],
    action: reviewIt(links, app),
  });

export const staffDbsCertificateLate = (app: Application, appliedOn: string, links: Links): Email =>
  render(links.staffEmail, `No DBS certificate yet: application ${app.id}`, {
    greeting: STAFF_GREETING,
    paragraphs: [
      `We applied for ${fullName(app)}'s new DBS certificate (application ${app.id}) on ${formatLongDate(appliedOn)}, ${DBS_POLICY.certificateAlertDaysAfterApplying} days ago, and no certificate is recorded. Please follow it up with the DBS.`,
    ],
    action: reviewIt(links, app),
  });

export const insuranceReminder = (
  app: Application,
  endDate: string,
  daysBefore: number,
  links: Links,
): Email =>
  render(
    app.applicant.email,
    daysBefore === 0
      ? 'Your indemnity insurance ends today'
      : `Your indemnity insurance ends in ${daysBefore} days`,
    {
      greeting: dear(app),
      paragraphs: [
        `Your professional indemnity insurance ends on ${formatLongDate(endDate)}. Please renew it (cover of at least £1,000,000) and send the new schedule to the affiliate team.`,
        'Without insurance in force we must pause new referrals to you.',
      ],
      action: openApplication(links, app),
    },
  );

const FLAG_SUBJECTS: Record<ComplianceFlag, string> = {
  'dbs-overdue': 'DBS overdue',
  'dbs-renewal-overdue': 'DBS renewal not applied for',
  'insurance-expired': 'Insurance expired',
};

export const staffComplianceAlert = (
  app: Application,
  flag: ComplianceFlag,
  detail: string,
  links: Links,
): Email =>
  render(links.staffEmail, `${FLAG_SUBJECTS[flag]}: application ${app.id}`, {
    greeting: STAFF_GREETING,
    paragraphs: [
      `${fullName(app)} (application ${app.id}): ${detail}`,
      'Consider pausing new referrals until it is resolved.',
    ],
    action: reviewIt(links, app),
  });

export interface DigestLine {
  applicationId: string;
  name: string;
  text: string;
}

export const staffDigest = (
  date: string,
  sections: { dueThisWeek: DigestLine[]; overdue: DigestLine[]; raised: DigestLine[]; cleared: DigestLine[] },
  links: Links,
): Email => {
  const block = (title: string, lines: DigestLine[]) =>
    lines.length === 0
      ? []
      : [
          `${title} (${lines.length}):`,
          ...lines.map(
            (l) =>
              `• ${l.name} (${l.applicationId}): ${l.text} — ${staffLink(links.siteUrl, l.applicationId)}`,
          ),
        ];
  const paragraphs = [
    ...block('Overdue', sections.overdue),
    ...block('Due this week', sections.dueThisWeek),
    ...block('Flags raised', sections.raised),
    ...block('Flags cleared', sections.cleared),
  ];
  return render(
    links.staffEmail,
    `Compliance digest for ${formatLongDate(date)}: ${sections.overdue.length} overdue, ${sections.dueThisWeek.length} due this week`,
    {
      greeting: STAFF_GREETING,
      paragraphs,
      action: { label: 'Open the DBS compliance report', url: `${links.siteUrl}/staff/reports.html` },
    },
  );
};

const WORKFLOW_FAILURES: Record<WorkflowFailureReason, string> = {
  'execution-failed': 'its workflow execution failed',
  'execution-timed-out': 'its workflow execution timed out',
  'execution-aborted': 'its workflow execution was stopped',
  'task-gone': 'the workflow no longer waited on the step an action completed',
  'callback-undelivered': 'the workflow could not be told that a step was completed',
};

/** The workflow died under an application and was restarted at its step: staff may want to look. */
export const staffWorkflowRestarted = (
  app: Application,
  reason: WorkflowFailureReason,
  step: WaitStep,
  links: Links,
): Email =>
  render(links.staffEmail, `Workflow restarted: application ${app.id}`, {
    greeting: STAFF_GREETING,
    paragraphs: [
      `Application ${app.id} (${fullName(app)}, ${stageInSentence(app.stage)}): ${WORKFLOW_FAILURES[reason]}. It was restarted at the ${step} step; nothing recorded on the application was lost.`,
      'If this keeps happening for the same application, see "Workflow restarted" in the runbook.',
    ],
    action: reviewIt(links, app),
  });
