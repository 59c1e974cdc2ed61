/**
 * The affiliate team's pages in a real browser against the local stack: local sign-in, the queue, one application
 * with its documents previewed, a review refused for a missing check (422) and then approved; who may not see it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  api,
  createApplication,
  postUpload,
  type Upload,
  uploadAll,
  waitForStage,
} from '../integration/support.ts';
import { launchBrowser } from './browser.ts';
import {
  axeViolations,
  ISO_DATE,
  newPage,
  PHONE,
  pageWidths,
  pdfDocument,
  pngImage,
  RAW_CODE,
  visibleText,
} from './support.ts';

const siteUrl = inject('siteUrl');
const apiUrl = inject('apiUrl');
/** Where the browser fetches documents: the download links go through the IAM gateway, signed by the function. */
const s3Url = inject('iamEndpoints').s3;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const text = async (page: Page, selector: string): Promise<string> =>
  ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** An application in review with a PDF DBS certificate and a PNG insurance schedule, as applicants send them. */
const inReviewWithPdfAndImage = async () => {
  const app = await createApplication();
  const dbs = app.uploads.find((upload) => upload.document === 'dbs-certificate');
  if (!dbs) throw new Error('no DBS certificate upload');
  expect((await postUpload(dbs, pdfDocument())).status).toBe(204);
  const png = await api<Upload>('POST', `/applications/${app.applicationId}/uploads`, {
    token: app.accessToken,
    body: { document: 'indemnity-insurance', contentType: 'image/png' },
  });
  expect(png.status).toBe(201);
  expect((await postUpload(png.body, pngImage())).status).toBe(204);
  await waitForStage(app, 'in-review');
  return app;
};

