/**
 * The week grid (issue 12, item 1), in a real browser against the local stack. On a phone (375 px, touch): a
 * vertical swipe scrolls the page and chooses nothing, a sideways swipe scrolls the week inside its box with the
 * hours staying put, a tap toggles, Saturday and Sunday are reachable, and the page never scrolls sideways. With
 * any input: Space/Enter act on the focused cell wherever the focus came from, a plain `click` toggles (voice
 * control), the error summary's link puts the focus in the grid, and a range or whole days take one press.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { approveToAwaitingAvailability, toInReview } from '../integration/journey.ts';
import { launchBrowser } from './browser.ts';
import { axeViolations, newPage, waitForStage } from './support.ts';

const siteUrl = inject('siteUrl');
const PHONE = { width: 375, height: 740 };

let browser: Browser;
let statusUrl: string;
beforeAll(async () => {
  browser = await launchBrowser();
  const app = await toInReview();
  await approveToAwaitingAvailability(app);
  statusUrl = `${siteUrl}/status.html#id=${app.applicationId}&token=${app.accessToken}`;
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

const text = async (page: Page, selector: string): Promise<string> =>
  ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

const cell = (page: Page, name: string) => page.getByRole('gridcell', { name, exact: true });
const selected = (page: Page) =>
  page
    .locator('td[aria-selected="true"]')
    .evaluateAll((cells) => cells.map((c) => c.getAttribute('aria-label')));

const openGrid = async (page: Page): Promise<void> => {
  await page.goto(statusUrl);
  expect(await waitForStage(page, 'awaiting-availability')).toBe('awaiting-availability');
  await page.getByRole('grid').waitFor();
};

const phonePage = async (): Promise<Page> => {
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
};

/**
 * A touch swipe: a finger down, moved in steps a frame apart, held still, lifted (CDP touch events, which Chromium
 * turns into touch and pointer events and scrolling, as on a phone). The hold matters: lifted while moving, the
 * content flings on, by a different distance each run, and a tap during a fling only stops it, with no click —
 * as on a real phone (measured: 10 fast swipes, 10 scrolled from 212 to 1,091 px and 6 following taps lost; 10
 * held swipes, 10 scrolled 285 px and 10 taps toggled).
 */
const swipe = async (page: Page, from: { x: number; y: number }, by: { x?: number; y?: number }) => {
  const cdp = await page.context().newCDPSession(page);
  const at = (step: number) => ({
    x: Math.round(from.x + ((by.x ?? 0) * step) / 10),
    y: Math.round(from.y + ((by.y ?? 0) * step) / 10),
  });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(0)] });
  for (let step = 1; step <= 10; step += 1) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at(step)] });
    await page.waitForTimeout(16);
  }
  await page.waitForTimeout(100);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
};

