/** What the browser tests share: an applicant's answers, small real documents, keyboard driving, axe. */
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { addMonthsIso, londonToday } from '../../lambdas/domain/dates.ts';
import { COMPLIANCE_FLAG_NAMES, DBS_DEADLINE_NAMES, EVENT_NAMES } from '../../lambdas/domain/labels.ts';
import { DBS_ASSESSMENTS, STAGES } from '../../lambdas/domain/stages.ts';

/** The service's internal names that are not plain words (`in-review`, `dbs-recheck`): none may reach a person. */
export const RAW_CODE = new RegExp(
  `\\b(${[
    ...STAGES,
    ...DBS_ASSESSMENTS,
    ...Object.keys(COMPLIANCE_FLAG_NAMES),
    ...Object.keys(DBS_DEADLINE_NAMES),
    ...Object.keys(EVENT_NAMES),
  ]
    .filter((code) => code.includes('-'))
    .join('|')})\\b`,
);

/** A date as the machine writes it (2026-12-16), where a person should read "16 December 2026". */
export const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;

/** A phone's screen: the width the phone items of issue 12 are checked at. */
export const PHONE = { width: 375, height: 812 };

/** How far the page reaches sideways, and the widths of its header and footer (CSS pixels). */
export const pageWidths = (page: Page) =>
  page.evaluate(() => ({
    viewport: window.innerWidth,
    page: document.documentElement.scrollWidth,
    header: document.querySelector('header')?.getBoundingClientRect().width ?? 0,
    footer: document.querySelector('footer')?.getBoundingClientRect().width ?? 0,
  }));

/** The words a person reads on the page: its rendered text, without hidden elements or a closed details' body. */
export const visibleText = async (page: Page, selector = 'main'): Promise<string> =>
  // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered is the point (hidden parts excluded)
  ((await page.locator(selector).first().innerText()) ?? '').replace(/\s+/g, ' ');

export const uniqueEmail = (): string =>
  `therapist.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}@example.org`;

export interface Answers {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  dateOfBirth: string;
  postcode: string;
  body: string;
  membershipNumber: string;
  dbsLevel: string;
  certificateNumber: string;
  dbsIssueDate: string;
  insurer: string;
  policyNumber: string;
  coverAmountGbp: string;
  insuranceStart: string;
  insuranceEnd: string;
}

/** An applicant every rule accepts: current enhanced DBS certificate, £1.5m cover in force for another year. */
export const goodAnswers = (overrides: Partial<Answers> = {}): Answers => {
  const today = londonToday(new Date());
  return {
    firstName: 'Aisha',
    lastName: 'Okafor',
    email: uniqueEmail(),
    phone: '07700 900123',
    dateOfBirth: '1985-01-15',
    postcode: 'SW1A 1AA',
    body: 'BABCP',
    membershipNumber: 'BABCP-12345',
    dbsLevel: 'Enhanced with barred lists',
    certificateNumber: '001234567890',
    dbsIssueDate: addMonthsIso(today, -2),
    insurer: 'Hiscox',
    policyNumber: 'PI-998877',
    coverAmountGbp: '1500000',
    insuranceStart: addMonthsIso(today, -1),
    insuranceEnd: addMonthsIso(today, 11),
    ...overrides,
  };
};

/** A minimal but well-formed PDF: the document check reads the magic bytes. */
export const pdfDocument = (): Buffer =>
  Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n' +
      'trailer<</Root 1 0 R>>\n%%EOF\n',
  );

/** A 1×1 PNG. */
export const pngImage = (): Buffer =>
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  );

