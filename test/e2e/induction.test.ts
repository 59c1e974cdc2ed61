/**
 * The induction window on the pages (issue 7 item 7, DESIGN §3): staff extend a window from the application page,
 * before it closes and after the sweep closed it; the applicant's status page shows the new last start date.
 * axe-clean at each step.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatLongDate } from '../../lambdas/domain/dates.ts';
import { approveToAwaitingAvailability, toInReview } from '../integration/journey.ts';
import { api, isoDaysFromToday, waitForStage } from '../integration/support.ts';
import { launchBrowser } from './browser.ts';
import { axeViolations, newPage } from './support.ts';

const siteUrl = inject('siteUrl');
// A whole journey, two pages and five axe scans each: more than the project's 60 s on a loaded 2-core machine.

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const text = async (page: Page, selector: string): Promise<string> =>
  ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

const openAsStaff = async (applicationId: string): Promise<Page> => {
  const page = await newPage(browser);
  await page.goto(`${siteUrl}/staff/application.html#id=${applicationId}`);
  await page.getByRole('button', { name: 'Sign in (local development)' }).click();
  await page.locator('#application').waitFor();
  return page;
};

describe('extending an induction window on the staff page', () => {
  it('extends an open window with a reason; the applicant sees the new last start date', async () => {
    const app = await toInReview();
    await approveToAwaitingAvailability(app, isoDaysFromToday(-10)); // the window ends in 4 days
    const staffPage = await openAsStaff(app.applicationId);
    const form = staffPage.locator('#extension-form');
    await form.waitFor();
    expect(await text(staffPage, '#extension-title')).toBe('Extend the induction window');
    expect(await staffPage.locator('#application').textContent()).toContain(
      `The applicant can start until ${formatLongDate(isoDaysFromToday(4))}`,
    );
    expect(await axeViolations(staffPage), 'staff: extension form').toEqual([]);

    // Nothing filled in: stopped in the browser, each field named, nothing sent.
    const posts: string[] = [];
    staffPage.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    await form.getByRole('button', { name: 'Extend the window' }).click();
    await staffPage.locator('#reason-error').waitFor();
    await staffPage.locator('#lastStartDate-error').waitFor();
    expect(posts).toEqual([]);
    expect(await axeViolations(staffPage), 'staff: extension errors').toEqual([]);

    // Too far ahead: the server's 422 is shown next to the date.
    await form.getByLabel('New last start date').fill(isoDaysFromToday(15));
    await form.getByLabel('Reason').fill('Unwell the week after the induction');
    await form.getByRole('button', { name: 'Extend the window' }).click();
    await staffPage.locator('#lastStartDate-error', { hasText: 'at most 14 days from today' }).waitFor();

    await form.getByLabel('New last start date').fill(isoDaysFromToday(10));
    await form.getByRole('button', { name: 'Extend the window' }).click();
    await staffPage.locator('#action-result').waitFor();
    expect(await text(staffPage, '#action-result')).toBe(
      `Induction window extended to ${formatLongDate(isoDaysFromToday(10))}: the application is awaiting availability and the applicant has been emailed.`,
    );
    const record = await staffPage.locator('#application').textContent();
    expect(record).toContain('Unwell the week after the induction');

    const page = await newPage(browser);
    await page.goto(`${siteUrl}/status.html#id=${app.applicationId}&token=${app.accessToken}`);
    await page.locator('#deadlines-title').waitFor();
    expect(await page.locator('.deadlines').textContent()).toContain(formatLongDate(isoDaysFromToday(10)));
    expect(await page.locator('body').textContent()).not.toContain('Unwell');
    expect(await axeViolations(page), 'applicant: extended window').toEqual([]);
  }, 120_000);

  it('after the sweep closed the window, staff can still extend it and the application waits for availability again', async () => {
    const app = await toInReview();
    await approveToAwaitingAvailability(app, isoDaysFromToday(-14)); // the window ends today
    const sweep = await api<Record<string, number>>('POST', '/__dev/schedules/onboarding-sweep', {
      body: { asOf: `${isoDaysFromToday(1)}T12:00:00Z` },
    });
    expect(sweep.body.inductionsExpired).toBeGreaterThanOrEqual(1);
    await waitForStage(app, 'induction-invited');

    const staffPage = await openAsStaff(app.applicationId);
    await staffPage.locator('#induction-form').waitFor();
    const form = staffPage.locator('#extension-form');
    await form.waitFor();
    expect(await staffPage.locator('#application').textContent()).toContain(
      `closed on ${formatLongDate(isoDaysFromToday(0))} without availability`,
    );
    expect(await axeViolations(staffPage), 'staff: closed window').toEqual([]);
    await form.getByLabel('New last start date').fill(isoDaysFromToday(7));
    await form.getByLabel('Reason').fill('Missed the email');
    await form.getByRole('button', { name: 'Extend the window' }).click();
    await staffPage.locator('#action-result', { hasText: 'awaiting availability' }).waitFor();
    expect(await text(staffPage, '#stage')).toBe('Awaiting availability');
    await waitForStage(app, 'awaiting-availability');
  }, 120_000);
});
