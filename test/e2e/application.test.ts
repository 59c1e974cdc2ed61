/**
 * The applicant's journey in a real browser against the whole local stack: the form, the uploads to S3, the
 * confirmation, the status page; errors from the browser's checks and from the server; axe-core on every state.
 */
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addDaysIso, addYearsIso, formatLongDate, londonToday } from '../../lambdas/domain/dates.ts';
import { WORDS } from '../../lambdas/domain/policy.ts';
import { launchBrowser } from './browser.ts';
import {
  type Answers,
  axeViolations,
  emailsTo,
  fillApplication,
  fillApplicationByKeyboard,
  goodAnswers,
  ISO_DATE,
  newPage,
  pdfDocument,
  pngImage,
  RAW_CODE,
  submitByKeyboard,
  visibleText,
  waitForStage,
} from './support.ts';

const siteUrl = inject('siteUrl');
const apiUrl = inject('apiUrl');
const EMERGENCY_NOTICE = WORDS.emergencyNotice;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** The requests a page sends to the API, so a test can say none was sent. */
const apiRequests = (page: Page): Request[] => {
  const requests: Request[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(apiUrl)) requests.push(request);
  });
  return requests;
};

const text = async (page: Page, selector: string): Promise<string> =>
  ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe('applying', () => {
  it('takes a keyboard-only applicant from the form through both uploads to the status page in review', async () => {
    const page = await newPage(browser);
    const answers = goodAnswers();
    await page.goto(`${siteUrl}/`);
    expect(await text(page, '.emergency__text')).toBe(EMERGENCY_NOTICE);

    await fillApplicationByKeyboard(page, answers);
    const created = page.waitForRequest((request) => request.url() === `${apiUrl}/applications`);
    await submitByKeyboard(page);
    const request = await created;
    expect(request.headers()['idempotency-key']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
    const body = request.postDataJSON();
    expect(body.insurance.coverAmountGbp).toBe(1_500_000);
    expect(body.professional.accredited).toBe(true);
    expect(body.dbs).toMatchObject({
      hasCertificate: true,
      level: 'enhanced-barred-lists',
      onUpdateService: true,
    });

    await page.locator('#confirmation-title').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('confirmation-title');
    const uploads = page.locator('#upload-list .upload');
    expect(await uploads.count()).toBe(2);
    for (const upload of await uploads.all()) {
      expect(await upload.getAttribute('data-state')).toBe('done');
      expect(await upload.locator('.upload__percent').textContent()).toBe('100%');
      expect(await upload.locator('progress').evaluate((bar) => (bar as HTMLProgressElement).value)).toBe(
        100,
      );
    }
    const applicationId = await text(page, '#confirmation-id');
    expect(applicationId).toMatch(/^[0-9A-Z]{26}$/);
    expect(await text(page, '#confirmation-email')).toBe(answers.email);
    expect(await text(page, '#confirmation-dbs h2')).toBe(
      'Your DBS certificate meets our rules; we will check it',
    );
    const link = (await page.locator('#status-link').getAttribute('href')) ?? '';
    expect(link).toMatch(new RegExp(`^/status\\.html#id=${applicationId}&token=[\\w-]{40,}$`));

    const [email] = await emailsTo(apiUrl, answers.email);
    expect(email?.body.text).toContain(link.slice(link.indexOf('#')));

    await page.locator('#status-link').press('Enter');
    await page.waitForURL(`${siteUrl}${link}`);
    expect(await waitForStage(page, 'in-review')).toBe('in-review');
    expect(await text(page, 'h1')).toBe("We're reviewing your documents");
    expect(await text(page, '.stage-name')).toBe('Stage: In review');
    // Before anyone has reviewed it, the certificate "meets our rules": nobody has accepted it yet.
    expect(await text(page, '#dbs-title')).toBe('Your DBS certificate meets our rules; we will check it');
    const checklist = page.locator('.checklist__item');
    expect(await checklist.count()).toBeGreaterThan(2);
    expect(await page.locator('.checklist__item[data-status="waiting-on-us"]').count()).toBe(1);
    expect(await page.locator('.documents__item').allTextContents()).toEqual([
      expect.stringContaining('Received'),
      expect.stringContaining('Received'),
    ]);
    expect(await page.locator('input[type="file"]').count()).toBe(0);
    // The words a person reads: no internal name, no date written the machine's way.
    const words = await visibleText(page);
    expect(words).not.toMatch(RAW_CODE);
    expect(words).not.toMatch(ISO_DATE);
    await page.context().close();
  });

  it('shows a bad value next to its field and in the summary: caught in the browser, or by the server', async () => {
    const page = await newPage(browser);
    const requests = apiRequests(page);
    await page.goto(`${siteUrl}/`);
    await fillApplication(page, goodAnswers({ email: 'aisha.okafor@' }));
    await page.getByRole('button', { name: 'Submit application' }).click();

    await page.locator('#error-summary').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.locator('#error-summary li').allTextContents()).toEqual([
      'Enter a valid email address',
    ]);
    expect(await text(page, '#applicant-email-error')).toBe('Error: Enter a valid email address');
    const email = page.locator('#applicant-email');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await email.getAttribute('aria-describedby')).toContain('applicant-email-error');
    expect(requests).toEqual([]);
    await page.getByRole('link', { name: 'Enter a valid email address' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('applicant-email');

    await email.fill(goodAnswers().email);
    // The server's own rules, run in the browser before anything is sent: cover, the policy's end, the DBS date.
    const today = londonToday(new Date());
    await page.getByLabel('Amount of cover').fill('999999');
    await page.getByLabel('Policy end date').fill(addDaysIso(today, -1));
    await page.getByLabel('Date of issue').fill(addDaysIso(today, 1));
    await page.getByRole('button', { name: 'Submit application' }).click();
    await page.locator('#insurance-coverAmountGbp-error').waitFor();
    expect(await text(page, '#insurance-coverAmountGbp-error')).toBe(
      'Error: Cover must be at least £1,000,000',
    );
    expect(await text(page, '#insurance-endDate-error')).toBe(
      `Error: The policy has ended: it must end on ${formatLongDate(today)} (today) or later`,
    );
    expect(await text(page, '#dbs-issueDate-error')).toBe(
      `Error: The issue date cannot be in the future: use ${formatLongDate(today)} or earlier`,
    );
    expect(
      await page.locator('#error-summary a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))),
    ).toEqual(expect.arrayContaining(['#insurance-coverAmountGbp', '#insurance-endDate', '#dbs-issueDate']));
    expect(await page.locator('#applicant-email-error').count()).toBe(0);
    expect(requests).toEqual([]);
    expect(await axeViolations(page), 'rules refused in the browser').toEqual([]);

    // What only the server can know still lands in the summary: this address already has an open application.
    const taken = goodAnswers();
    const first = await fetch(`${apiUrl}/applications`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(apiBody(taken)),
    });
    expect(first.status).toBe(201);
    await email.fill(taken.email);
    await page.getByLabel('Amount of cover').fill(taken.coverAmountGbp);
    await page.getByLabel('Policy end date').fill(taken.insuranceEnd);
    await page.getByLabel('Date of issue').fill(taken.dbsIssueDate);
    const answered = page.waitForResponse((response) => response.url() === `${apiUrl}/applications`);
    await page.getByRole('button', { name: 'Submit application' }).click();
    expect((await answered).status()).toBe(409);
    await expect
      .poll(() => text(page, '#error-summary'))
      .toContain('An application with this email address is already open');
    expect(await page.locator('#insurance-coverAmountGbp-error').count()).toBe(0);
    expect(await page.locator('#apply').isVisible()).toBe(true);
    await page.context().close();
  });
});

describe('the DBS questions', () => {
  it('asks whether to apply on the applicant’s behalf exactly when a new certificate is required', async () => {
    const page = await newPage(browser);
    await page.goto(`${siteUrl}/`);
    const question = page.locator('#dbs-choice');
    const fee = page.getByLabel('I agree to pay the DBS application fee');
    expect(await question.isVisible()).toBe(false);

    await page.locator('#dbs-hasCertificate-no').check();
    expect(await question.isVisible()).toBe(true);
    expect(await text(page, '#dbs-assessment')).toMatch(/^No DBS certificate/);
    expect(await fee.isVisible()).toBe(false);
    await page.locator('#dbs-applyOnMyBehalf').check();
    expect(await fee.isVisible()).toBe(true);

    await page.locator('#dbs-hasCertificate').check();
    const today = londonToday(new Date());
    await page.getByLabel('Level of check').selectOption('enhanced');
    await page.getByLabel('Date of issue').fill(addYearsIso(today, -1));
    expect(await question.isVisible()).toBe(false);
    await page.getByLabel('Date of issue').fill(addYearsIso(today, -4));
    expect(await question.isVisible()).toBe(true);
    expect(await text(page, '#dbs-assessment')).toContain('more than 3 years before');
    await page.getByLabel('Date of issue').fill(addYearsIso(today, -1));
    await page.getByLabel('Level of check').selectOption('standard');
    expect(await question.isVisible()).toBe(true);
    expect(await text(page, '#dbs-assessment')).toContain('standard certificate is not accepted');
    await page.context().close();
  });
});

/** The API body of an applicant's answers, without a DBS certificate. */
const apiBody = (answers: Answers) => ({
  applicant: {
    firstName: answers.firstName,
    lastName: answers.lastName,
    email: answers.email,
    phone: answers.phone,
    dateOfBirth: answers.dateOfBirth,
    postcode: answers.postcode,
  },
  professional: { body: answers.body, membershipNumber: answers.membershipNumber, accredited: true },
  dbs: { hasCertificate: false, applyOnMyBehalf: false },
  insurance: {
    insurer: answers.insurer,
    policyNumber: answers.policyNumber,
    coverAmountGbp: Number(answers.coverAmountGbp),
    basis: 'aggregate',
    startDate: answers.insuranceStart,
    endDate: answers.insuranceEnd,
  },
  consents: { privacyNotice: true, criminalRecordProcessing: true },
});

/** An application made through the API, its documents not yet sent: what the status page's uploads are for. */
const applyWithoutUploading = async (): Promise<{ id: string; token: string }> => {
  const response = await fetch(`${apiUrl}/applications`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(apiBody(goodAnswers())),
  });
  expect(response.status).toBe(201);
  const created = (await response.json()) as { applicationId: string; accessToken: string };
  return { id: created.applicationId, token: created.accessToken };
};

