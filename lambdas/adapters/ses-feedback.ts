/** SES's bounce and complaint events, as its configuration set's EventBridge destination delivers them. */
import type { EmailFeedback } from '../use-cases/email-feedback.ts';

/** The parts of the event this reads. */
export interface SesFeedbackEvent {
  'detail-type': string;
  detail: {
    bounce?: { bounceType?: string; bouncedRecipients?: { emailAddress?: string }[] };
    complaint?: { complainedRecipients?: { emailAddress?: string }[] };
  };
}

const addresses = (list: { emailAddress?: string }[] | undefined): string[] =>
  (list ?? []).flatMap((r) => (typeof r.emailAddress === 'string' ? [r.emailAddress] : []));

/** Bounce or complaint; anything else is a wiring mistake and fails loudly (then dead-lettered). */
export const feedbackOf = (event: SesFeedbackEvent): EmailFeedback => {
  const { bounce, complaint } = event.detail ?? {};
  if (event['detail-type'] === 'Email Bounced' && bounce) {
    return {
      reason: 'bounce',
      permanent: bounce.bounceType === 'Permanent',
      recipients: addresses(bounce.bouncedRecipients),
    };
  }
  if (event['detail-type'] === 'Email Complaint Received' && complaint) {
    return { reason: 'complaint', permanent: true, recipients: addresses(complaint.complainedRecipients) };
  }
  throw new Error(`Not an SES bounce or complaint event: ${event['detail-type']}`);
};
