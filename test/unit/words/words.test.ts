/**
 * Every promise shown to people comes from lambdas/domain/policy.ts (DESIGN §3 "Words shown to people"): the review
 * time, the contact address, the emergency notice in the seed's own words, the DBS fee; the contract's numbers from
 * the rules' config. These fail if a page, an email or the contract says anything else.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderContract } from '../../../lambdas/contracts/contract-pdf.ts';
import type { Application } from '../../../lambdas/domain/application.ts';
import {
  checkAvailability,
  checkAvailabilityChange,
  MIN_PATIENTS_PER_WEEK,
} from '../../../lambdas/domain/availability.ts';
import { assessDbs } from '../../../lambdas/domain/dbs.ts';
import { checkAppliedOn, checkStatusCheckedOn } from '../../../lambdas/domain/dbs-application.ts';
import { checkAttendedOn, checkExtension } from '../../../lambdas/domain/induction.ts';
import { checkInsurance } from '../../../lambdas/domain/insurance.ts';
import { COMPLIANCE_FLAG_NAMES, DBS_DEADLINE_NAMES, EVENT_NAMES } from '../../../lambdas/domain/labels.ts';
import { checkPause } from '../../../lambdas/domain/pauses.ts';
import { DBS_POLICY, WORDS } from '../../../lambdas/domain/policy.ts';
import { DBS_ASSESSMENTS, STAGES } from '../../../lambdas/domain/stages.ts';
import * as templates from '../../../lambdas/emails/templates.ts';
import type { Email } from '../../../lambdas/ports/index.ts';
import { isoDate } from '../../../lambdas/shared/schemas.ts';
import { buildSite } from '../../../web/build.ts';

const SEED_EMERGENCY_NOTICE =
  'Call 111 if you urgently need medical help or advice but it is not a life threatening situation. Call 999 if you or anyone else is in immediate danger or harm. Call the Samaritans 24 hours a day on 116 123.';

/** Every "N working days" a text states. */
const workingDays = (text: string): number[] =>
  [...text.matchAll(/(\d+)\s+working\s+days?/g)].map((m) => Number(m[1]));