describe('the status page', () => {
  it('takes a document the application still needs, shows why a bad one was refused, and moves on', async () => {
    const { id, token } = await applyWithoutUploading();
    const page = await newPage(browser);
    await page.goto(`${siteUrl}/status.html#id=${id}&token=${token}`);
    expect(await waitForStage(page, 'awaiting-documents')).toBe('awaiting-documents');
    expect(await text(page, 'h1')).toBe("We're waiting for your documents");
    expect(await page.locator('.checklist__item[data-status="waiting-on-you"]').count()).toBe(1);
    const insurance = page.locator('.documents__item[data-document="indemnity-insurance"]');
    expect(await insurance.locator('.documents__state').textContent()).toBe('Not received yet');

    // Named and typed as a PDF, but the bytes are a PNG: the document check looks at the bytes.
    await page.getByLabel('Choose your insurance schedule').setInputFiles({
      name: 'schedule.pdf',
      mimeType: 'application/pdf',
      buffer: pngImage(),
    });
    await page.getByRole('button', { name: 'Upload insurance schedule' }).click();
    await insurance.locator('.documents__state', { hasText: 'We could not accept it' }).waitFor();

    await page.getByLabel('Choose your insurance schedule').setInputFiles({
      name: 'schedule.pdf',
      mimeType: 'application/pdf',
      buffer: pdfDocument(),
    });
    await page.getByRole('button', { name: 'Upload insurance schedule' }).click();
    await page.locator('.upload[data-state="done"]').waitFor();
    expect(await page.locator('.upload__percent').textContent()).toBe('100%');
    expect(await waitForStage(page, 'in-review')).toBe('in-review');
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('shows an upload as being checked for viruses until the scan finds it clean', async () => {
    const holdScans = (held: boolean) =>
      fetch(`${apiUrl}/__dev/scanner`, { method: 'POST', body: JSON.stringify({ held }) });
    const { id, token } = await applyWithoutUploading();
    // The local scanner (lib/local/scanner.ts) holds its scans, as GuardDuty takes its time in the cloud.
    expect((await holdScans(true)).status).toBe(200);
    try {
      const page = await newPage(browser);
      await page.goto(`${siteUrl}/status.html#id=${id}&token=${token}`);
      expect(await waitForStage(page, 'awaiting-documents')).toBe('awaiting-documents');
      await page.getByLabel('Choose your insurance schedule').setInputFiles({
        name: 'schedule.pdf',
        mimeType: 'application/pdf',
        buffer: pdfDocument(),
      });
      await page.getByRole('button', { name: 'Upload insurance schedule' }).click();
      const checking =
        'Uploaded. We are checking it for viruses: it shows as received once the check is done.';
      await page.locator('.upload__checking', { hasText: checking }).waitFor();

      await page.reload();
      expect(await waitForStage(page, 'awaiting-documents')).toBe('awaiting-documents');
      const insurance = page.locator('.documents__item[data-document="indemnity-insurance"]');
      expect(await insurance.locator('.documents__state').textContent()).toBe(checking);
      // Nothing to upload again while it is being checked, and nothing holding the application up.
      expect(await insurance.getByRole('button').count()).toBe(0);
      expect(await page.locator('#blocking-title').count()).toBe(0);
      expect(await text(page, '.checklist__item[data-status="waiting-on-you"] .checklist__detail')).toMatch(
        /^Checking for viruses: /,
      );
      expect(await axeViolations(page)).toEqual([]);

      await holdScans(false);
      await expect
        .poll(async () => {
          await page.reload();
          return page.locator('#status').getAttribute('data-stage');
        })
        .toBe('in-review');
      await page.context().close();
    } finally {
      await holdScans(false);
    }
  });

  it('says so when the link does not open an application', async () => {
    const page = await newPage(browser);
    await page.goto(`${siteUrl}/status.html#id=01ARZ3NDEKTSV4RRFFQ69G5FAV&token=not-the-token`);
    await page.locator('h1', { hasText: 'Application not found' }).waitFor();
    expect(await text(page, '#status-root > p')).toBe(
      'This link does not open an application. A newer link may have replaced it: open the link in our latest email, or we can email you a new one.',
    );
    expect(await page.getByRole('button', { name: 'Email me a new link' }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });
});

describe('accessibility (axe-core)', () => {
  it('finds no violations on the form, its error state, the confirmation and the status page', async () => {
    const page = await newPage(browser);
    await page.goto(`${siteUrl}/`);
    expect(await axeViolations(page), 'form').toEqual([]);

    await page.getByRole('button', { name: 'Submit application' }).click();
    await page.locator('#error-summary').waitFor();
    expect(await axeViolations(page), 'errors').toEqual([]);

    await page.reload();
    await fillApplication(page, goodAnswers());
    await page.locator('#dbs-hasCertificate-no').check();
    await page.locator('#dbs-applyOnMyBehalf').check();
    expect(await axeViolations(page), 'form with the DBS questions open').toEqual([]);
    await page.locator('#dbs-hasCertificate').check();
    await page.getByRole('button', { name: 'Submit application' }).click();
    await page.locator('#confirmation-title').waitFor();
    expect(await axeViolations(page), 'confirmation').toEqual([]);

    await page.locator('#status-link').click();
    await page.locator('[data-stage]').waitFor();
    expect(await axeViolations(page), 'status page').toEqual([]);
    await page.context().close();
  });
});
