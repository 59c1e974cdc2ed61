/**
 * Links that keep working (issue 12, item 2), in a real browser against the local stack: a link that no longer
 * opens the application ends on a page that offers "Email me a new link"; the new link from the email opens the
 * application and the old one no longer does. The page says the same for an address with no application.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApplication, emailsTo, eventually, statusLinks, uniqueEmail } from '../integration/support.ts';
import { launchBrowser } from './browser.ts';
import { axeViolations, newPage, waitForStage } from './support.ts';

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

const newLinkEmails = async (address: string) =>
  (await emailsTo(address)).filter((e) => e.subject === 'Your new link to your application');

describe('the dead-end page', () => {
  it('emails a new link that opens the application; the old link then ends on the same page', async () => {
    const app = await createApplication();
    const page = await newPage(browser);
    const oldLink = `${siteUrl}/status.html#id=${app.applicationId}&token=${app.accessToken}`;
    // Opened on another device, the link lost its token on the way.
    await page.goto(`${siteUrl}/status.html#id=${app.applicationId}`);
    await page.locator('h1', { hasText: 'We cannot open this application' }).waitFor();
    expect(await axeViolations(page), 'dead end').toEqual([]);

    // A mistyped address is caught in the browser, with the schema the API uses.
    await page.getByLabel('Email address').fill('not an address');
    await page.getByRole('button', { name: 'Email me a new link' }).click();
    await page.locator('#email-error').waitFor();
    expect(await text(page, '#email-error')).toBe('Error: Enter a valid email address');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    expect(await axeViolations(page), 'address refused').toEqual([]);

    await page.getByLabel('Email address').fill(app.email.toUpperCase());
    const answered = page.waitForResponse((r) => r.url().endsWith('/applications/access-links'));
    await page.getByLabel('Email address').press('Enter');
    expect((await answered).status()).toBe(202);
    await page.locator('#new-link-sent').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('new-link-sent');
    expect(await text(page, '#new-link-sent')).toContain('If an open application has this email address');
    expect(await axeViolations(page), 'new link sent').toEqual([]);

    const [mail] = await eventually(async () => {
      const found = await newLinkEmails(app.email);
      expect(found).toHaveLength(1);
      return found;
    });
    const link = statusLinks(mail as NonNullable<typeof mail>)[0];
    expect(link?.token).toBeDefined();
    await page.goto(`${siteUrl}/status.html#id=${link?.id}&token=${link?.token}`);
    expect(await waitForStage(page, 'awaiting-documents')).toBe('awaiting-documents');

    // The first email's link no longer opens it, and ends where a new link can be asked for.
    const other = await newPage(browser);
    await other.goto(oldLink);
    await other.locator('h1', { hasText: 'Application not found' }).waitFor();
    expect(await text(other, '#status-root p')).toContain('A newer link may have replaced it');
    expect(await other.getByRole('button', { name: 'Email me a new link' }).count()).toBe(1);
    expect(await axeViolations(other), 'old link').toEqual([]);
    await other.context().close();
    await page.context().close();
  });

  it('answers an address with no application exactly as one with an application, and sends nothing', async () => {
    const page = await newPage(browser);
    await page.goto(`${siteUrl}/status.html#id=01ARZ3NDEKTSV4RRFFQ69G5FAV&token=not-the-token`);
    await page.locator('h1', { hasText: 'Application not found' }).waitFor();
    const address = uniqueEmail();
    await page.getByLabel('Email address').fill(address);
    await page.getByRole('button', { name: 'Email me a new link' }).click();
    await page.locator('#new-link-sent').waitFor();
    expect(await text(page, '#new-link-sent')).toContain('If an open application has this email address');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await emailsTo(address)).toEqual([]);
    await page.context().close();
  });
});
