/**
 * The provider's promises and our own policies (DESIGN §3), in one module: every page, email and the contract
 * read their words and numbers from here, so a promise cannot say one thing on the form and another in an email.
 * Seed values are quoted from the provider's page; values marked "policy" are ours and configurable.
 */

import type { DbsLevel } from './stages.ts';

/** Words shown to people (DESIGN §3 "Words shown to people"). */
export const WORDS = {
  /** How long the affiliate team takes to review an application: one value everywhere. */
  reviewWorkingDays: 3,
  /** Where applicants and therapists write to the affiliate team. Placeholder until the provider confirms it. */
  contactEmail: 'affiliates@example.org',
  /** The seed's emergency notice, in its own words. */
  emergencyNotice:
    'Call 111 if you urgently need medical help or advice but it is not a life threatening situation. Call 999 if you or anyone else is in immediate danger or harm. Call the Samaritans 24 hours a day on 116 123.',
} as const;

/** The provider's DBS application for a therapist, at the therapist's cost (seed: "at a cost to you"). */
export const DBS_POLICY = {
  /** Certificate levels accepted (config); any other level needs a new certificate. */
  acceptedDbsLevels: ['enhanced', 'enhanced-barred-lists'] as readonly DbsLevel[],
  /** Fee charged to the therapist for the provider's DBS application, shown before consent (config). */
  dbsFeeGbp: 54,
  /** Policy: years after which an active therapist's certificate is due a re-check; null turns it off. */
  dbsRecheckYears: 3 as number | null,
  /** Policy: days after `appliedOn` with no certificate recorded before staff are alerted. */
  certificateAlertDaysAfterApplying: 60,
} as const;