const signInLocally = async (page: Page): Promise<void> => {
  await page.getByRole('button', { name: 'Sign in (local development)' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
};

describe('the staff pages on a phone (375 px)', { timeout: 120_000 }, () => {
  it('keep the queue, an application and the report inside the screen, header and footer full width', async () => {
    const app = await inReviewWithPdfAndImage();
    const page = await newPage(browser, PHONE);
    await page.goto(`${siteUrl}/staff/`);
    await signInLocally(page);
    await page.locator(`tr[data-application-id="${app.applicationId}"]`).waitFor();
    expect(await pageWidths(page), 'queue').toEqual({ viewport: 375, page: 375, header: 375, footer: 375 });
    expect(await axeViolations(page), 'queue at 375 px').toEqual([]);

    await page.goto(`${siteUrl}/staff/application.html#id=${app.applicationId}`);
    await page.locator('[data-stage="in-review"]').waitFor();
    await page.locator('.history tbody tr').first().waitFor();
    expect(await pageWidths(page), 'application').toEqual({
      viewport: 375,
      page: 375,
      header: 375,
      footer: 375,
    });
    expect(await visibleText(page)).not.toMatch(RAW_CODE);
    expect(await axeViolations(page), 'application at 375 px').toEqual([]);

    await page.goto(`${siteUrl}/staff/reports.html#asOf=2000-01-03`);
    await page.locator('#report-empty').waitFor();
    expect(await pageWidths(page), 'report').toEqual({ viewport: 375, page: 375, header: 375, footer: 375 });
    expect(await page.getByRole('button', { name: 'Download CSV' }).isVisible()).toBe(true);
    expect(await axeViolations(page), 'empty report at 375 px').toEqual([]);
    await page.context().close();
  });
});

describe('uploads being checked for viruses', { timeout: 120_000 }, () => {
  it('shows a document as "checking" with no preview or link, then the document once scanned clean', async () => {
    // The local scanner (lib/local/scanner.ts) holds its scans, as GuardDuty takes its time in the cloud.
    await api('POST', '/__dev/scanner', { body: { held: true } });
    try {
      const app = await createApplication();
      await uploadAll(app);
      const page = await newPage(browser);
      await page.goto(`${siteUrl}/staff/`);
      await signInLocally(page);
      await expect
        .poll(async () => {
          await page.goto(`${siteUrl}/staff/application.html#id=${app.applicationId}`);
          await page.locator('[data-stage="awaiting-documents"]').waitFor();
          return page.locator('[data-scan="checking"]').count();
        })
        .toBe(2);
      expect(await text(page, '[data-document="dbs-certificate"] [data-scan="checking"]')).toBe(
        'DBS certificate: uploaded, being checked for viruses. It can be opened once the check finds it clean; reload the page in a minute.',
      );
      expect(await page.locator('.documents .preview__frame, .documents .preview__image').count()).toBe(0);
      expect(await page.locator(`.documents a[href^="${s3Url}"]`).count()).toBe(0);
      expect(await axeViolations(page), 'checking').toEqual([]);

      await api('POST', '/__dev/scanner', { body: { held: false } });
      await waitForStage(app, 'in-review');
      await page.reload();
      await page.locator('[data-stage="in-review"]').waitFor();
      expect(await page.locator('[data-scan="checking"]').count()).toBe(0);
      await page.locator('[data-document="dbs-certificate"] iframe.preview__frame').waitFor();
      await page.locator('[data-document="indemnity-insurance"] iframe.preview__frame').waitFor();
    } finally {
      await api('POST', '/__dev/scanner', { body: { held: false } });
    }
  });
});

describe('a staff review', () => {
  it('opens an application from the queue, previews its documents, refuses a missing check and approves', async () => {
    const app = await inReviewWithPdfAndImage();
    const page = await newPage(browser);
    const documentResponses: { url: string; status: number; type: string }[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(s3Url)) {
        documentResponses.push({
          url: response.url(),
          status: response.status(),
          type: response.headers()['content-type'] ?? '',
        });
      }
    });

    await page.goto(`${siteUrl}/staff/`);
    await page.locator('h1', { hasText: 'Sign in to see applications' }).waitFor();
    expect(await axeViolations(page), 'sign-in').toEqual([]);
    await signInLocally(page);
    // Signing in lands on the page's main heading, not the top of the document.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    expect(await text(page, '.tabs__tab[aria-current="page"]')).toMatch(/^In review/);
    const row = page.locator(`tr[data-application-id="${app.applicationId}"]`);
    await row.waitFor();
    // Each tab says how many applications its stage holds: the in-review tab counts the rows it lists.
    const inReview = Number(
      await page.locator('.tabs__tab[aria-current="page"] [data-count]').getAttribute('data-count'),
    );
    expect(inReview).toBeGreaterThanOrEqual(1);
    expect(inReview).toBeGreaterThanOrEqual(await page.locator('.queue tbody tr').count());
    expect(await page.locator('.tabs__tab [data-count]').count()).toBe(10);
    expect(
      await page.getByRole('link', { name: new RegExp(`^In review, ${inReview} applications?$`) }).count(),
    ).toBe(1);
    expect(await row.getByRole('link').textContent()).toBe('Alex Morgan');
    expect(await axeViolations(page), 'queue').toEqual([]);

    await row.getByRole('link', { name: 'Alex Morgan' }).click();
    await page.waitForURL(`${siteUrl}/staff/application.html#id=${app.applicationId}`);
    await page.locator('[data-stage="in-review"]').waitFor();
    expect(await text(page, 'h1')).toBe('Alex Morgan');

    const pdf = page.locator('[data-document="dbs-certificate"] iframe.preview__frame');
    expect(await pdf.getAttribute('title')).toBe('DBS certificate (PDF)');
    // Large enough to read a certificate number: the page's width and most of the window, fitted to its width.
    const frame = await pdf.boundingBox();
    expect(frame?.width).toBeGreaterThanOrEqual(1000);
    expect(frame?.height).toBeGreaterThanOrEqual(570);
    expect(await pdf.getAttribute('src')).toMatch(/#view=FitH&navpanes=0$/);
    const image = page.locator('[data-document="indemnity-insurance"] img.preview__image');
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), {
        timeout: 10_000,
      })
      .toBe(1);
    // The PDF viewer fetched the document itself (the frame's content is another origin's, out of reach).
    const pdfUrl = (await pdf.getAttribute('src'))?.split('#')[0];
    await expect
      .poll(
        () =>
          documentResponses.some((r) => r.url === pdfUrl && r.status === 200 && r.type === 'application/pdf'),
        { timeout: 10_000 },
      )
      .toBe(true);
    expect(await text(page, '[data-assessment]')).toBe('Current');

    // "Open in a new tab" opens a page titled with the applicant's name and the document, not an internal id.
    const [tab] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByRole('link', { name: 'Open the dbs certificate in a new tab' }).click(),
    ]);
    await tab.locator('h1', { hasText: 'Alex Morgan – DBS certificate' }).waitFor();
    expect(await tab.title()).toBe('Alex Morgan – DBS certificate – Affiliate team');
    const full = await tab.locator('iframe.document-view__frame').boundingBox();
    expect(full?.width).toBeGreaterThanOrEqual(1000);
    expect(await axeViolations(tab), 'document page').toEqual([]);
    await tab.close();
    expect(await text(page, '.staff-section:has(#dbs-title) .facts')).toContain('001234567890');

    await page.getByLabel('I have seen the original DBS certificate').check();
    await page.getByLabel('How the DBS certificate was checked').selectOption('update-service');
    const refused = page.waitForResponse((response) => response.url().endsWith('/review'));
    await page.getByRole('button', { name: 'Approve' }).click();
    const refusal = await refused;
    expect(refusal.status()).toBe(422);
    expect(refusal.request().method()).toBe('POST');
    await page.locator('#checks-insuranceVerified-error').waitFor();
    // Each check not ticked is named: two refusals, two different messages.
    expect(await text(page, '#checks-insuranceVerified-error')).toBe(
      'Error: Record that the insurance is verified before approving',
    );
    expect(await text(page, '#checks-registerChecked-error')).toBe(
      'Error: Record that the professional register is checked before approving',
    );
    expect(await page.locator('#review-form .error-summary li').allTextContents()).toEqual([
      'Record that the insurance is verified before approving',
      'Record that the professional register is checked before approving',
    ]);
    expect(await page.getByLabel('The insurance is verified').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('[data-stage]').getAttribute('data-stage')).toBe('in-review');
    expect(await axeViolations(page), 'review with a field error').toEqual([]);

    await page.getByLabel('The insurance is verified').check();
    await page.getByLabel('The professional register is checked').check();
    const approved = page.waitForRequest((request) => request.url().endsWith('/review'));
    await page.getByRole('button', { name: 'Approve' }).click();
    expect((await approved).postDataJSON()).toEqual({
      decision: 'approve',
      checks: {
        dbsOriginalSeen: true,
        dbsCheckMethod: 'update-service',
        insuranceVerified: true,
        registerChecked: true,
      },
      note: '',
    });
    await page.locator('[data-stage="contract-sent"]').waitFor();
    expect(await text(page, '#action-result')).toBe('Approved: the application is now contract sent.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('action-result');
    expect(await page.locator('#review-form').count()).toBe(0);
    expect(await text(page, '#stage')).toBe('Contract sent');
    expect(await page.locator('.history tr[data-type="review-decided"]').count()).toBe(1);
    // The history in words: "Stage changed", “In review”, never step-waiting / awaiting-documents.
    expect(await text(page, '.history tr[data-type="review-decided"]')).toContain('Review decided');
    expect(await text(page, '.history tr[data-type="review-decided"]')).toContain('decision Approved');
    expect(await text(page, '.history tbody')).toContain('from “In review” to “Contract sent”');
    const words = await visibleText(page);
    expect(words).not.toMatch(RAW_CODE);
    expect(words).not.toMatch(ISO_DATE);
    expect(await axeViolations(page), 'after approval').toEqual([]);
    await page.context().close();
  }, 120_000);

  it('asks for a confirmation before rejecting, and shows only the actions of the stage', async () => {
    const app = await createApplication();
    await uploadAll(app);
    await waitForStage(app, 'in-review');
    const page = await newPage(browser);
    await page.goto(`${siteUrl}/staff/application.html#id=${app.applicationId}`);
    await signInLocally(page);
    await page.locator('[data-stage="in-review"]').waitFor();
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(apiUrl) && request.method() === 'POST') requests.push(request.url());
    });
    expect(await page.locator('#dbs-form, #induction-form').count()).toBe(0);

    await page.getByRole('button', { name: 'Reject' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('reject-confirm-text');
    expect(requests).toEqual([]);
    expect(await axeViolations(page), 'reject confirmation').toEqual([]);
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('button', { name: 'Yes, reject it' }).isVisible()).toBe(false);

    await page.getByLabel('How the DBS certificate was checked').selectOption('in-person');
    await page.getByLabel('Note to the applicant').fill('Your membership could not be confirmed.');
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByRole('button', { name: 'Yes, reject it' }).click();
    await page.locator('[data-stage="rejected"]').waitFor();
    expect(requests).toEqual([`${apiUrl}/staff/applications/${app.applicationId}/review`]);
    expect(await text(page, '#no-action')).toBe('There is nothing for the team to do in this stage.');
    await page.context().close();
  });

  it('tells someone outside the affiliate team why they see nothing, and signs them out', async () => {
    const outsider = await api<{ token: string }>('GET', '/__dev/staff-token?groups=');
    const page = await newPage(browser);
    await page.goto(`${siteUrl}/staff/`);
    await page.evaluate((token) => sessionStorage.setItem('staff-id-token', token), outsider.body.token);
    await page.reload();
    await page.locator('h1', { hasText: 'You need to be in the affiliate team' }).waitFor();
    expect(await axeViolations(page), 'not in the team').toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('h1', { hasText: 'Sign in to see applications' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('staff-id-token'))).toBeNull();
    await page.context().close();
  });
});
