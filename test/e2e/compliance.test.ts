/**
 * Compliance in a real browser against the local stack (issue 4): the report page a therapist overdue for a DBS
 * renewal shows up on, its CSV download, and the renewals staff record on the application page that clear the
 * flags; the note left where retention deleted a DBS certificate image.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addDaysIso, addMonthsIso, addYearsIso, formatLongDate } from '../../lambdas/domain/dates.ts';
import { toActive } from '../integration/journey.ts';
import { api, isoDaysFromToday, validApplication } from '../integration/support.ts';
import { launchBrowser } from './browser.ts';
import { axeViolations, newPage, PHONE, pageWidths, RAW_CODE, visibleText } from './support.ts';

const siteUrl = inject('siteUrl');
const apiUrl = inject('apiUrl');

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const text = async (page: Page, selector: string): Promise<string> =>
  ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** Runs a scheduled Lambda as the local scheduler would, as of midday on `date`. */
const runSchedule = async (name: 'dbs-audit' | 'retention', date: string) => {
  const res = await api('POST', `/__dev/schedules/${name}`, { body: { asOf: `${date}T12:00:00Z` } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
};

const signInLocally = async (page: Page): Promise<void> => {
  await page.getByRole('button', { name: 'Sign in (local development)' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
};

// Several scheduled runs and a browser walk each: slower than the default on a loaded machine.
describe('the compliance report and renewals', { timeout: 180_000 }, () => {
  it('lists a therapist overdue for a DBS renewal, downloads the CSV, and clears the flag with a renewed certificate', async () => {
    // Issued 400 days ago: accepted, with a new certificate due 6 months after the start date.
    const body = validApplication({ dbsIssueDaysAgo: 400 });
    Object.assign(body.dbs, { acceptsFee: true });
    const app = await toActive(body);
    const due = addMonthsIso(app.startDate, 6);
    const asOf = addDaysIso(due, 1);
    await runSchedule('dbs-audit', asOf);

    const page = await newPage(browser);
    await page.goto(`${siteUrl}/staff/reports.html#asOf=${asOf}`);
    await signInLocally(page);
    const row = page.locator(`tr[data-application-id="${app.applicationId}"]`);
    await row.waitFor();
    expect(await page.title()).toBe(`Compliance report as of ${formatLongDate(asOf)} – Affiliate team`);
    expect(await page.getByLabel('As of').inputValue()).toBe(asOf);
    expect(await page.getByRole('link', { name: 'Compliance report' }).getAttribute('aria-current')).toBe(
      'page',
    );
    expect(await text(page, '#report caption')).toBe(
      `Therapists with something due as of ${formatLongDate(asOf)}, overdue first`,
    );
    expect(await row.getAttribute('data-status')).toBe('overdue');
    const cells = (await row.locator('th, td').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(cells[0]).toBe(`Alex Morgan${app.applicationId}`);
    expect(cells[1]).toBe('Overdue');
    expect(cells[2]).toBe(`Our renewal application due${formatLongDate(due)}1 day ago`);
    expect(cells[4]).toBe('DBS renewal not applied for');
    // Overdue rows come before any other.
    const statuses = await page
      .locator('#report tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(statuses.indexOf('overdue')).toBe(0);
    expect(statuses.lastIndexOf('overdue')).toBe(statuses.filter((s) => s === 'overdue').length - 1);
    expect(Number(await text(page, '[data-count="overdue"]'))).toBe(
      statuses.filter((s) => s === 'overdue').length,
    );
    expect(await axeViolations(page), 'report').toEqual([]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`dbs-compliance-${asOf}.csv`);
    const csv = (await readFile(await download.path())).toString('utf8').split('\r\n');
    expect(csv[0]).toBe(
      'Application,Name,Status,DBS deadline,DBS due date,DBS days left,Insurance ends,Insurance days left,Flags',
    );
    expect(csv.find((line) => line.startsWith(app.applicationId))).toMatch(
      new RegExp(
        `^${app.applicationId},Alex Morgan,Overdue,Our renewal application due,${due},-1,\\d{4}-\\d{2}-\\d{2},\\d+,DBS renewal not applied for$`,
      ),
    );
    expect(await text(page, '#download-status')).toBe(`Downloaded dbs-compliance-${asOf}.csv.`);
    expect(await visibleText(page)).not.toMatch(RAW_CODE);

    // On a phone the report scrolls inside its own box; the page, its header and footer stay the screen's width.
    await page.setViewportSize(PHONE);
    expect(await pageWidths(page)).toEqual({ viewport: 375, page: 375, header: 375, footer: 375 });
    const scroller = page.locator('.table-scroll:has(#report)');
    const box = await scroller.evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth }));
    expect(box.client).toBeLessThanOrEqual(375);
    expect(await page.getByRole('button', { name: 'Download CSV' }).isVisible()).toBe(true);
    expect(await axeViolations(page), 'report at 375 px').toEqual([]);
    await page.setViewportSize({ width: 1280, height: 720 });

    await row.getByRole('link', { name: 'Alex Morgan' }).click();
    await page.waitForURL(`${siteUrl}/staff/application.html#id=${app.applicationId}`);
    await page.locator('[data-stage="active"]').waitFor();
    expect(await text(page, '#compliance-flags')).toBe('DBS renewal not applied for');
    expect(await text(page, '#compliance-dbs')).toMatch(
      new RegExp(`^Our renewal application due${formatLongDate(due)}`),
    );
    expect(await axeViolations(page), 'active application').toEqual([]);

    const form = page.locator('#renew-dbs-form');
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().startsWith(apiUrl)) posts.push(request.url());
    });
    await form.getByLabel('Certificate number').fill('1234 5678');
    await form.getByLabel('Date of issue').fill(isoDaysFromToday(0));
    await form.getByLabel('Level of check').selectOption('enhanced');
    await form.getByRole('button', { name: 'Record the renewed certificate' }).click();
    expect(await text(page, '#certificateNumber-error')).toBe(
      'Error: A DBS certificate number has 12 digits',
    );
    expect(await form.getByLabel('Certificate number').getAttribute('aria-invalid')).toBe('true');
    expect(posts).toEqual([]);
    expect(await axeViolations(page), 'renewal with a field error').toEqual([]);

    // An old certificate passes the form's checks but not the API's: its 422 lands next to the date.
    await form.getByLabel('Certificate number').fill('001122334455');
    await form.getByLabel('Date of issue').fill(isoDaysFromToday(-400));
    const refused = page.waitForResponse((response) => response.url().endsWith('/dbs'));
    await form.getByRole('button', { name: 'Record the renewed certificate' }).click();
    expect((await refused).status()).toBe(422);
    await page.locator('#issueDate-error').waitFor();
    expect(await text(page, '#issueDate-error')).toMatch(/^Error: The new certificate must be current/);
    expect(await page.locator('#certificateNumber-error').count()).toBe(0);

    await form.getByLabel('Date of issue').fill(isoDaysFromToday(0));
    await form.getByRole('button', { name: 'Record the renewed certificate' }).click();
    await page.locator('#action-result').waitFor();
    expect(await text(page, '#action-result')).toBe('Renewed DBS certificate recorded.');
    expect(await text(page, '#compliance-flags')).toBe('None');
    expect(await text(page, '#compliance-dbs')).toMatch(
      new RegExp(`^Re-check${formatLongDate(addYearsIso(isoDaysFromToday(0), 3))}`),
    );
    expect(await page.locator('.staff-section:has(#dbs-title) .facts').textContent()).toContain(
      '001122334455',
    );
    expect(await page.locator('.history tr[data-type="dbs-renewed"]').count()).toBe(1);
    expect(await axeViolations(page), 'after the renewal').toEqual([]);

    await page.goto(`${siteUrl}/staff/reports.html#asOf=${asOf}`);
    await page.locator('#report-counts').waitFor();
    expect(await row.count()).toBe(0);
    await page.context().close();
  });

  it('records renewed insurance after a refusal, and notes a DBS image deleted under the retention policy', async () => {
    const body = validApplication();
    body.insurance.endDate = isoDaysFromToday(40);
    const app = await toActive(body);
    // The first run is 3 days before the end: the 30- and 14-day reminders are passed over, the 7-day one goes out.
    await runSchedule('dbs-audit', addDaysIso(body.insurance.endDate, -3));
    await runSchedule('dbs-audit', addDaysIso(body.insurance.endDate, 1));

    const page = await newPage(browser);
    await page.goto(`${siteUrl}/staff/application.html#id=${app.applicationId}`);
    await signInLocally(page);
    await page.locator('[data-stage="active"]').waitFor();
    expect(await text(page, '#compliance-flags')).toBe('Insurance expired');
    // What was sent, not what catch-up marked as passed (30, 14 and 0 days before, and the flag's alert).
    expect(await text(page, '#compliance-reminders')).toBe(
      '1 to the therapist, 0 to the team (before each deadline)',
    );
    expect(await text(page, '.history tr[data-type="compliance-reminder-sent"]')).toContain(
      'insurance reminder, 7 days before the end',
    );

    const form = page.locator('#renew-insurance-form');
    await form.getByRole('button', { name: 'Record the renewed insurance' }).click();
    expect(await form.locator('.error-summary li').allTextContents()).toEqual([
      'Enter the name of the insurer',
      'Enter the policy number',
      'Enter the amount of cover in whole pounds',
      'Choose the basis of cover',
      'Enter the date the policy starts',
      'Enter the date the policy ends',
    ]);
    await form.getByLabel('Insurer').fill('Balens');
    await form.getByLabel('Policy number').fill('PI-2027');
    await form.getByLabel('Amount of cover').fill('£500,000');
    await form.getByLabel('Basis of cover').selectOption('aggregate');
    await form.getByLabel('Policy start date').fill(isoDaysFromToday(0));
    await form.getByLabel('Policy end date').fill(isoDaysFromToday(365));
    const refused = page.waitForResponse((response) => response.url().endsWith('/insurance'));
    await form.getByRole('button', { name: 'Record the renewed insurance' }).click();
    expect((await refused).status()).toBe(422);
    await page.locator('#coverAmountGbp-error').waitFor();
    expect(await text(page, '#coverAmountGbp-error')).toBe('Error: Cover must be at least £1,000,000');
    expect(await axeViolations(page), 'insurance refused').toEqual([]);

    await form.getByLabel('Amount of cover').fill('2,000,000');
    const sent = page.waitForRequest((request) => request.url().endsWith('/insurance'));
    await form.getByRole('button', { name: 'Record the renewed insurance' }).click();
    expect((await sent).postDataJSON()).toEqual({
      insurer: 'Balens',
      policyNumber: 'PI-2027',
      coverAmountGbp: 2_000_000,
      basis: 'aggregate',
      startDate: isoDaysFromToday(0),
      endDate: isoDaysFromToday(365),
    });
    await page.locator('#action-result').waitFor();
    expect(await text(page, '#action-result')).toBe('Renewed insurance recorded.');
    expect(await text(page, '#compliance-flags')).toBe('None');
    expect(await text(page, '#compliance-insurance')).toBe(
      `${formatLongDate(isoDaysFromToday(365))}in 365 days`,
    );
    expect(await text(page, '.staff-section:has(#insurance-title) .facts')).toContain('£2,000,000');

    // Reviewed today: the DBS certificate image goes 6 months on.
    await runSchedule('retention', addMonthsIso(isoDaysFromToday(0), 6));
    await page.reload();
    await page.locator('[data-stage="active"]').waitFor();
    const dbsDocument = page.locator('[data-document="dbs-certificate"]');
    expect(await text(page, '[data-document="dbs-certificate"] [data-retention="deleted"]')).toMatch(
      /^DBS certificate image deleted under the retention policy on .+\. The certificate number, date of issue, level and the review decision are kept\.$/,
    );
    expect(await dbsDocument.locator('iframe, img').count()).toBe(0);
    expect(await axeViolations(page), 'image deleted').toEqual([]);
    await page.context().close();
  });

  it('says when nothing is due, and refuses a report date that is not a date', async () => {
    const page = await newPage(browser);
    await page.goto(`${siteUrl}/staff/reports.html#asOf=2000-01-03`);
    await signInLocally(page);
    await page.locator('#report-empty').waitFor();
    expect(await text(page, '#report-empty')).toBe(
      'Nothing is due within 60 days of 3 January 2000, and nobody is flagged.',
    );
    expect(await page.locator('#report').count()).toBe(0);
    expect(await page.locator('[data-count]').allTextContents()).toEqual(['0', '0', '0']);
    // An empty report is still a record to keep: it downloads, as its header line.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('dbs-compliance-2000-01-03.csv');
    expect((await readFile(await download.path())).toString('utf8')).toBe(
      'Application,Name,Status,DBS deadline,DBS due date,DBS days left,Insurance ends,Insurance days left,Flags\r\n',
    );
    expect(await axeViolations(page), 'empty report').toEqual([]);

    await page.getByLabel('As of').fill('');
    await page.getByRole('button', { name: 'Show the report' }).click();
    expect(await text(page, '#asOf-error')).toBe('Error: Enter a date, like 1 March 2026');
    expect(await axeViolations(page), 'report date missing').toEqual([]);

    await page.getByLabel('As of').fill('2000-01-04');
    await page.getByRole('button', { name: 'Show the report' }).click();
    await page.waitForURL(`${siteUrl}/staff/reports.html#asOf=2000-01-04`);
    await page.locator('h2', { hasText: 'As of 4 January 2000' }).waitFor();
    await page.context().close();
  });
});
