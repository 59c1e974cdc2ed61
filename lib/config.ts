/**
 * Configuration per stage. Local and cloud differ only here (DESIGN §4).
 */
export interface StageConfig {
  /** Stack name prefix. */
  name: string;
  /** The region every stateful and stateless resource lives in (the data stays in the UK). The WAF web ACL of the
   *  CloudFront distribution is the one exception: AWS requires it in us-east-1 (lib/stacks/edge-stack.ts). */
  region: string;
  /** Verified SES identity the system sends from. */
  mailFrom: string;
  /** The affiliate team's address: staff notifications go here. */
  staffEmail: string;
  /** Who is emailed when an alarm fires (the operations SNS topic's subscription). */
  alarmEmail: string;
  /** Origin of the static site (links in emails, CORS). Empty in the cloud: the custom domain's, or else the
   *  CloudFront domain's. */
  siteOrigin?: string;
  /** Optional custom domain of the site (`-c domainName=apply.provider.co.uk`): an ACM certificate is requested
   *  for it in us-east-1 (DNS validation: publish the record the deployment shows) and CloudFront serves it with
   *  TLSv1.2_2021 at least. Without it the site is on its `*.cloudfront.net` domain. */
  domainName?: string;
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
  region: 'eu-west-2',
  mailFrom: 'onboarding@example.org',
  staffEmail: 'affiliate-team@example.org',
  alarmEmail: 'operations@example.org',
  therapyAccountUrl: 'https://therapy.example.org/account/new',
  inductionBookingUrl: 'https://therapy.example.org/induction',
  minimumCover: 1,
};

/** The addresses a deployment must set itself, and the `-c` flag for each. */
const DEPLOY_ADDRESSES = ['mailFrom', 'staffEmail', 'alarmEmail'] as const;

/** Reserved for documentation and testing (RFC 2606, RFC 6761): nobody receives mail there. */
const isPlaceholderDomain = (address: string): boolean => {
  const domain = address.split('@')[1]?.toLowerCase() ?? '';
  return (
    /(^|\.)example\.(org|com|net)$/.test(domain) || /\.(example|invalid|test|localhost|local)$/.test(domain)
  );
};

/**
 * What stops a deployment: an address still on a placeholder domain (the example.org defaults of CLOUD_CONFIG).
 * SES cannot verify example.org, and staff notifications and alarms would go nowhere. Empty when deployable.
 */
export const deployProblems = (config: StageConfig): string[] => {
  const placeholders = DEPLOY_ADDRESSES.filter((key) => isPlaceholderDomain(config[key]));
  if (placeholders.length === 0) return [];
  return [
    `${placeholders.join(', ')} ${placeholders.length === 1 ? 'is' : 'are'} still a placeholder address ` +
      `(${placeholders.map((key) => config[key]).join(', ')}). Set your own with ` +
      `${placeholders.map((key) => `-c ${key}=…`).join(' ')}, e.g. ` +
      `npx cdk deploy --all ${DEPLOY_ADDRESSES.map((key) => `-c ${key}=${EXAMPLES[key]}`).join(' ')}`,
  ];
};

const EXAMPLES: Record<(typeof DEPLOY_ADDRESSES)[number], string> = {
  mailFrom: 'onboarding@your-domain.co.uk',
  staffEmail: 'affiliate-team@your-domain.co.uk',
  alarmEmail: 'on-call@your-domain.co.uk',
};

export const LOCAL_CONFIG: StageConfig = {
  name: 'Local',
  region: 'eu-west-2',
  mailFrom: 'onboarding@affiliates.local',
  staffEmail: 'affiliate-team@affiliates.local',
  alarmEmail: 'operations@affiliates.local',
  // The local site's stand-in pages, on whichever port the site runs (SITE_PORT).
  therapyAccountUrl: '/therapy-account.html',
  inductionBookingUrl: '/induction-booking.html',
  minimumCover: 1,
};

/**
 * Which addresses are one inbox, for the one-open-application-per-email rule (DESIGN §5: 409 on a duplicate):
 * case never matters, and at these providers `name+anything@` is delivered to `name@`, so `+1`, `+2`… cannot
 * open a second application for the same person or flood one inbox with confirmation emails. Other domains keep
 * their `+tag`: some providers treat `+` as an ordinary character of a distinct mailbox. Changing the list
 * affects new applications only (each stores the key it reserved).
 */
export const MAILBOX_RULES = {
  plusTagDomains: [
    'gmail.com',
    'googlemail.com',
    'outlook.com',
    'hotmail.com',
    'hotmail.co.uk',
    'live.com',
    'live.co.uk',
    'icloud.com',
    'me.com',
    'fastmail.com',
    'proton.me',
    'protonmail.com',
  ] as readonly string[],
} as const;
