/**
 * The capacity page (issue 11 §1) in a real browser against the local stack: the heatmap of a week with a therapist
 * taken to active through the API, its cells read as whole sentences and reached and moved through by keyboard,
 * gaps marked by more than colour, the March clock change shown, axe clean at 1280 and 375 px.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CapacityReport } from '../../lambdas/domain/capacity.ts';
import { toActive } from '../integration/journey.ts';
import { api, isoDaysFromToday, staffToken } from '../integration/support.ts';
import { launchBrowser } from './browser.ts';
import { axeViolations, ISO_DATE, newPage, PHONE, pageWidths, tabTo, visibleText } from './support.ts';

const siteUrl = inject('siteUrl');

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const signInLocally = async (page: Page): Promise<void> => {
  await page.getByRole('button', { name: 'Sign in (local development)' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
};

const apiReport = async (asOf: string, weeks: number) =>
  (
    await api<CapacityReport>('GET', `/staff/reports/capacity?asOf=${asOf}&weeks=${weeks}`, {
      token: await staffToken(),
    })
  ).body;

const focusedLabel = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');

const plural = (n: number | null) => `${n} ${n === 1 ? 'therapist' : 'therapists'}`;

describe('the capacity page', { timeout: 180_000 }, () => {
  it('shows the week as a heatmap with numbers, read and moved through by keyboard, gaps marked, axe clean', async () => {
    const startDate = isoDaysFromToday(3);
    // Monday 09:00-11:00 and Saturday 22:00-24:00 (journey.ts), from the start date.
    await toActive(undefined, startDate);
    const report = await apiReport(startDate, 1);
    const cell = (day: string, start: string) =>
      report.halfHours.find((c) => c.day === day && c.start === start) ?? {
        therapists: null,
        pipeline: null,
      };

    const page = await newPage(browser);
    await page.goto(`${siteUrl}/staff/capacity.html#asOf=${startDate}&weeks=1`);
    await signInLocally(page);
    await page.locator('#heatmap').waitFor();
    expect(await page.locator('#heatmap td[role="gridcell"]').count()).toBe(336);

    // The numbers are written in the cells, and each cell is one sentence for a screen reader.
    const monday9 = page.locator('#heatmap td[data-day="mon"][data-start="09:00"]');
    expect(cell('mon', '09:00').therapists).toBeGreaterThanOrEqual(1);
    // Other tests on the shared stack may have therapists due to start: they show as "+n" after the number.
    const { therapists, pipeline } = cell('mon', '09:00');
    expect((await monday9.textContent())?.trim()).toBe(`${therapists}${pipeline ? `+${pipeline}` : ''}`);
    expect(await monday9.getAttribute('aria-label')).toMatch(
      new RegExp(`^Monday 09:00–09:30: ${plural(cell('mon', '09:00').therapists)}`),
    );

    // Gaps: as many marked cells as the report has, each with a bold heavy border besides its colour.
    expect(await page.locator('#heatmap td[data-level="gap"]').count()).toBe(report.gaps.length);
    if (report.gaps.length > 0) {
      const gap = page.locator('#heatmap td[data-level="gap"]').first();
      const style = await gap.evaluate((el) => {
        const s = getComputedStyle(el);
        return { border: s.borderTopWidth, weight: s.fontWeight };
      });
      expect(style).toEqual({ border: '2px', weight: '700' });
      expect(await gap.getAttribute('aria-label')).toContain('under the minimum cover of 1');
    }
    expect(await page.locator('[data-figure="active"]').textContent()).toBe(
      String(report.patientsPerWeek.active),
    );

    // Keyboard: Tab reaches the grid once (Monday 09:00), arrows and Home/End move within it.
    await page.locator('#view-form button[type="submit"]').focus();
    await tabTo(page, (await monday9.getAttribute('aria-label')) ?? '', 4);
    await page.keyboard.press('ArrowRight');
    expect(await focusedLabel(page)).toMatch(/^Tuesday 09:00–09:30: /);
    await page.keyboard.press('ArrowDown');
    expect(await focusedLabel(page)).toMatch(/^Tuesday 09:30–10:00: /);
    await page.keyboard.press('End');
    expect(await focusedLabel(page)).toMatch(/^Sunday 09:30–10:00: /);
    await page.keyboard.press('Control+End');
    expect(await focusedLabel(page)).toMatch(/^Sunday 23:30–24:00: /);
    await page.keyboard.press('PageUp');
    expect(await focusedLabel(page)).toMatch(/^Sunday 20:30–21:00: /);
    await page.keyboard.press('Home');
    expect(await focusedLabel(page)).toMatch(/^Monday 20:30–21:00: /);
    // One tab stop: Tab leaves the grid for the download button.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('download-csv');

    expect(await visibleText(page)).not.toMatch(ISO_DATE);
    expect(await pageWidths(page)).toMatchObject({ viewport: 1280, page: 1280 });
    expect(await axeViolations(page), 'capacity at 1280 px').toEqual([]);
    await page.context().close();
  });

  it('on a phone (375 px) stays inside the screen, and shows the March clock change', async () => {
    const page = await newPage(browser, PHONE);
    await page.goto(`${siteUrl}/staff/capacity.html#asOf=2027-03-22&weeks=1`);
    await signInLocally(page);
    await page.locator('#heatmap').waitFor();
    const skipped = page.locator('#heatmap td[data-day="sun"][data-start="01:00"]');
    expect((await skipped.textContent())?.trim()).toBe('–*');
    expect(await skipped.getAttribute('aria-label')).toBe(
      'Sunday 01:00–01:30: does not happen on 28 March 2027 (the clocks go forward)',
    );
    expect(await page.locator('[data-clock-change]').textContent()).toContain(
      'On 28 March 2027 the clocks go forward',
    );
    expect(await pageWidths(page)).toEqual({ viewport: 375, page: 375, header: 375, footer: 375 });
    expect(await visibleText(page)).not.toMatch(ISO_DATE);
    expect(await axeViolations(page), 'capacity at 375 px').toEqual([]);

    // The form changes the view through the URL: 2 weeks from the same day.
    await page.locator('#weeks').selectOption('2');
    await page.getByRole('button', { name: 'Show the cover' }).click();
    await page.getByRole('heading', { name: 'From 22 March 2027 to 4 April 2027' }).waitFor();
    expect(page.url()).toContain('#asOf=2027-03-22&weeks=2');
    await page.context().close();
  });
});