/** A page as a British applicant sees it: English, times in London; uploads answered by `chooseFile`. */
export const newPage = async (
  browser: Browser,
  viewport: { width: number; height: number } = { width: 1280, height: 720 },
): Promise<Page> => {
  // Reduced motion turns off smooth scrolling: a click must land where the element is, not where it is passing.
  const context = await browser.newContext({
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    reducedMotion: 'reduce',
    viewport,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  // Listening turns on file-chooser interception; doing it now, not when Space is pressed, means the chooser a
  // keypress opens is never missed.
  page.on('filechooser', () => undefined);
  return page;
};

type DateOrder = 'day-first' | 'month-first';
const dateOrders = new WeakMap<Page, DateOrder>();

/**
 * Which part a date field takes first. Headless Debian Chromium lays date fields out month first whatever the
 * page's locale, so ask the browser rather than assume: type 02 01 1999 into a scratch field and see.
 */
const dateOrderOf = async (page: Page): Promise<DateOrder> => {
  const known = dateOrders.get(page);
  if (known) return known;
  const probe = await page.context().newPage();
  await probe.setContent('<input type="date" aria-label="probe">');
  await probe.getByLabel('probe').focus();
  await probe.keyboard.type('02011999');
  const order: DateOrder =
    (await probe.getByLabel('probe').inputValue()) === '1999-02-01' ? 'month-first' : 'day-first';
  await probe.close();
  dateOrders.set(page, order);
  return order;
};

/** The accessible name of the focused element: its label, else its text. */
const focusedName = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLInputElement | null;
    if (!element) return '';
    const label =
      element.labels?.[0]?.textContent ?? element.getAttribute('aria-label') ?? element.textContent;
    return (label ?? '').replace(/\s+/g, ' ').trim();
  });

/**
 * Presses Tab until the focused control is the one named, as a keyboard user would; fails when it takes more than
 * a few presses, which would mean the tab order skips or wanders.
 */
export const tabTo = async (page: Page, name: string, maxPresses = 6): Promise<void> => {
  const seen: string[] = [];
  for (let press = 0; press < maxPresses; press += 1) {
    await page.keyboard.press('Tab');
    const focused = await focusedName(page);
    if (focused === name) return;
    seen.push(focused);
  }
  throw new Error(`Tab did not reach "${name}"; focus went through: ${seen.map((s) => `"${s}"`).join(', ')}`);
};

export const typeInto = async (page: Page, name: string, text: string): Promise<void> => {
  await tabTo(page, name);
  await page.keyboard.type(text);
};

/** Date fields take the digits of each part in turn and move to the next part by themselves. */
export const typeDate = async (page: Page, name: string, iso: string): Promise<void> => {
  const [year, month, day] = iso.split('-');
  const order = await dateOrderOf(page);
  await tabTo(page, name);
  await page.keyboard.type(order === 'day-first' ? `${day}${month}${year}` : `${month}${day}${year}`);
  const typed = await page.evaluate(() => (document.activeElement as HTMLInputElement).value);
  if (typed !== iso) throw new Error(`Typed ${iso} into "${name}" but the field holds "${typed}"`);
};

/** A file input opens the file chooser on Space, like a button. */
export const chooseFile = async (
  page: Page,
  name: string,
  file: { name: string; mimeType: string; buffer: Buffer },
): Promise<void> => {
  await tabTo(page, name);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
  await chooser.setFiles(file);
};

/**
 * Fills the whole application form with the keyboard only, in tab order, from the top of the page. An applicant
 * with a DBS certificate: both documents are required.
 */
export const fillApplicationByKeyboard = async (page: Page, answers: Answers): Promise<void> => {
  await page.locator('body').focus();
  await typeInto(page, 'First name', answers.firstName);
  await typeInto(page, 'Last name', answers.lastName);
  await typeInto(page, 'Email address', answers.email);
  await typeInto(page, 'Phone number', answers.phone);
  await typeDate(page, 'Date of birth', answers.dateOfBirth);
  await typeInto(page, 'Postcode', answers.postcode);
  // A closed select picks the option whose label starts with what is typed.
  await typeInto(page, 'Professional body', answers.body);
  await typeInto(page, 'Membership number', answers.membershipNumber);
  await tabTo(page, 'I am accredited as a CBT therapist by this body');
  await page.keyboard.press('Space');
  await tabTo(page, 'Yes');
  await page.keyboard.press('Space');
  await typeInto(page, 'Level of check', answers.dbsLevel);
  await typeInto(page, 'Certificate number', answers.certificateNumber);
  await typeDate(page, 'Date of issue', answers.dbsIssueDate);
  await tabTo(page, 'My certificate is on the DBS Update Service');
  await page.keyboard.press('Space');
  await chooseFile(page, 'Upload your DBS certificate', {
    name: 'dbs-certificate.pdf',
    mimeType: 'application/pdf',
    buffer: pdfDocument(),
  });
  await typeInto(page, 'Insurer', answers.insurer);
  await typeInto(page, 'Policy number', answers.policyNumber);
  await typeInto(page, 'Amount of cover', answers.coverAmountGbp);
  await tabTo(page, 'Any one claim');
  await page.keyboard.press('Space');
  await typeDate(page, 'Policy start date', answers.insuranceStart);
  await typeDate(page, 'Policy end date', answers.insuranceEnd);
  await chooseFile(page, 'Upload your insurance schedule', {
    name: 'insurance-schedule.png',
    mimeType: 'image/png',
    buffer: pngImage(),
  });
  await tabTo(page, 'I have read the privacy notice (opens in a new tab)');
  await page.keyboard.press('Space');
  await tabTo(
    page,
    'I agree that you may process my criminal record information (my DBS certificate) to decide whether I can join the network',
  );
  await page.keyboard.press('Space');
};