const plain = (html: string): string =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** The service's internal names that are not also plain words: none may reach a person. */
const RAW_CODES = new RegExp(
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

/** A date written the machine's way (2026-12-16) where a person reads it. */
const ISO_DATE_IN_TEXT = /\b\d{4}-\d{2}-\d{2}\b|YYYY-MM-DD/;
const LONG_DATE =
  /\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b/;

it('the policy module holds the seed’s emergency notice word for word', () => {
  expect(WORDS.emergencyNotice).toBe(SEED_EMERGENCY_NOTICE);
});

describe('emails', () => {
  const app = {
    id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    stage: 'awaiting-documents',
    stageEnteredAt: '2026-11-26T10:00:00.000Z',
    applicant: { firstName: 'Sam', lastName: 'Lee', email: 'sam@example.org' },
    dbs: { hasCertificate: true, applyOnMyBehalf: false, assessment: 'current', reasons: [] },
    requiredDocuments: ['dbs-certificate', 'indemnity-insurance'],
    induction: { attendedOn: '2026-11-20' },
    availability: { startDate: '2026-12-01', patientsPerWeek: 4 },
  } as unknown as Application;
  const links = {
    siteUrl: 'https://site.test',
    staffEmail: 'team@site.test',
    therapyAccountUrl: 'https://therapy.test/account',
    inductionBookingUrl: 'https://therapy.test/induction',
  };
  const t = templates;
  const emails: Record<string, Email> = {
    applicationSubmitted: t.applicationSubmitted(app, links.siteUrl, 'token'),
    documentsReceived: t.documentsReceived(app, links.siteUrl),
    staffApplicationReady: t.staffApplicationReady(app, links.siteUrl, links.staffEmail),
    documentRefused: t.documentRefused(app, 'dbs-certificate', 'the file is empty.', links.siteUrl),
    newDbsNeeded: t.newDbsNeeded(app, links),
    changesRequested: t.changesRequested(app, 'Unreadable', ['indemnity-insurance'], links),
    applicationRejected: t.applicationRejected(app, '', links),
    contractReady: t.contractReady(app, links),
    inductionInvitation: t.inductionInvitation(app, links),
    staffContractSigned: t.staffContractSigned(app, links),
    availabilityRequested: t.availabilityRequested(app, '2026-12-04', links),
    inductionExtended: t.inductionExtended(app, '2026-12-20', links),
    welcome: t.welcome(app, links),
    staffActivated: t.staffActivated(app, links),
    withdrawalConfirmed: t.withdrawalConfirmed(app, links),
    staffWithdrawn: t.staffWithdrawn(app, links),
    reminder: t.reminder(app, 3, links),
    staffStalled: t.staffStalled(app, 14, links),
    lapsed: t.lapsed(app, links),
    staffLapsed: t.staffLapsed(app, links),
    inductionExpiredEmail: t.inductionExpiredEmail(app, links),
    staffInductionExpired: t.staffInductionExpired(app, links),
    staffWorkflowRestarted: t.staffWorkflowRestarted(app, 'execution-failed', 'contract', links),
    staffEmailUndeliverable: t.staffEmailUndeliverable(app, 'bounce', links),
    staffDocumentInfected: t.staffDocumentInfected(
      app,
      'indemnity-insurance',
      ['EICAR-Test-File (not a virus)'],
      true,
      links.siteUrl,
      links.staffEmail,
    ),
    availabilityChangedReceipt: t.availabilityChangedReceipt(
      app,
      {
        patientsPerWeek: 4,
        effectiveFrom: '2027-01-04',
        weeklySlots: [{ day: 'mon', start: '09:00', end: '17:00' }],
      },
      links,
    ),
    pauseReceipt: t.pauseReceipt(app, { from: '2027-01-04', to: '2027-01-15' }, links),
    renewalReceivedReceipt: t.renewalReceivedReceipt(app, 'indemnity-insurance', links.siteUrl),
    dbsReminder: t.dbsReminder(app, { kind: 'dbs-renewal', dueDate: '2027-06-01' }, 30, links),
    insuranceReminder: t.insuranceReminder(app, '2027-06-01', 14, links),
    staffComplianceAlert: t.staffComplianceAlert(app, 'insurance-expired', 'ended', links),
    staffDbsRenewalReminder: t.staffDbsRenewalReminder(app, '2027-06-01', 30, links),
    staffDbsApplicationRequested: t.staffDbsApplicationRequested(app, links),
    staffDbsApplyReminder: t.staffDbsApplyReminder(app, 3, links),
    staffDbsCertificateLate: t.staffDbsCertificateLate(app, '2027-01-04', links),
    staffDigest: t.staffDigest(
      '2026-12-01',
      { dueThisWeek: [], overdue: [], raised: [], cleared: [] },
      links,
    ),
  };

  it('covers every email the system sends', () => {
    const senders = Object.entries(templates)
      .filter(([name, value]) => typeof value === 'function' && !name.endsWith('Link'))
      .map(([name]) => name)
      .sort();
    expect(Object.keys(emails).sort()).toEqual(senders);
  });

  it.each(Object.keys(emails))(
    '%s: the seed’s emergency notice and the contact address, in text and HTML',
    (name) => {
      const email = emails[name] as Email;
      expect(email.text.replace(/\s+/g, ' ')).toContain(SEED_EMERGENCY_NOTICE);
      expect(plain(email.html)).toContain(SEED_EMERGENCY_NOTICE);
      expect(email.text).toContain(WORDS.contactEmail);
      expect(plain(email.html)).toContain(WORDS.contactEmail);
      for (const days of [...workingDays(email.text), ...workingDays(plain(email.html))]) {
        expect(days).toBe(WORDS.reviewWorkingDays);
      }
    },
  );

  it.each(Object.keys(emails))('%s: every date is written "16 December 2026", never 2026-12-16', (name) => {
    const email = emails[name] as Email;
    for (const text of [email.subject, email.text, plain(email.html)]) {
      expect(text, name).not.toMatch(ISO_DATE_IN_TEXT);
    }
  });

  it.each(Object.keys(emails))('%s: no internal name (stage, flag, deadline) in its words', (name) => {
    const email = emails[name] as Email;
    for (const text of [email.subject, email.text, plain(email.html)]) {
      expect(text.replace(/https?:\/\/\S+/g, ''), name).not.toMatch(RAW_CODES);
    }
  });

  it('the digest names flags and deadlines in words', () => {
    const digest = t.staffDigest(
      '2026-12-01',
      {
        overdue: [{ applicationId: 'A1', name: 'Sam Lee', text: COMPLIANCE_FLAG_NAMES['insurance-expired'] }],
        dueThisWeek: [],
        raised: [{ applicationId: 'A1', name: 'Sam Lee', text: COMPLIANCE_FLAG_NAMES['dbs-overdue'] }],
        cleared: [],
      },
      links,
    );
    expect(digest.text).toContain('Insurance expired');
    expect(digest.text.replace(/https?:\/\/\S+/g, '')).not.toMatch(RAW_CODES);
  });

  it('the emails that state a date write it long', () => {
    for (const name of [
      'availabilityRequested',
      'welcome',
      'staffActivated',
      'staffInductionExpired',
      'insuranceReminder',
      'staffDigest',
      'availabilityChangedReceipt',
      'pauseReceipt',
    ]) {
      expect(`${emails[name]?.subject} ${emails[name]?.text}`, name).toMatch(LONG_DATE);
    }
  });

  it('the documents-received email promises the review time of the policy module', () => {
    expect(workingDays(emails.documentsReceived?.text ?? '')).toEqual([WORDS.reviewWorkingDays]);
  });
});

describe('messages', () => {
  const today = '2026-12-16';
  const messages = [
    ...checkAvailability(
      {
        patientsPerWeek: 3,
        startDate: '2026-12-15',
        weeklySlots: [{ day: 'mon', start: '09:00', end: '12:00' }],
      },
      { today, lastStartDate: '2026-12-24' },
    ),
    ...checkAvailability(
      {
        patientsPerWeek: 3,
        startDate: '2027-01-15',
        weeklySlots: [{ day: 'mon', start: '09:00', end: '12:00' }],
      },
      { today, lastStartDate: '2026-12-24' },
    ),
    ...checkAvailability(
      { patientsPerWeek: 3, startDate: today, weeklySlots: [{ day: 'mon', start: '09:00', end: '12:00' }] },
      { today, lastStartDate: '2026-11-15' },
    ),
    ...checkAvailabilityChange(
      {
        patientsPerWeek: 3,
        effectiveFrom: '2026-12-15',
        weeklySlots: [{ day: 'mon', start: '09:00', end: '12:00' }],
      },
      { today },
    ),
    ...checkPause({ from: '2026-12-15', to: '2027-03-01' }, { today }),
    ...checkAttendedOn('2026-12-17', today),
    ...checkAttendedOn('2026-11-01', today),
    ...checkExtension('2027-01-15', '2026-12-24', today),
    ...checkExtension('2026-12-20', '2026-12-24', today),
    ...checkInsurance({ coverAmountGbp: 1_000_000, startDate: '2025-01-01', endDate: '2026-12-15' }, today),
    ...checkAppliedOn('2026-12-17', today),
    ...checkStatusCheckedOn('2020-01-01', '2021-01-01', today),
    ...assessDbs({ hasCertificate: true, level: 'enhanced', issueDate: '2025-06-01' }, today).reasons.map(
      (message) => ({ path: 'dbs', message }),
    ),
  ];

  it('every rule message that names a date writes it "16 December 2026"', () => {
    expect(messages.length).toBeGreaterThanOrEqual(8);
    for (const { path, message } of messages) {
      expect(message, path).not.toMatch(ISO_DATE_IN_TEXT);
      if (/date|On|From|dbs|^from$|^to$/.test(path)) expect(message, path).toMatch(LONG_DATE);
    }
  });

  it('a malformed date is refused in words, not in a pattern', () => {
    const result = isoDate.safeParse('16/12/2026');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).not.toMatch(ISO_DATE_IN_TEXT);
  });
});

