/**
 * recordTherapyAccount (POST /integrations/accounts/{id} for the therapy platform, POST
 * /staff/applications/{id}/account for staff by hand)
 *  1. Only once the contract is signed and while the application is not closed (409 otherwise): the platform's
 *     invitation follows the `contract.signed` event.
 *  2. The same account again is answered as recorded, changing nothing (the platform may retry); another account
 *     for the same application is a conflict (409).
 *  3. `createdAt` neither in the future (beyond 5 minutes of clock skew) nor before the signature (422).
 *  4. Stored on the application with who reported it; the `account-created` entry publishes
 *     `therapist.account-created`.
 */
import type { Application } from '../domain/application.ts';
import { assertNoViolations } from '../domain/errors.ts';
import { stageInSentence } from '../domain/labels.ts';
import { ACCOUNT_STAGES, checkAccountCreatedAt, type TherapyAccount } from '../domain/therapy-account.ts';
import type { Ports } from '../ports/index.ts';
import { Conflict, NotFound } from '../shared/errors.ts';
import { event, mutate } from './support.ts';

export interface AccountInput {
  accountId: string;
  createdAt: string;
}

export interface AccountReporter {
  kind: TherapyAccount['recordedBy'];
  /** The platform's client id, or the staff member's subject id. */
  id: string;
}

export const recordTherapyAccount = async (
  id: string,
  input: AccountInput,
  ports: Pick<Ports, 'store' | 'clock'>,
  reporter: AccountReporter,
): Promise<Application> => {
  const result = await mutate(ports, id, (app, now) => {
    const existing = app.therapyAccount;
    if (existing?.accountId === input.accountId) return undefined;
    if (existing)
      throw new Conflict(
        'This application already has another therapy website account; the first one reported is kept',
      );
    if (!ACCOUNT_STAGES.includes(app.stage) || !app.contract?.signature)
      throw new Conflict(
        `An account can be recorded once the contract is signed; this application is ${stageInSentence(app.stage)}`,
      );
    assertNoViolations(checkAccountCreatedAt(app, input.createdAt, now));
    const therapyAccount: TherapyAccount = {
      accountId: input.accountId,
      createdAt: new Date(input.createdAt).toISOString(),
      recordedAt: now.toISOString(),
      recordedBy: reporter.kind,
      recordedById: reporter.id,
    };
    return {
      next: { ...app, therapyAccount },
      events: [
        event(
          app.id,
          now,
          'account-created',
          { accountId: input.accountId, recordedBy: reporter.kind },
          reporter.kind === 'staff' ? 'staff' : 'system',
          reporter.id,
        ),
      ],
    };
  });
  if (!result) throw new NotFound();
  return result.after;
};