/** Submits with Enter on the button, the next stop after the last declaration. */
export const submitByKeyboard = async (page: Page): Promise<void> => {
  await tabTo(page, 'Submit application');
  await page.keyboard.press('Enter');
};

/** axe-core's findings as "rule: selectors" lines, so a failing assertion says what to fix. */
export const axeViolations = async (page: Page): Promise<string[]> => {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.map(
    (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  );
};

/** The same answers as fillApplicationByKeyboard, filled directly: for tests about what happens after. */
export const fillApplication = async (page: Page, answers: Answers): Promise<void> => {
  const field = (label: string) => page.getByLabel(label, { exact: true });
  await field('First name').fill(answers.firstName);
  await field('Last name').fill(answers.lastName);
  await field('Email address').fill(answers.email);
  await field('Phone number').fill(answers.phone);
  await field('Date of birth').fill(answers.dateOfBirth);
  await field('Postcode').fill(answers.postcode);
  await field('Professional body').selectOption(answers.body);
  await field('Membership number').fill(answers.membershipNumber);
  await field('I am accredited as a CBT therapist by this body').check();
  await page.locator('#dbs-hasCertificate').check();
  await field('Level of check').selectOption({ label: answers.dbsLevel });
  await field('Certificate number').fill(answers.certificateNumber);
  await field('Date of issue').fill(answers.dbsIssueDate);
  await field('Upload your DBS certificate').setInputFiles({
    name: 'dbs-certificate.pdf',
    mimeType: 'application/pdf',
    buffer: pdfDocument(),
  });
  await field('Insurer').fill(answers.insurer);
  await field('Policy number').fill(answers.policyNumber);
  await field('Amount of cover').fill(answers.coverAmountGbp);
  await field('Any one claim').check();
  await field('Policy start date').fill(answers.insuranceStart);
  await field('Policy end date').fill(answers.insuranceEnd);
  await field('Upload your insurance schedule').setInputFiles({
    name: 'insurance-schedule.png',
    mimeType: 'image/png',
    buffer: pngImage(),
  });
  await page.locator('#consents-privacyNotice').check();
  await page.locator('#consents-criminalRecordProcessing').check();
};

/** Reloads the status page until it shows `stage` (the workflow moves on asynchronously) or `timeoutMs` passes. */
export const waitForStage = async (page: Page, stage: string, timeoutMs = 15_000): Promise<string | null> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = await page.locator('[data-stage]').getAttribute('data-stage');
    if (shown === stage || Date.now() > deadline) return shown;
    await page.waitForTimeout(500);
    await page.reload();
  }
};

interface SentEmail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

/** The emails the local SES has sent to `to` (the API's dev-only route), waiting up to `timeoutMs` for one. */
export const emailsTo = async (apiUrl: string, to: string, timeoutMs = 10_000): Promise<SentEmail[]> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${apiUrl}/__dev/emails`);
    const { emails } = (await response.json()) as { emails: SentEmail[] };
    const sent = emails.filter((email) => email.destination.to.includes(to));
    if (sent.length > 0 || Date.now() > deadline) return sent;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};
