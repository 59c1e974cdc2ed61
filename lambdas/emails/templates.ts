/**
 * Every email the system sends, as typed functions returning text and HTML. Links point at the static site.
 * Staff emails carry the application id and the applicant's name, never a DBS certificate number.
 */
import type { Application } from '../domain/application.ts';
import type { DocumentKind } from '../domain/stages.ts';
import type { Email } from '../ports/index.ts';

const escapeHtml = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const EMERGENCY =
  'If you or someone you are with needs urgent medical help, call 111; in immediate danger, call 999. Samaritans are there 24 hours a day on 116 123.';

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
    EMERGENCY,
  ].join('\n');
  const html = `<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1b1b;max-width:40rem">
<p>${escapeHtml(body.greeting)}</p>
${body.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${body.action ? `<p><a href="${escapeHtml(body.action.url)}" style="display:inline-block;background:#1d5fa8;color:#fff;padding:.6em 1.2em;border-radius:4px;text-decoration:none">${escapeHtml(body.action.label)}</a></p>` : ''}
<hr><p style="font-size:.85em;color:#555">Therapist network onboarding<br>${escapeHtml(EMERGENCY)}</p>
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

export const documentsReceived = (app: Application, siteUrl: string): Email =>
  render(app.applicant.email, 'We have received your documents', {
    greeting: `Dear ${app.applicant.firstName},`,
    paragraphs: [
      `We have received your ${listDocuments(app.requiredDocuments)} for application ${app.id}.`,
      'Our affiliate team will now review your application. We aim to do this within 5 working days and will email you with the outcome.',
      'You can follow your application with the private link from our first email.',
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