const centre = async (page: Page, name: string) => {
  const box = await cell(page, name).boundingBox();
  if (!box) throw new Error(`no cell ${name}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2, right: box.x + box.width, left: box.x };
};

describe('the week grid on a phone (375 px, touch)', () => {
  it('scrolls on a swipe, toggles on a tap, reaches the whole week, and never widens the page', async () => {
    const page = await phonePage();
    await openGrid(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    // A vertical swipe over the grid scrolls the page and chooses nothing.
    await cell(page, 'Tuesday 12:00 to 13:00').scrollIntoViewIfNeeded();
    const before = await page.evaluate(() => window.scrollY);
    expect(before).toBeGreaterThan(400);
    const start = await centre(page, 'Tuesday 12:00 to 13:00');
    // The finger moves down the screen: the page scrolls back up.
    await swipe(page, start, { y: 300 });
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeLessThan(before - 100);
    expect(await selected(page)).toEqual([]);

    // Sunday is off the screen until a sideways swipe scrolls the week inside its box; the hours stay put.
    const hourColumn = page.locator('th.week-grid__hour').nth(10);
    const hourBefore = await hourColumn.boundingBox();
    expect((await centre(page, 'Sunday 10:00 to 11:00')).right).toBeGreaterThan(PHONE.width);
    const monday = await centre(page, 'Monday 10:00 to 11:00');
    await swipe(page, { x: monday.x + 60, y: monday.y }, { x: -400 });
    await expect
      .poll(async () => (await centre(page, 'Sunday 10:00 to 11:00')).right)
      .toBeLessThanOrEqual(PHONE.width);
    expect((await hourColumn.boundingBox())?.x).toBe(hourBefore?.x);
    expect(await selected(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await page.evaluate(() => window.scrollX)).toBe(0);

    // A tap toggles: Sunday, then Saturday, then Sunday again off.
    const sunday = await centre(page, 'Sunday 10:00 to 11:00');
    await page.touchscreen.tap(sunday.x, sunday.y);
    expect(await selected(page)).toEqual(['Sunday 10:00 to 11:00']);
    const saturday = await centre(page, 'Saturday 10:00 to 11:00');
    await page.touchscreen.tap(saturday.x, saturday.y);
    expect(await selected(page)).toEqual(['Saturday 10:00 to 11:00', 'Sunday 10:00 to 11:00']);
    await page.touchscreen.tap(sunday.x, sunday.y);
    expect(await selected(page)).toEqual(['Saturday 10:00 to 11:00']);
    expect(await text(page, '#hours-summary')).toBe('1 hour a week — enough for 1 patient.');
    await page.screenshot({ path: '/tmp/12a-grid-375.png', fullPage: false });
    expect(await axeViolations(page), 'grid on a phone').toEqual([]);
    await page.context().close();
  });
});

describe('the week grid with any input', () => {
  it('acts on the focused cell with Space and Enter, wherever the focus came from', async () => {
    const page = await newPage(browser);
    await openGrid(page);
    // A screen reader's virtual cursor moves the focus without a key press the grid sees.
    await cell(page, 'Thursday 13:00 to 14:00').evaluate((td) => (td as HTMLElement).focus());
    await page.keyboard.press('Space');
    expect(await selected(page)).toEqual(['Thursday 13:00 to 14:00']);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect(await selected(page)).toEqual(['Thursday 13:00 to 14:00', 'Thursday 14:00 to 15:00']);
    await page.keyboard.press('Enter');
    expect(await selected(page)).toEqual(['Thursday 13:00 to 14:00']);
    // Tab leaves the grid and Shift+Tab comes back to the cell last focused.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Thursday 14:00 to 15:00',
    );
    await page.context().close();
  });

  it('toggles on a plain click event (voice control), without pointer events', async () => {
    const page = await newPage(browser);
    await openGrid(page);
    await cell(page, 'Friday 20:00 to 21:00').evaluate((td) => (td as HTMLElement).click());
    expect(await selected(page)).toEqual(['Friday 20:00 to 21:00']);
    await cell(page, 'Friday 20:00 to 21:00').dispatchEvent('click');
    expect(await selected(page)).toEqual([]);
    // A real mouse click toggles exactly once.
    await cell(page, 'Monday 08:00 to 09:00').click();
    expect(await selected(page)).toEqual(['Monday 08:00 to 09:00']);
    await page.context().close();
  });

  it('moves the focus into the grid from the error summary', async () => {
    const page = await newPage(browser);
    await openGrid(page);
    await page.getByRole('button', { name: 'Send my availability' }).click();
    const link = page.locator('.error-summary a', { hasText: 'Give at least one weekly slot' });
    await link.waitFor();
    await link.click();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('gridcell');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Monday 09:00 to 10:00',
    );
    expect(await axeViolations(page), 'grid error').toEqual([]);
    await page.context().close();
  });

  it('chooses a range on several days, or whole days, in one press', async () => {
    const page = await newPage(browser);
    await openGrid(page);
    await page.getByLabel('Days', { exact: true }).selectOption({ label: 'Monday to Friday' });
    await page.getByLabel('From', { exact: true }).selectOption({ label: '09:00' });
    await page.getByLabel('To', { exact: true }).selectOption({ label: '15:00' });
    await page.getByRole('button', { name: 'Add these hours' }).click();
    expect(await text(page, '#hours-summary')).toBe('30 hours a week — enough for 30 patients.');
    expect(await text(page, '#range-result')).toBe('Added 09:00 to 15:00, Monday to Friday.');
    expect((await selected(page)).filter((name) => name?.startsWith('Wednesday'))).toHaveLength(6);
    await page.getByLabel('Days', { exact: true }).selectOption({ label: 'Sunday' });
    await page.getByRole('button', { name: 'Add the whole day' }).click();
    expect(await text(page, '#hours-summary')).toBe('54 hours a week — enough for 54 patients.');
    // A range that ends before it starts adds nothing and says why.
    await page.getByLabel('From', { exact: true }).selectOption({ label: '18:00' });
    await page.getByLabel('To', { exact: true }).selectOption({ label: '10:00' });
    await page.getByRole('button', { name: 'Add these hours' }).click();
    expect(await text(page, '#range-result')).toBe('Choose a “To” time after 18:00.');
    expect(await text(page, '#hours-summary')).toBe('54 hours a week — enough for 54 patients.');
    await page.screenshot({ path: '/tmp/12a-grid-1280.png', fullPage: true });
    expect(await axeViolations(page), 'quick range').toEqual([]);
    await page.context().close();
  });
});
