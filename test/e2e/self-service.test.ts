/**
 * An active therapist keeps their own details current on the status page (issue 11 §2), in a real browser against
 * the local stack, keyboard only: a change of availability on the week grid from a later date, a pause (a 43-day
 * one stopped in the browser with the reason next to the field), and a renewed insurance schedule uploaded for the
 * team to verify, which staff then find in the "To verify" tab. axe clean at each step.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addDaysIso, formatLongDate } from '../../lambdas/domain/dates.ts';
import { toActive } from '../integration/journey.ts';
import { isoDaysFromToday } from '../integration/support.ts';
import { launchBrowser } from './browser.ts';
import { axeViolations, chooseFile, newPage, pdfDocument, tabTo, typeDate } from './support.ts';

const siteUrl = inject('siteUrl');

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const text = async (page: Page, selector: string): Promise<string> =>
  ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

const PARTS = {
  'change-availability': 'Change my availability',
  pause: 'Pause for a holiday',
  renewals: 'Send a renewed insurance schedule or a new DBS certificate',
} as const;

/** Opens one part of the panel with the keyboard: Tab to its summary from where the focus is, press Enter. */
const openPart = async (page: Page, id: keyof typeof PARTS): Promise<void> => {
  await tabTo(page, PARTS[id], 20);
  await page.keyboard.press('Enter');
  expect(await page.locator(`#${id}`).getAttribute('open')).toBe('');
};

describe('the self-service panel of an active therapist', () => {
  it('changes availability, books a pause and sends a renewal, by keyboard; staff see it to verify', async () => {
    // journey.ts's availability(): Monday 09:00-11:00 and Saturday 22:00-24:00, 4 patients, from today.
    const app = await toActive(undefined, isoDaysFromToday(0));
    const page = await newPage(browser);
    await page.goto(`${siteUrl}/status.html#id=${app.applicationId}&token=${app.accessToken}`);
    await page.locator('#self-service').waitFor();
    expect(await text(page, '#self-service-title')).toBe('Keep your details up to date');
    expect(await axeViolations(page), 'panel closed').toEqual([]);

    // 1. Availability from tomorrow: one more hour on Monday (11:00-12:00), 5 patients.
    const tomorrow = isoDaysFromToday(1);
    await page.locator('body').focus();
    await openPart(page, 'change-availability');
    expect(await page.getByLabel('How many patients can you see each week?').inputValue()).toBe('4');
    expect(await axeViolations(page), 'availability form').toEqual([]);
    await tabTo(page, 'How many patients can you see each week?');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('5');
    await typeDate(page, 'From which day?', tomorrow);
    await tabTo(page, 'Monday 09:00 to 10:00', 20);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    expect(await text(page, '#change-hours-summary')).toContain('5 hours a week');
    await tabTo(page, 'Save my new availability');
    await page.keyboard.press('Enter');
    await page.locator('#action-result').waitFor();
    expect(await text(page, '#action-result')).toBe(
      `Your new availability is saved, from ${formatLongDate(tomorrow)}. We have emailed you a receipt.`,
    );
    expect(await text(page, '#pending-availability')).toBe(
      `From ${formatLongDate(tomorrow)}: 5 patients a week, Monday 09:00 to 12:00; Saturday 22:00 to 24:00. A new change replaces this one.`,
    );
    expect(await axeViolations(page), 'availability changed').toEqual([]);

    // 2. A pause of 43 days is stopped in the browser, next to the field; 42 days are booked.
    await openPart(page, 'pause');
    await typeDate(page, 'First day of the pause', tomorrow);
    await typeDate(page, 'Last day of the pause', addDaysIso(tomorrow, 42));
    await tabTo(page, 'Book my pause');
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/pauses')) posts.push(request.url());
    });
    await page.keyboard.press('Enter');
    await page.locator('#to-error').waitFor();
    expect(await text(page, '#to-error')).toContain('A pause lasts at most 42 days');
    expect(posts).toEqual([]);
    expect(await axeViolations(page), 'pause with an error').toEqual([]);
    // The error summary has the focus: its link leads to the field; one back, then Tab into it to type again.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('to');
    await page.keyboard.press('Shift+Tab');
    await typeDate(page, 'Last day of the pause', addDaysIso(tomorrow, 41));
    await tabTo(page, 'Book my pause', 3);
    await page.keyboard.press('Enter');
    await page.locator('#action-result').getByText('is booked').waitFor();
    await openPart(page, 'pause');
    expect(await text(page, '#pauses li')).toBe(
      `${formatLongDate(tomorrow)} to ${formatLongDate(addDaysIso(tomorrow, 41))}`,
    );
    expect(await axeViolations(page), 'pause booked').toEqual([]);

    // 3. A renewed insurance schedule, chosen and sent by keyboard.
    await openPart(page, 'renewals');
    await chooseFile(page, 'Your renewed insurance schedule', {
      name: 'insurance-2027.pdf',
      mimeType: 'application/pdf',
      buffer: pdfDocument(),
    });
    await tabTo(page, 'Upload insurance schedule');
    await page.keyboard.press('Enter');
    await page
      .locator('#action-result')
      .getByText('We have your insurance schedule')
      .waitFor({ timeout: 30_000 });
    await openPart(page, 'renewals');
    expect(await text(page, '#renewals-waiting li')).toMatch(/^Insurance schedule, received /);
    expect(await axeViolations(page), 'renewal waiting').toEqual([]);

    // Staff: the "To verify" tab lists the therapist; the application shows the renewal to verify.
    const staffPage = await newPage(browser);
    await staffPage.goto(`${siteUrl}/staff/index.html#stage=to-verify`);
    await staffPage.getByRole('button', { name: 'Sign in (local development)' }).click();
    const row = staffPage.locator(`tr[data-application-id="${app.applicationId}"]`);
    await row.waitFor();
    expect(await text(staffPage, '#queue-title')).toBe('To verify');
    expect((await row.textContent()) ?? '').toContain('Renewed insurance schedule');
    expect(await axeViolations(staffPage), 'staff: to verify').toEqual([]);
    await row.getByRole('link').click();
    await staffPage.locator('[data-renewal="indemnity-insurance"]').waitFor();
    expect(await text(staffPage, '#renewals-title')).toBe('To verify');
    expect(await text(staffPage, `[data-effective-from="${tomorrow}"] h3`)).toBe(
      `From ${formatLongDate(tomorrow)}: 5 patients a week`,
    );
    expect(await text(staffPage, '#pauses li')).toBe(
      `${formatLongDate(tomorrow)} to ${formatLongDate(addDaysIso(tomorrow, 41))}`,
    );
    expect(await axeViolations(staffPage), 'staff: renewal on the application').toEqual([]);
  }, 180_000);
});
