/**
 * POST /integrations/accounts/{id} (DESIGN §5): the therapy platform reports the account of seed step 3 with a
 * client-credentials token of scope affiliate/accounts; staff can record it by hand.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { approveToInductionInvited, staff, toInReview } from './journey.ts';
import { api, type Created, eventually, integrationToken, view } from './support.ts';

const report = async (id: string, body: unknown, token?: string) =>
  api('POST', `/integrations/accounts/${id}`, { token: token ?? (await integrationToken()), body });

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

let signed: Created & { email: string };

beforeAll(async () => {
  signed = await toInReview();
  await approveToInductionInvited(signed);
}, 120_000);

describe('who may report an account', () => {
  it('refuses no token, a staff token and an applicant token with 401, a token without the scope with 403', async () => {
    const body = { accountId: 'tp-1', createdAt: minutesFromNow(0) };
    const id = signed.applicationId;
    expect((await api('POST', `/integrations/accounts/${id}`, { body })).status).toBe(401);
    expect(
      (await report(id, body, (await api<{ token: string }>('GET', '/__dev/staff-token')).body.token)).status,
    ).toBe(401);
    expect((await report(id, body, signed.accessToken)).status).toBe(401);
    expect((await report(id, body, await integrationToken(''))).status).toBe(403);
    expect((await report(id, body, await integrationToken('affiliate/other'))).status).toBe(403);
    // Nothing was recorded by the refused calls.
    const account = (await view(signed)).body.checklist.find((item: { id: string }) => item.id === 'account');
    expect(account?.status).toBe('waiting-on-you');
  });

  it('a platform token cannot use a staff route', async () => {
    const res = await api('POST', `/staff/applications/${signed.applicationId}/account`, {
      token: await integrationToken(),
      body: { accountId: 'tp-1', createdAt: minutesFromNow(0) },
    });
    expect(res.status).toBe(401);
  });
});

describe('the rules', () => {
  it('422 for a creation time in the future (beyond 5 minutes) or before the signature; 400 for a bad body', async () => {
    const id = signed.applicationId;
    const future = await report(id, { accountId: 'tp-1', createdAt: minutesFromNow(10) });
    expect(future.status).toBe(422);
    expect(future.body).toMatchObject({ errors: [{ path: 'createdAt' }] });
    const early = await report(id, { accountId: 'tp-1', createdAt: '2020-01-01T00:00:00Z' });
    expect(early.status).toBe(422);
    expect((early.body as { errors: { message: string }[] }).errors[0]?.message).toMatch(
      /before the contract/,
    );
    const bad = await report(id, { accountId: 'tp 1', createdAt: 'yesterday', extra: true });
    expect(bad.status).toBe(400);
  });

  it('records the account once: the same again is 200 and changes nothing, another one is 409', async () => {
    const id = signed.applicationId;
    const first = await report(id, { accountId: 'tp-4411', createdAt: minutesFromNow(2) });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ applicationId: id, stage: 'induction-invited' });
    const again = await report(id, { accountId: 'tp-4411', createdAt: minutesFromNow(2) });
    expect(again.status).toBe(200);
    expect(again.body.updatedAt).toBe(first.body.updatedAt);
    const other = await report(id, { accountId: 'tp-9999', createdAt: minutesFromNow(0) });
    expect(other.status).toBe(409);

    const account = (await view(signed)).body.checklist.find((item: { id: string }) => item.id === 'account');
    expect(account?.status).toBe('done');
    const history = await staff('GET', `/staff/applications/${id}`);
    const entries = (history.body.events as { type: string; details?: Record<string, unknown> }[]).filter(
      (e) => e.type === 'account-created',
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]?.details).toEqual({ accountId: 'tp-4411', recordedBy: 'platform' });

    // One therapist.account-created event on the bus.
    await eventually(async () => {
      const bus = await api<{ events: { detailType: string; detail: Record<string, unknown> }[] }>(
        'GET',
        '/__dev/events',
      );
      const mine = bus.body.events.filter(
        (e) => e.detail.applicationId === id && e.detailType === 'therapist.account-created',
      );
      expect(mine.map((e) => e.detail)).toEqual([
        expect.objectContaining({ accountId: 'tp-4411', recordedBy: 'platform', stage: 'induction-invited' }),
      ]);
    }, 30_000);
  });

  it('409 before the contract is signed and once the application is closed; 404 for an unknown id', async () => {
    const inReview = await toInReview();
    const early = await report(inReview.applicationId, { accountId: 'tp-1', createdAt: minutesFromNow(0) });
    expect(early.status).toBe(409);
    const withdrawn = await api('POST', `/applications/${inReview.applicationId}/withdrawal`, {
      token: inReview.accessToken,
      body: {},
    });
    expect(withdrawn.status).toBe(200);
    const closed = await report(inReview.applicationId, { accountId: 'tp-1', createdAt: minutesFromNow(0) });
    expect(closed.status).toBe(409);
    expect(
      (await report('01KA0000000000000000000000', { accountId: 'tp-1', createdAt: minutesFromNow(0) }))
        .status,
    ).toBe(404);
  });

  it('staff record it by hand', async () => {
    const app = await toInReview();
    await approveToInductionInvited(app);
    const res = await staff('POST', `/staff/applications/${app.applicationId}/account`, {
      accountId: 'tp-by-hand',
      createdAt: minutesFromNow(0),
    });
    expect(res.status).toBe(200);
    const history = await staff('GET', `/staff/applications/${app.applicationId}`);
    const entry = (history.body.events as { type: string; details?: Record<string, unknown> }[]).find(
      (e) => e.type === 'account-created',
    );
    expect(entry?.details).toEqual({ accountId: 'tp-by-hand', recordedBy: 'staff' });
  });
});
