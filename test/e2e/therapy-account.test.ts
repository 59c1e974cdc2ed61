/**
 * The therapy website's account on the pages (issue 11 §3, seed step 3): the status page shows the account step
 * after the contract and before the induction, waiting on the applicant until the platform reports the account;
 * staff see what was reported, or record it by hand with the keyboard. axe-clean at each step.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { approveToInductionInvited, toInReview } from '../integration/journey.ts';
import { api, integrationToken } from '../integration/support.ts';
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

const checklistIds = (page: Page) =>
  page.locator('.checklist__item').evaluateAll((items) =>
    items.map((item) => {
      const label = item.querySelector('.checklist__label')?.textContent ?? '';
      return `${label}: ${item.getAttribute('data-status')}`;
    }),
  );

const openStatus = async (app: { applicationId: string; accessToken: string }): Promise<Page> => {
  const page = await newPage(browser);
  await page.goto(`${siteUrl}/status.html#id=${app.applicationId}&token=${app.accessToken}`);
  await page.locator('#status[data-stage="induction-invited"]').waitFor();
  return page;
};

const openAsStaff = async (applicationId: string): Promise<Page> => {
  const page = await newPage(browser);
  await page.goto(`${siteUrl}/staff/application.html#id=${applicationId}`);
  await page.getByRole('button', { name: 'Sign in (local development)' }).click();
  await page.locator('#application').waitFor();
  return page;
};

describe('the account step', () => {
  it('on the status page: after the contract, before the induction; done once the platform reports it', async () => {
    const app = await toInReview();
    await approveToInductionInvited(app);
    const page = await openStatus(app);
    const steps = await checklistIds(page);
    const contract = steps.findIndex((s) => s.startsWith('Sign your affiliate contract'));
    const account = steps.indexOf('Create your account on our therapy website: waiting-on-you');
    const induction = steps.findIndex((s) => s.startsWith('Attend the online induction'));
    expect(contract).toBeGreaterThanOrEqual(0);
    expect(account).toBe(contract + 1);
    expect(induction).toBe(account + 1);
    expect(await page.locator('#therapy-account-link').count()).toBe(1);
    expect(await axeViolations(page), 'status: account waiting').toEqual([]);

    const reported = await api('POST', `/integrations/accounts/${app.applicationId}`, {
      token: await integrationToken(),
      body: { accountId: 'tp-e2e-1', createdAt: new Date().toISOString() },
    });
    expect(reported.status).toBe(200);
    await page.reload();
    await page.locator('#status[data-stage="induction-invited"]').waitFor();
    expect(await checklistIds(page)).toContain('Create your account on our therapy website: done');
    expect(await page.locator('#therapy-account-ready').textContent()).toBe(
      'Your account on our therapy website is ready.',
    );
    expect(await page.locator('#therapy-account-link').count()).toBe(0);
    expect(await axeViolations(page), 'status: account ready').toEqual([]);

    const staffPage = await openAsStaff(app.applicationId);
    expect(await staffPage.locator('#therapy-account-id').textContent()).toBe('tp-e2e-1');
    expect(await staffPage.locator('#therapy-account').textContent()).toContain('The therapy website');
    expect(await staffPage.locator('#therapy-account-form').count()).toBe(0);
  });

  it('staff record it by hand, by keyboard only; an empty id is stopped in the browser', async () => {
    const app = await toInReview();
    await approveToInductionInvited(app);
    const page = await openAsStaff(app.applicationId);
    await page.locator('#therapy-account-form').waitFor();
    expect(await page.locator('#therapy-account-waiting').textContent()).toContain(
      'has not reported the account yet',
    );
    expect(await axeViolations(page), 'staff: record form').toEqual([]);

    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    const input = page.getByLabel('Account id on the therapy website');
    await input.focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Record the account');
    await page.keyboard.press('Enter');
    await page.locator('#accountId-error').waitFor();
    expect(posts).toEqual([]);
    expect(await axeViolations(page), 'staff: record errors').toEqual([]);

    await input.focus();
    await page.keyboard.type('tp-by-hand-7');
    await page.keyboard.press('Enter');
    await page.locator('#action-result').waitFor();
    expect(await page.locator('#action-result').textContent()).toContain('Therapy website account recorded.');
    expect(await page.locator('#therapy-account-id').textContent()).toBe('tp-by-hand-7');
    expect(await page.locator('#therapy-account').textContent()).toContain('The affiliate team (by hand)');
    expect(await axeViolations(page), 'staff: recorded').toEqual([]);

    const status = await openStatus(app);
    expect(await checklistIds(status)).toContain('Create your account on our therapy website: done');
  });
});
