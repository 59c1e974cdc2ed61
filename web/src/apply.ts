/**
 * The application form. Checks run in the browser with the server's own schema and DBS rules before anything is
 * sent; whatever the server still refuses (400, 409, 422) is shown the same way, next to the field its path names.
 * After the application is created each document goes straight to S3, then the confirmation shows the status link.
 */
import type * as z from 'zod';
import { isIsoDate, londonToday } from '../../lambdas/domain/dates.ts';
import { assessDbs, type DbsResult } from '../../lambdas/domain/dbs.ts';
import { RuleViolation } from '../../lambdas/domain/errors.ts';
import { checkNewApplication } from '../../lambdas/domain/new-application.ts';
import { DBS_LEVELS, type DbsLevel, type DocumentKind } from '../../lambdas/domain/stages.ts';
import {
  type createApplicationResponseSchema,
  createApplicationSchema,
  type createUploadSchema,
  dbsSchema,
  insuranceSchema,
  MAX_UPLOAD_BYTES,
} from '../../lambdas/shared/schemas.ts';
import { ApiError, callApi } from './lib/api.ts';
import { byId, h } from './lib/dom.ts';
import { clearErrors, type FieldError, findField, showErrors } from './lib/field-errors.ts';
import { DBS_ASSESSMENT_NAMES, DBS_LEVEL_NAMES, PROFESSIONAL_BODY_NAMES } from './lib/labels.ts';
import { checkFile, type UploadContentType, UploadRow, type UploadTarget } from './lib/upload.ts';

type Created = z.infer<typeof createApplicationResponseSchema>;
type CreateUpload = z.infer<typeof createUploadSchema>;

const form = byId<HTMLFormElement>('application-form');
const summary = byId('error-summary');
const submitButton = byId<HTMLButtonElement>('submit-application');

const control = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
const text = (name: string): string => control(name).value;
const checked = (name: string): boolean => (control(name) as HTMLInputElement).checked;
const yesNo = (name: string): boolean | undefined => {
  const value = (form.elements.namedItem(name) as RadioNodeList).value;
  return value === 'yes' ? true : value === 'no' ? false : undefined;
};
const fileOf = (document: DocumentKind): File | undefined =>
  (control(`files.${document}`) as HTMLInputElement).files?.[0];