describe('pages', () => {
  let dir: string;
  const pages = new Map<string, string>();
  let scripts = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'words-'));
    await buildSite(dir);
    for (const file of await readdir(dir, { recursive: true })) {
      if (file.endsWith('.html')) pages.set(file, await readFile(join(dir, file), 'utf8'));
      if (file.endsWith('.js')) scripts += await readFile(join(dir, file), 'utf8');
    }
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('every page shows the seed’s emergency notice and the contact address, and no placeholder is left', () => {
    expect(pages.size).toBeGreaterThan(5);
    for (const [name, html] of pages) {
      expect(plain(html), name).toContain(SEED_EMERGENCY_NOTICE);
      expect(plain(html), name).toContain(WORDS.contactEmail);
      expect(html, name).not.toMatch(/<!-- (policy|include):/);
      expect(plain(html), name).not.toMatch(ISO_DATE_IN_TEXT);
      expect(plain(html), name).not.toMatch(RAW_CODES);
    }
  });

  it('every page and script states the review time of the policy module, and no other', () => {
    const stated = [...[...pages.values()].map(plain), scripts].flatMap(workingDays);
    expect(stated.length).toBeGreaterThanOrEqual(1);
    expect(new Set(stated)).toEqual(new Set([WORDS.reviewWorkingDays]));
  });

  it('the form tells the applicant the DBS fee before they agree to it', () => {
    expect(plain(pages.get('index.html') ?? '')).toContain(`The fee is £${DBS_POLICY.dbsFeeGbp}`);
    expect(pages.get('index.html')).not.toContain('We will tell you the amount');
  });
});

describe('the contract', () => {
  it(`promises at least ${MIN_PATIENTS_PER_WEEK} patients a week (the seed's word), never sessions`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'contract-'));
    try {
      const file = join(dir, 'contract.pdf');
      await writeFile(
        file,
        await renderContract({
          applicationId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
          fullName: 'Sam Lee',
          date: '2026-12-01',
        }),
      );
      const text = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(text).toContain(`at least ${MIN_PATIENTS_PER_WEEK} patients a week`);
      expect(text).toContain('at least £1,000,000');
      expect(text).not.toMatch(/patient sessions/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
