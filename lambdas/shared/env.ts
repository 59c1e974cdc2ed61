/**
 * Environment, read once at cold start. A missing variable fails the first invocation loudly instead of half-way
 * through a request.
 */
export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
};

export const env = {
  get tableName() {
    return requireEnv('TABLE_NAME');
  },
  get documentsBucket() {
    return requireEnv('DOCUMENTS_BUCKET');
  },
  get stateMachineArn() {
    return requireEnv('STATE_MACHINE_ARN');
  },
  get mailFrom() {
    return requireEnv('MAIL_FROM');
  },
  get staffEmail() {
    return requireEnv('STAFF_EMAIL');
  },
  get siteUrl() {
    return requireEnv('SITE_URL').replace(/\/$/, '');
  },
};

/** A configured link: absolute as it is, or a path on the static site resolved against the site's origin. */
export const siteLink = (value: string, siteUrl: string): string => new URL(value, `${siteUrl}/`).href;

/** Everything an email needs to link to, read once. */
export const mailLinks = () => ({
  siteUrl: env.siteUrl,
  staffEmail: env.staffEmail,
  therapyAccountUrl: siteLink(requireEnv('THERAPY_ACCOUNT_URL'), env.siteUrl),
  inductionBookingUrl: siteLink(requireEnv('INDUCTION_BOOKING_URL'), env.siteUrl),
});
