/**
 * The therapist's account on the provider's therapy website (seed step 3, issue 11 §3): the platform invites the
 * therapist when the contract is signed (the `contract.signed` event) and reports the account created; staff can
 * record it by hand. It informs the status page and staff; it does not gate the induction.
 */
import type { Application } from './application.ts';
import type { Violation } from './errors.ts';
import type { Stage } from './stages.ts';

export interface TherapyAccount {
  /** The platform's own id of the account (no personal data). */
  accountId: string;
  /** When the platform created it (ISO 8601). */
  createdAt: string;
  recordedAt: string;
  recordedBy: 'platform' | 'staff';
  /** The platform's client id, or the staff member's subject id. */
  recordedById: string;
}

/** The stages after the signature, while the application is not closed: the account can exist then. */
export const ACCOUNT_STAGES: readonly Stage[] = ['induction-invited', 'awaiting-availability', 'active'];

/** How far ahead of our clock the platform's may be: a `createdAt` later than this is refused. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** What makes a reported creation time impossible (422): in the future, or before the contract was signed. */
export const checkAccountCreatedAt = (app: Application, createdAt: string, now: Date): Violation[] => {
  const at = Date.parse(createdAt);
  if (at > now.getTime() + CLOCK_SKEW_MS)
    return [{ path: 'createdAt', message: 'The account cannot be created in the future' }];
  const signedAt = app.contract?.signature?.at;
  if (signedAt && at < Date.parse(signedAt))
    return [
      {
        path: 'createdAt',
        message:
          'The account cannot be created before the contract was signed; the invitation follows the signature',
      },
    ];
  return [];
};