/** "£1,000,000" and "1 000 000" mean a number; anything else is sent as typed, for the schema to refuse. */
const poundsOf = (typed: string): number | string | undefined => {
  const compact = typed.replace(/[£,\s]/g, '');
  if (compact === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(compact) ? Number(compact) : typed;
};

const isDbsLevel = (value: string): value is DbsLevel => (DBS_LEVELS as readonly string[]).includes(value);

type Assessment =
  | { kind: 'unknown' }
  | { kind: 'assessed'; result: DbsResult }
  | { kind: 'refused'; errors: FieldError[] };

/** The server's own DBS assessment (the same function) of what is entered so far: it decides which questions show. */
const assess = (): Assessment => {
  const hasCertificate = yesNo('dbs.hasCertificate');
  const today = londonToday(new Date());
  if (hasCertificate === undefined) return { kind: 'unknown' };
  if (!hasCertificate) return { kind: 'assessed', result: assessDbs({ hasCertificate: false }, today) };
  const level = text('dbs.level');
  const issueDate = text('dbs.issueDate');
  if (!isDbsLevel(level) || !isIsoDate(issueDate)) {
    return { kind: 'unknown' };
  }
  try {
    return { kind: 'assessed', result: assessDbs({ hasCertificate: true, level, issueDate }, today) };
  } catch (error) {
    if (error instanceof RuleViolation) return { kind: 'refused', errors: error.violations };
    throw error;
  }
};

const needsDbsChoice = (assessment: Assessment): boolean =>
  assessment.kind === 'assessed' && assessment.result.assessment === 'new-certificate-required';

const showDbsQuestions = (): void => {
  const assessment = assess();
  byId('dbs-certificate-details').hidden = yesNo('dbs.hasCertificate') !== true;
  const choice = needsDbsChoice(assessment);
  byId('dbs-choice').hidden = !choice;
  byId('dbs-fee').hidden = !choice || yesNo('dbs.applyOnMyBehalf') !== true;
  const explanation = byId('dbs-assessment');
  const reasons = assessment.kind === 'assessed' ? assessment.result.reasons.join(' ') : '';
  // Rewrite only on change: the region is aria-live, and every rewrite is read out.
  if (explanation.textContent !== reasons) explanation.textContent = reasons;
};

const readDbs = (assessment: Assessment) => {
  const hasCertificate = yesNo('dbs.hasCertificate');
  const applyOnMyBehalf = yesNo('dbs.applyOnMyBehalf');
  const choice = needsDbsChoice(assessment)
    ? { applyOnMyBehalf, ...(applyOnMyBehalf ? { acceptsFee: checked('dbs.acceptsFee') } : {}) }
    : {};
  if (hasCertificate === undefined) return {};
  if (!hasCertificate) return { hasCertificate, ...choice };
  return {
    hasCertificate,
    level: text('dbs.level'),
    // Printed certificates group the digits: people type the spaces too.
    certificateNumber: text('dbs.certificateNumber').replace(/\s/g, ''),
    issueDate: text('dbs.issueDate'),
    onUpdateService: checked('dbs.onUpdateService'),
    ...choice,
  };
};

const readForm = (assessment: Assessment) => ({
  applicant: {
    firstName: text('applicant.firstName'),
    lastName: text('applicant.lastName'),
    email: text('applicant.email'),
    phone: text('applicant.phone'),
    dateOfBirth: text('applicant.dateOfBirth'),
    postcode: text('applicant.postcode'),
  },
  professional: {
    body: text('professional.body'),
    membershipNumber: text('professional.membershipNumber'),
    accredited: checked('professional.accredited'),
  },
  dbs: readDbs(assessment),
  insurance: {
    insurer: text('insurance.insurer'),
    policyNumber: text('insurance.policyNumber'),
    coverAmountGbp: poundsOf(text('insurance.coverAmountGbp')),
    basis: (form.elements.namedItem('insurance.basis') as RadioNodeList).value || undefined,
    startDate: text('insurance.startDate'),
    endDate: text('insurance.endDate'),
  },
  consents: {
    privacyNotice: checked('consents.privacyNotice'),
    criminalRecordProcessing: checked('consents.criminalRecordProcessing'),
  },
});

const requiredDocuments = (): DocumentKind[] =>
  yesNo('dbs.hasCertificate') ? ['dbs-certificate', 'indemnity-insurance'] : ['indemnity-insurance'];

const isBlank = (field: HTMLElement): boolean =>
  [...field.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')].every((input) =>
    input instanceof HTMLInputElement && (input.type === 'radio' || input.type === 'checkbox')
      ? !input.checked
      : input.value.trim() === '',
  );

/**
 * The schema's messages suit an API client; for an empty field, or a value of the wrong type, the form says what
 * to do instead ("Enter your first name"), from the field's data-missing / data-format.
 */
const friendly = (issue: z.core.$ZodIssue): FieldError => {
  const path = issue.path.join('.');
  const field = findField(form, path);
  const missing = field?.dataset.missing;
  if (field && missing && isBlank(field)) return { path: field.dataset.field ?? path, message: missing };
  const format = field?.dataset.format;
  if (format && issue.code === 'invalid_type') return { path, message: format };
  return { path, message: issue.message };
};

const check = (payload: ReturnType<typeof readForm>, assessment: Assessment): FieldError[] => {
  const errors: FieldError[] = [];
  const parsed = createApplicationSchema.safeParse(payload);
  if (!parsed.success) errors.push(...parsed.error.issues.map(friendly));
  // The server's own rules (cover, policy dates, DBS age and choice) on every part complete enough to judge, even
  // while another part is still wrong: one round of errors, before any file is attached.
  const dbs = dbsSchema.safeParse(payload.dbs);
  const insurance = insuranceSchema.safeParse(payload.insurance);
  const rules = checkNewApplication(
    {
      ...(dbs.success ? { dbs: dbs.data } : {}),
      ...(insurance.success ? { insurance: insurance.data } : {}),
    },
    londonToday(new Date()),
  );
  errors.push(...rules.violations);
  // An issue date in the future is refused even while another DBS answer is still missing.
  if (!dbs.success && assessment.kind === 'refused') errors.push(...assessment.errors);
  for (const document of requiredDocuments()) {
    const path = `files.${document}`;
    const file = fileOf(document);
    const problem = file ? checkFile(file, MAX_UPLOAD_BYTES) : findField(form, path)?.dataset.missing;
    if (problem) errors.push({ path, message: problem });
  }
  return errors;
};

const statusLink = (created: Created): string =>
  `/status.html#id=${encodeURIComponent(created.applicationId)}&token=${encodeURIComponent(created.accessToken)}`;

const showConfirmation = (created: Created, email: string): void => {
  byId('uploading').hidden = true;
  byId('confirmation').hidden = false;
  byId('confirmation-id').textContent = created.applicationId;
  byId('confirmation-email').textContent = email;
  byId<HTMLAnchorElement>('status-link').href = statusLink(created);
  byId('confirmation-dbs').replaceChildren(
    h(
      'div',
      { class: 'inset' },
      h('h2', {}, DBS_ASSESSMENT_NAMES[created.dbs.assessment]),
      ...created.dbs.reasons.map((reason) => h('p', {}, reason)),
    ),
  );
  document.title = 'Application submitted – Join our therapist network';
  byId('confirmation-title').focus();
};

const uploadDocuments = async (created: Created, email: string): Promise<void> => {
  byId('apply').hidden = true;
  byId('uploading').hidden = false;
  document.title = 'Uploading your documents – Join our therapist network';
  byId('uploading-title').focus();
  const rows: UploadRow[] = [];
  const finishIfDone = (): void => {
    if (rows.every((row) => row.done)) showConfirmation(created, email);
  };
  for (const initial of created.uploads) {
    const file = fileOf(initial.document);
    if (!file) continue;
    const getTarget = async (contentType: UploadContentType, fresh: boolean): Promise<UploadTarget> => {
      // The POSTs that come with the application are for PDFs; leave a margin too: a POST that starts just
      // before expiry can still be refused when it lands.
      const usable =
        initial.contentType === contentType && Date.parse(initial.expiresAt) - Date.now() > 60_000;
      if (!fresh && usable) return initial;
      const body: CreateUpload = { document: initial.document, contentType };
      return callApi<UploadTarget>(`/applications/${encodeURIComponent(created.applicationId)}/uploads`, {
        method: 'POST',
        body,
        token: created.accessToken,
      });
    };
    rows.push(new UploadRow({ document: initial.document, file, getTarget, onUploaded: finishIfDone }));
  }
  const later = h('a', { href: statusLink(created) }, 'finish from your status page');
  later.addEventListener('click', (event) => {
    event.preventDefault();
    showConfirmation(created, email);
  });
  byId('upload-list').replaceChildren(...rows.map((row) => row.element));
  byId('uploading').append(
    h(
      'p',
      { class: 'hint' },
      'Your application is saved. If an upload keeps failing, you can ',
      later,
      ' and upload the document again there.',
    ),
  );
  if (rows.length === 0) showConfirmation(created, email);
  await Promise.all(rows.map((row) => row.start()));
};

/** The same key for the same form data: a double click or a retry after a lost answer makes one application. */
let lastAttempt: { body: string; key: string } | undefined;
let submitting = false;

const submit = async (): Promise<void> => {
  const assessment = assess();
  const payload = readForm(assessment);
  const errors = check(payload, assessment);
  if (errors.length > 0) {
    showErrors(form, summary, errors);
    return;
  }
  clearErrors(form, summary);
  const body = JSON.stringify(payload);
  const key = lastAttempt?.body === body ? lastAttempt.key : crypto.randomUUID();
  lastAttempt = { body, key };
  let created: Created;
  try {
    created = await callApi<Created>('/applications', { method: 'POST', body: payload, idempotencyKey: key });
  } catch (error) {
    if (!(error instanceof ApiError)) {
      showErrors(
        form,
        summary,
        [],
        'We could not send your application. Check your internet connection and try again.',
      );
      return;
    }
    const { problem } = error;
    const fieldErrors = problem.errors ?? [];
    showErrors(
      form,
      summary,
      fieldErrors,
      fieldErrors.length === 0 ? (problem.detail ?? problem.title) : undefined,
    );
    return;
  }
  await uploadDocuments(created, payload.applicant.email.trim());
};

const populate = (select: HTMLSelectElement, options: Record<string, string>): void => {
  select.append(...Object.entries(options).map(([value, label]) => h('option', { value }, label)));
};

populate(control('professional.body') as HTMLSelectElement, PROFESSIONAL_BODY_NAMES);
populate(control('dbs.level') as HTMLSelectElement, DBS_LEVEL_NAMES);
form.addEventListener('change', showDbsQuestions);
form.addEventListener('input', showDbsQuestions);
form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (submitting) return;
  submitting = true;
  submitButton.setAttribute('aria-disabled', 'true');
  submitButton.textContent = 'Sending…';
  void submit().finally(() => {
    submitting = false;
    submitButton.removeAttribute('aria-disabled');
    submitButton.textContent = 'Submit application';
  });
});
showDbsQuestions();
