/**
 * The applicant after approval, in a real browser against the local stack: signing the contract on the status
 * page (a wrong name refused first), then, after staff record the induction, giving availability on the week grid
 * with the keyboard and the mouse, and seeing the welcome. Every email's link opens the status page.
 */
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addDaysIso, formatLongDate, londonToday } from '../../lambdas/domain/dates.ts';
import {
  ALL_CHECKS,
  api,
  createApplication,
  emailsTo,
  eventually,
  staffToken,
  statusLinks,
  uploadAll,
  waitForStage as waitForApiStage,
} from '../integration/support.ts';
import { launchBrowser } from './browser.ts';
import { axeViolations, newPage, PHONE, pageWidths, tabTo, waitForStage } from './support.ts';

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

const staffPost = async (path: string, body: unknown) => {
  const response = await api('POST', path, { token: await staffToken(), body });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
};

/** An application approved by staff through the API: the contract is on its way. */
const approved = async () => {
  const app = await createApplication();
  await uploadAll(app);
  await waitForApiStage(app, 'in-review');
  await staffPost(`/staff/applications/${app.applicationId}/review`, {
    decision: 'approve',
    checks: ALL_CHECKS,
    note: '',
  });
  await waitForApiStage(app, 'contract-sent');
  return app;
};

/** The centre of a grid cell, for the mouse. */
const centreOf = async (page: Page, name: string): Promise<{ x: number; y: number }> => {
  const box = await page.getByRole('gridcell', { name, exact: true }).boundingBox();
  if (!box) throw new Error(`no cell ${name}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
};

describe('an applicant after approval', () => {
  it('signs the contract, then gives availability on the week grid, and is welcomed', async () => {
    const app = await approved();
    const page = await newPage(browser);
    await page.goto(`${siteUrl}/status.html#id=${app.applicationId}&token=${app.accessToken}`);
    expect(await waitForStage(page, 'contract-sent')).toBe('contract-sent');

    await page.locator('#contract-link').waitFor({ timeout: 20_000 });
    const contract = await api<{ version: string; sha256: string }>(
      'GET',
      `/applications/${app.applicationId}/contract`,
      { token: app.accessToken },
    );
    // A short reference people can read and compare; the full fingerprint behind a details toggle.
    expect(await text(page, '#contract-reference')).toBe(
      `${contract.body.sha256.slice(0, 4)} ${contract.body.sha256.slice(4, 8)}`.toUpperCase(),
    );
    expect(await page.locator('#contract-hash').isVisible()).toBe(false);
    await page.getByText('The full fingerprint of your contract').click();
    expect(await text(page, '#contract-hash')).toBe(contract.body.sha256);
    expect(await text(page, '#contract-version')).toBe(contract.body.version);
    expect(await page.locator('#contract-link').getAttribute('target')).toBe('_blank');
    expect(await axeViolations(page), 'contract panel').toEqual([]);

    // The facts on a phone: each on one line ("FAA-/2026.1" and a hash over 8 lines was the bug), inside the screen.
    const lineCount = (selector: string) =>
      page.locator(selector).evaluate((element) => {
        const range = document.createRange();
        range.selectNodeContents(element);
        return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
      });
    for (const viewport of [PHONE, { width: 1280, height: 720 }]) {
      await page.setViewportSize(viewport);
      expect(await lineCount('#contract-version'), `version at ${viewport.width} px`).toBe(1);
      expect(await lineCount('#contract-reference'), `reference at ${viewport.width} px`).toBe(1);
      expect((await pageWidths(page)).page, `page at ${viewport.width} px`).toBe(viewport.width);
    }
    await page.setViewportSize(PHONE);
    expect(await axeViolations(page), 'contract panel at 375 px').toEqual([]);
    await page.setViewportSize({ width: 1280, height: 720 });

    await page.getByLabel('Your full name').fill('Alex Morgans');
    await page.getByLabel('I have read and agree to the freelance affiliate agreement').check();
    const refused = page.waitForResponse((response) => response.url().endsWith('/contract/signature'));
    await page.getByRole('button', { name: 'Sign the contract' }).click();
    const refusal = await refused;
    expect(refusal.status()).toBe(422);
    expect(refusal.request().postDataJSON()).toEqual({
      fullName: 'Alex Morgans',
      agree: true,
      contractSha256: contract.body.sha256,
    });
    await page.locator('#fullName-error').waitFor();
    expect(await text(page, '#fullName-error')).toBe(
      'Error: Type your full name exactly as on your application: first name, then last name',
    );
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    expect(await axeViolations(page), 'signature refused').toEqual([]);

    await page.getByLabel('Your full name').fill(' alex  MORGAN ');
    await page.getByRole('button', { name: 'Sign the contract' }).click();
    await page.locator('[data-stage="induction-invited"]').waitFor();
    expect(await text(page, '#action-result')).toBe(
      `You signed version ${contract.body.version} of the contract.`,
    );
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('stage-heading');
    expect(await page.locator('#signature-form').count()).toBe(0);
    // The step's links, from config, on this site's own origin and port.
    expect(await text(page, '#induction-title')).toBe('Your next two steps');
    const accountHref = await page
      .locator('#therapy-account-link')
      .evaluate((a) => (a as HTMLAnchorElement).href);
    const bookingHref = await page
      .locator('#induction-booking-link')
      .evaluate((a) => (a as HTMLAnchorElement).href);
    expect(accountHref).toBe(`${siteUrl}/therapy-account.html`);
    expect(bookingHref).toBe(`${siteUrl}/induction-booking.html`);
    expect(await axeViolations(page), 'induction invited').toEqual([]);
    const booking = await newPage(browser);
    expect((await booking.goto(bookingHref))?.status()).toBe(200);
    expect(await text(booking, 'h1')).toBe('Book your induction');
    await booking.context().close();

    const today = londonToday(new Date());
    await staffPost(`/staff/applications/${app.applicationId}/induction`, { attendedOn: today });
    await waitForApiStage(app, 'awaiting-availability');

    // The availability email's link opens the application with a token of its own.
    const invitation = await eventually(async () => {
      const mail = (await emailsTo(app.email)).at(-1);
      const link = mail && statusLinks(mail)[0];
      expect(link?.token).toBeDefined();
      expect(link?.token).not.toBe(app.accessToken);
      return link as { id: string; token: string };
    });
    await page.goto(`${siteUrl}/status.html#id=${invitation.id}&token=${invitation.token}`);
    await page.reload();
    expect(await waitForStage(page, 'awaiting-availability')).toBe('awaiting-availability');
    expect(await axeViolations(page), 'availability questionnaire').toEqual([]);

    const requests: Request[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/availability')) requests.push(request);
    });
    expect(await page.getByLabel('When can you start?').getAttribute('max')).toBe(addDaysIso(today, 14));
    await page.getByLabel('How many patients can you see each week?').fill('4');
    const startDate = addDaysIso(today, 3);
    await page.getByLabel('When can you start?').fill(startDate);

    // Keyboard: into the grid by Tab, where Monday 09:00 has the focus; Space chooses, arrows move.
    await page.getByLabel('When can you start?').focus();
    // Past the quick range controls and the two grid buttons.
    await tabTo(page, 'Monday 09:00 to 10:00', 12);
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    await page.keyboard.press('Space');
    expect(
      await page.getByRole('gridcell', { name: 'Tuesday 10:00 to 11:00' }).getAttribute('aria-selected'),
    ).toBe('false');
    expect(await text(page, '#hours-summary')).toBe(
      '2 hours a week — enough for 2 patients. You said 4 patients: choose 2 hours more.',
    );

    // Too few hours is caught in the browser, by the domain's own rule, before anything is sent.
    await page.getByRole('button', { name: 'Send my availability' }).click();
    await page.locator('#weeklySlots-error').waitFor();
    expect(await text(page, '#weeklySlots-error')).toContain('4 patients a week need at least 4 hours');
    expect(requests).toEqual([]);

    // Mouse: a drag down Wednesday from 14:00 to 16:00 chooses the three hours it crosses.
    await page.getByRole('gridcell', { name: 'Wednesday 16:00 to 17:00' }).scrollIntoViewIfNeeded();
    const from = await centreOf(page, 'Wednesday 14:00 to 15:00');
    const to = await centreOf(page, 'Wednesday 16:00 to 17:00');
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 8 });
    await page.mouse.up();
    expect(await text(page, '#hours-summary')).toBe('5 hours a week — enough for 5 patients.');
    expect(
      await page
        .locator('td[aria-selected="true"]')
        .evaluateAll((cells) => cells.map((c) => c.getAttribute('aria-label'))),
    ).toEqual([
      'Monday 09:00 to 10:00',
      'Monday 10:00 to 11:00',
      'Wednesday 14:00 to 15:00',
      'Wednesday 15:00 to 16:00',
      'Wednesday 16:00 to 17:00',
    ]);

    await page.getByRole('button', { name: 'Send my availability' }).click();
    await page.locator('[data-stage="active"]').waitFor();
    expect(requests.map((request) => request.postDataJSON())).toEqual([
      {
        patientsPerWeek: 4,
        startDate,
        weeklySlots: [
          { day: 'mon', start: '09:00', end: '11:00' },
          { day: 'wed', start: '14:00', end: '17:00' },
        ],
      },
    ]);
    expect(await text(page, '#welcome-title')).toBe('Welcome to the network, Alex');
    expect(await text(page, '#welcome-start')).toBe(
      `You start seeing patients on ${formatLongDate(startDate)}.`,
    );
    expect(await text(page, '#welcome-summary p')).toBe(
      'You told us you can see 4 patients a week, in 5 hours a week (UK time):',
    );
    expect(await page.locator('#welcome-summary li').allTextContents()).toEqual([
      'Monday: 09:00 to 11:00',
      'Wednesday: 14:00 to 17:00',
    ]);
    // The start date once in the welcome and not again under "Dates to remember", which keeps the other dates.
    const welcome = (await page.locator('#welcome').textContent()) ?? '';
    expect(welcome.split(formatLongDate(startDate)).length - 1).toBe(1);
    expect(await page.locator('#welcome [data-deadline]').count()).toBe(0);
    expect(await text(page, '.deadlines')).toMatch(/Your indemnity insurance ends on: /);
    expect(await text(page, '.deadlines')).not.toContain(formatLongDate(startDate));
    expect(await page.getByRole('button', { name: 'Withdraw my application' }).count()).toBe(0);
    expect(await axeViolations(page), 'welcome').toEqual([]);
    await page.locator('#welcome').screenshot({ path: '/tmp/12a-welcome-1280.png' });
    // After a reload (no note from the form), the view's own availability gives the same welcome; on a phone too.
    await page.setViewportSize({ width: 375, height: 740 });
    await page.reload();
    await page.locator('#welcome-summary').waitFor();
    expect(await text(page, '#welcome-start')).toBe(
      `You start seeing patients on ${formatLongDate(startDate)}.`,
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.locator('#welcome').screenshot({ path: '/tmp/12a-welcome-375.png' });
    expect(await axeViolations(page), 'welcome at 375 px').toEqual([]);
    await page.context().close();
  }, 180_000);

  it('offers a new link when the link has no token and this browser never had one', async () => {
    const page = await newPage(browser);
    await page.goto(`${siteUrl}/status.html#id=01ARZ3NDEKTSV4RRFFQ69G5FAV`);
    await page.locator('h1', { hasText: 'We cannot open this application' }).waitFor();
    expect(await text(page, '#status-root p')).toContain('open the link in our latest email');
    expect(await page.getByRole('button', { name: 'Email me a new link' }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('withdraws after a confirmation', async () => {
    const app = await createApplication();
    const page = await newPage(browser);
    await page.goto(`${siteUrl}/status.html#id=${app.applicationId}&token=${app.accessToken}`);
    await page.locator('[data-stage="awaiting-documents"]').waitFor();
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(apiUrl) && request.method() === 'POST') sent.push(request.url());
    });
    await page.getByRole('button', { name: 'Withdraw my application' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('withdraw-question');
    expect(sent).toEqual([]);
    expect(await axeViolations(page), 'withdrawal confirmation').toEqual([]);
    await page.getByRole('button', { name: 'Yes, withdraw' }).click();
    await page.locator('[data-stage="withdrawn"]').waitFor();
    expect(sent).toEqual([`${apiUrl}/applications/${app.applicationId}/withdrawal`]);
    expect(await text(page, '#action-result')).toBe('You withdrew your application.');
    await page.context().close();
  });
});
