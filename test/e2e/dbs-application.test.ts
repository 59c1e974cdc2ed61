/**
 * The provider's DBS application in a real browser against the local stack (issue 7): the applicant agrees to the
 * fee (amount shown) on the status page and sees the application's status and deadline; staff record that they
 * applied and an Update Service status check on the application page. axe-clean at each step.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatLongDate } from '../../lambdas/domain/dates.ts';
import { toInReview } from '../integration/journey.ts';
import { api, isoDaysFromToday, staffToken, validApplication } from '../integration/support.ts';
import { launchBrowser } from './browser.ts';
import { axeViolations, newPage } from './support.ts';

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

describe("the provider's DBS application on the pages", () => {
  it('the applicant agrees to the fee on the status page; staff record the application and a status check', async () => {
    // More than 12 months old: a renewal after the start, fee not yet agreed on the form.
    const app = await toInReview(validApplication({ dbsIssueDaysAgo: 400 }));
    const page = await newPage(browser);
    await page.goto(`${siteUrl}/status.html#id=${app.applicationId}&token=${app.accessToken}`);
    await page.locator('#dbs-fee-form').waitFor();
    expect(await text(page, '#dbs-application-title')).toBe('Your new DBS certificate');
    expect(await page.getByLabel('I agree to pay the DBS certificate fee of £54').isVisible()).toBe(true);
    expect(await axeViolations(page), 'fee consent').toEqual([]);

    // Submitting without ticking is stopped in the browser, next to the box.
    const puts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') puts.push(request.url());
    });
    await page.getByRole('button', { name: 'Agree to the fee' }).click();
    await page.locator('#acceptsFee-error').waitFor();
    expect(puts).toEqual([]);
    expect(await axeViolations(page), 'fee consent with an error').toEqual([]);

    await page.getByLabel('I agree to pay the DBS certificate fee of £54').check();
    await page.getByLabel('Please apply now, before I start').check();
    await page.getByRole('button', { name: 'Agree to the fee' }).click();
    await page.locator('#dbs-application-status').waitFor();
    expect(await text(page, '#dbs-application-status')).toBe(
      'You have agreed to the fee. We will apply for your new certificate.',
    );
    expect(await page.locator('#dbs-fee-form').count()).toBe(0);
    expect(await axeViolations(page), 'fee agreed').toEqual([]);

    // Staff: the record, and the form to say we applied.
    const staffPage = await newPage(browser);
    await staffPage.goto(`${siteUrl}/staff/application.html#id=${app.applicationId}`);
    await staffPage.getByRole('button', { name: 'Sign in (local development)' }).click();
    await staffPage.locator('#dbs-application-status').waitFor();
    expect(await text(staffPage, '#dbs-application-status')).toBe('Requested: fee accepted, not applied yet');
    expect(await axeViolations(staffPage), 'staff: DBS application requested').toEqual([]);

    const applied = staffPage.locator('#dbs-applied-form');
    await applied.getByLabel('Date we applied').fill(isoDaysFromToday(0));
    await applied.getByRole('button', { name: 'Record our DBS application' }).click();
    await staffPage.locator('#reference-error').waitFor();
    await applied.getByLabel('DBS application reference').fill('E-55501');
    await applied.getByRole('button', { name: 'Record our DBS application' }).click();
    await staffPage.locator('#action-result').waitFor();
    expect(await text(staffPage, '#action-result')).toBe('Our DBS application recorded.');
    expect(await text(staffPage, '#dbs-application-status')).toBe('Applied: waiting for the certificate');
    expect(await staffPage.locator('#dbs-applied-form').count()).toBe(0);
    expect(await axeViolations(staffPage), 'staff: applied').toEqual([]);

    // The certificate is on the Update Service: a status check can be recorded.
    const check = staffPage.locator('#dbs-status-check-form');
    await check.getByLabel('Date checked').fill(isoDaysFromToday(0));
    await check.getByLabel('Result').selectOption('no-new-information');
    await check.getByRole('button', { name: 'Record the status check' }).click();
    await staffPage.locator('#action-result', { hasText: 'Update Service status check recorded.' }).waitFor();
    expect(await staffPage.locator('#dbs-application').textContent()).toContain(
      `${formatLongDate(isoDaysFromToday(0))}: No new information (clean)`,
    );

    await page.getByRole('button', { name: 'Check for updates' }).click();
    await page.getByText('We have applied for your new certificate.', { exact: false }).waitFor();
    expect(await page.locator('#dbs-application').textContent()).toContain(
      formatLongDate(isoDaysFromToday(0)),
    );
  });

  it('the review form does not ask for the original of a certificate the applicant does not have', async () => {
    const body = validApplication();
    Object.assign(body, { dbs: { hasCertificate: false, applyOnMyBehalf: true, acceptsFee: true } });
    const app = await toInReview(body);
    const page = await newPage(browser);
    await page.goto(`${siteUrl}/staff/application.html#id=${app.applicationId}`);
    await page.getByRole('button', { name: 'Sign in (local development)' }).click();
    await page.locator('#review-form').waitFor();
    expect(await page.getByLabel('I have seen the original DBS certificate').count()).toBe(0);
    expect(await page.getByLabel('How the DBS certificate was checked').count()).toBe(0);
    expect(await axeViolations(page), 'review without a certificate').toEqual([]);
    await page.getByLabel('The insurance is verified').check();
    await page.getByLabel('The professional register is checked').check();
    await page.getByRole('button', { name: /^Approve/ }).click();
    await page.locator('#action-result').waitFor();
    const detail = await api<{ stage: string }>('GET', `/staff/applications/${app.applicationId}`, {
      token: await staffToken(),
    });
    expect(detail.body.stage).toBe('awaiting-dbs');
  });
});
