/**
 * Configuration per stage. Local and cloud differ only here (DESIGN §4).
 */
export interface StageConfig {
  /** Stack name prefix. */
  name: string;
  /** Verified SES identity the system sends from. */
  mailFrom: string;
  /** The affiliate team's address: staff notifications go here. */
  staffEmail: string;
  /** Who is emailed when an alarm fires (the operations SNS topic's subscription). */
  alarmEmail: string;
  /** Origin of the static site (links in emails, CORS). Empty in the cloud: the CloudFront domain is used. */
  siteOrigin?: string;
  /** Therapy website's account-creation link and induction booking link (issue 3): an absolute URL, or a path
   *  on the static site, resolved against the site origin the stack knows (the CloudFront domain, or the local
   *  site on whatever port it runs). Emails carry them resolved; the status page shows them at the step. */
  therapyAccountUrl: string;
  inductionBookingUrl: string;
  /** Policy: the capacity report highlights half-hours with fewer therapists than this (env MINIMUM_COVER). */
  minimumCover: number;
}

/** The deployed stage. Set your own addresses with CDK context: `npx cdk deploy -c mailFrom=... -c staffEmail=...`
 *  (read in lib/app.ts); never from the process environment, which the local stack sets for the handlers. */
export const CLOUD_CONFIG: StageConfig = {
  name: 'AffiliateOnboarding',
  mailFrom: 'onboarding@example.org',
  staffEmail: 'affiliate-team@example.org',
  alarmEmail: 'operations@example.org',
  therapyAccountUrl: 'https://therapy.example.org/account/new',
  inductionBookingUrl: 'https://therapy.example.org/induction',
  minimumCover: 1,
};

export const LOCAL_CONFIG: StageConfig = {
  name: 'Local',
  mailFrom: 'onboarding@affiliates.local',
  staffEmail: 'affiliate-team@affiliates.local',
  alarmEmail: 'operations@affiliates.local',
  // The local site's stand-in pages, on whichever port the site runs (SITE_PORT).
  therapyAccountUrl: '/therapy-account.html',
  inductionBookingUrl: '/induction-booking.html',
  minimumCover: 1,
};
