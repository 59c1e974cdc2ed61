/**
 * Issue 7 (the seed's rules) through the local API: insurance in force, the induction window and its extension,
 * request changes naming documents, and the contract fetchable as soon as the stage says so.
 */
import { describe, expect, it } from 'vitest';
import { availability, signContract, staff, toInReview } from './journey.ts';
import {
  ALL_CHECKS,
  api,
  createApplication,
  isoDaysFromToday,
  validApplication,
  waitForStage,
} from './support.ts';

const withInsuranceEnding = (endDate: string) => {
  const body = validApplication();
  return { ...body, insurance: { ...body.insurance, endDate } };
};

/** Approved, contract signed, induction attended today: waiting for availability. */
const toAwaitingAvailability = async (body = validApplication()) => {
  const app = await toInReview(body);
  expect(
    (
      await staff('POST', `/staff/applications/${app.applicationId}/review`, {
        decision: 'approve',
        checks: ALL_CHECKS,
        note: '',
      })
    ).status,
  ).toBe(200);
  await waitForStage(app, 'contract-sent');
  await signContract(app);
  await waitForStage(app, 'induction-invited');
  expect(
    (
      await staff('POST', `/staff/applications/${app.applicationId}/induction`, {
        attendedOn: isoDaysFromToday(0),
      })
    ).status,
  ).toBe(200);
  await waitForStage(app, 'awaiting-availability');
  return app;
};

describe('insurance in force: startDate <= d <= endDate, one definition', () => {
  it('a policy ending today is accepted at submission; one that ended yesterday is refused', async () => {
    expect((await createApplication(withInsuranceEnding(isoDaysFromToday(0)))).stage).toBe(
      'awaiting-documents',
    );
    const ended = await api<{ errors: { path: string }[] }>('POST', '/applications', {
      body: withInsuranceEnding(isoDaysFromToday(-1)),
    });
    expect(ended.status).toBe(422);
    expect(ended.body.errors.map((e) => e.path)).toEqual(['insurance.endDate']);
  });

  it('a policy ending on the start day covers that start; a start the day after is refused with 422', async () => {
    const app = await toAwaitingAvailability(withInsuranceEnding(isoDaysFromToday(3)));
    const late = await api<{ errors: { path: string; message: string }[] }>(
      'PUT',
      `/applications/${app.applicationId}/availability`,
      { token: app.accessToken, body: availability(isoDaysFromToday(4)) },
    );
    expect(late.status).toBe(422);
    expect(late.body.errors[0]?.path).toBe('startDate');
    expect(late.body.errors[0]?.message).toContain('must be in force on your start date');
    const onTheDay = await api<{ stage: string }>('PUT', `/applications/${app.applicationId}/availability`, {
      token: app.accessToken,
      body: availability(isoDaysFromToday(3)),
    });
    expect(onTheDay.status).toBe(200);
    expect(onTheDay.body.stage).toBe('active');
  });
});
