import { describe, expect, it } from 'vitest';
import type { Application } from '../../../lambdas/domain/application.ts';
import { checkAccountCreatedAt } from '../../../lambdas/domain/therapy-account.ts';

const signedAt = '2027-03-01T10:00:00.000Z';
const app = { contract: { signature: { at: signedAt } } } as unknown as Application;
const now = new Date('2027-03-02T12:00:00.000Z');

describe('checkAccountCreatedAt', () => {
  it('accepts a time between the signature and now, and up to 5 minutes of the platform clock ahead', () => {
    expect(checkAccountCreatedAt(app, signedAt, now)).toEqual([]);
    expect(checkAccountCreatedAt(app, '2027-03-02T12:05:00.000Z', now)).toEqual([]);
  });

  it('refuses a time more than 5 minutes ahead', () => {
    expect(checkAccountCreatedAt(app, '2027-03-02T12:05:00.001Z', now)).toEqual([
      { path: 'createdAt', message: 'The account cannot be created in the future' },
    ]);
  });

  it('refuses a time before the signature, with an offset read as the instant it names', () => {
    expect(checkAccountCreatedAt(app, '2027-03-01T10:59:59+01:00', now)).toEqual([
      expect.objectContaining({
        path: 'createdAt',
        message: expect.stringMatching(/before the contract was signed/),
      }),
    ]);
    expect(checkAccountCreatedAt(app, '2027-03-01T11:00:00+01:00', now)).toEqual([]);
  });
});
