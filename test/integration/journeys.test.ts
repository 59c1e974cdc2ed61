/**
 * Every journey of DESIGN §2 through the local HTTP API, as applicants and staff would take it: stages, emails,
 * history and the state machine's path (its execution history, from the Step Functions API).
 */
import { describe, expect, it } from 'vitest';
import { formatLongDate } from '../../lambdas/domain/dates.ts';
import {
  availability,
  executionStatus,
  signContract,
  staff,
  statesEntered,
  subjects,
  toInReview,
} from './journey.ts';
import {
  ALL_CHECKS,
  api,
  type Created,
  createApplication,
  emailsTo,
  eventually,
  isoDaysFromToday,
  STAFF_EMAIL,
  uploadAll,
  validApplication,
  view,
  waitForStage,
} from './support.ts';

describe('journeys', () => {
  it('goes straight through to active: review, contract, induction, availability', async () => {
    const app = await toInReview();
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
    await eventually(async () =>
      expect(await subjects(app.email)).toContain('Your affiliate contract is ready to sign'),
    );

    const contract = await signContract(app);
    await waitForStage(app, 'induction-invited');
    const again = await api('POST', `/applications/${app.applicationId}/contract/signature`, {
      token: app.accessToken,
      body: { fullName: 'Alex Morgan', agree: true, contractSha256: contract.sha256 },
    });
    expect(again.status).toBe(409);
    const invitation = await eventually(async () => {
      const mail = (await emailsTo(app.email)).find((m) => m.subject.startsWith('Welcome aboard'));
      if (!mail) throw new Error('no invitation yet');
      return mail;
    });
    expect(invitation.body.text).toContain('therapy-account');
    expect(invitation.body.text).toContain('induction-booking');
    await eventually(async () =>
      expect(await subjects(STAFF_EMAIL)).toContain(`Contract signed: application ${app.applicationId}`),
    );

    const detail = await staff('GET', `/staff/applications/${app.applicationId}`);
    const signature = (
      detail.body.contract as {
        signature: { fullName: string; ip: string; userAgent: string; downloadUrl: string };
      }
    ).signature;
    expect(signature.ip).toBe('127.0.0.1');
    expect(signature.userAgent).toBeTruthy();
    const signedPdf = Buffer.from(await (await fetch(signature.downloadUrl)).arrayBuffer());
    expect(signedPdf.length).toBeGreaterThan(0);
    expect(signedPdf.toString('latin1')).toContain('/Count 2');

    const today = isoDaysFromToday(0);
    expect(
      (await staff('POST', `/staff/applications/${app.applicationId}/induction`, { attendedOn: today }))
        .status,
    ).toBe(200);
    await waitForStage(app, 'awaiting-availability');

    const tooFew = await api<{ errors: { path: string; message: string }[] }>(
      'PUT',
      `/applications/${app.applicationId}/availability`,
      {
        token: app.accessToken,
        body: { ...availability(), patientsPerWeek: 5 },
      },
    );
    expect(tooFew.status).toBe(422);
    expect(tooFew.body.errors[0]?.path).toBe('weeklySlots');
    const late = await api<{ errors: { path: string; message: string }[] }>(
      'PUT',
      `/applications/${app.applicationId}/availability`,
      {
        token: app.accessToken,
        body: availability(isoDaysFromToday(15)),
      },
    );
    expect(late.status).toBe(422);
    expect(late.body.errors[0]?.message).toContain(formatLongDate(isoDaysFromToday(14)));

    const done = await api<{ stage: string }>('PUT', `/applications/${app.applicationId}/availability`, {
      token: app.accessToken,
      body: availability(),
    });
    expect(done.status).toBe(200);
    expect(done.body.stage).toBe('active');
    await eventually(async () => {
      expect(await subjects(app.email)).toContain('Welcome to the network: you are ready to see patients');
      expect(await subjects(STAFF_EMAIL)).toContain(
        `Ready to see patients: application ${app.applicationId}`,
      );
      expect(await executionStatus(app.applicationId)).toBe('SUCCEEDED');
    });
    expect(await statesEntered(app.applicationId)).toEqual([
      'ResumeAt',
      'AwaitDocuments',
      'AwaitReview',
      'ReviewDecision',
      'DbsRequired',
      'AwaitContract',
      'AwaitInduction',
      'AwaitAvailability',
      'AvailabilityOutcome',
      'Active',
    ]);
    const history = (await staff('GET', `/staff/applications/${app.applicationId}`)).body.events as {
      type: string;
      actor: string;
    }[];
    expect(history.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'review-decided',
        'contract-generated',
        'contract-signed',
        'induction-recorded',
        'availability-given',
      ]),
    );
    expect(JSON.stringify(history)).not.toContain(app.email);
  });

  it('requests changes, then approves the re-uploaded documents', async () => {
    const app = await toInReview();
    const res = await staff('POST', `/staff/applications/${app.applicationId}/review`, {
      decision: 'request-changes',
      checks: { ...ALL_CHECKS, insuranceVerified: false },
      note: 'The insurance schedule is cut off at the bottom.',
    });
    expect(res.status).toBe(200);
    await waitForStage(app, 'awaiting-documents');
    const mail = await eventually(async () => {
      const m = (await emailsTo(app.email)).find((e) => e.subject === 'Please update your documents');
      if (!m) throw new Error('no email yet');
      return m;
    });
    expect(mail.body.text).toContain('cut off at the bottom');
    const fresh = await Promise.all(
      ['dbs-certificate', 'indemnity-insurance'].map(async (document) => {
        const offer = await api<Created['uploads'][number]>(
          'POST',
          `/applications/${app.applicationId}/uploads`,
          {
            token: app.accessToken,
            body: { document },
          },
        );
        expect(offer.status).toBe(201);
        return offer.body;
      }),
    );
    await uploadAll({ ...app, uploads: fresh });
    await waitForStage(app, 'in-review');
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
    await eventually(async () =>
      expect((await statesEntered(app.applicationId)).filter((s) => s === 'AwaitDocuments')).toHaveLength(2),
    );
  });

  it('refuses approval without every check, then rejects politely and frees the email', async () => {
    const app = await toInReview();
    const incomplete = await staff('POST', `/staff/applications/${app.applicationId}/review`, {
      decision: 'approve',
      checks: { ...ALL_CHECKS, registerChecked: false },
      note: '',
    });
    expect(incomplete.status).toBe(422);
    expect((incomplete.body.errors as { path: string }[])[0]?.path).toBe('checks.registerChecked');
    expect((await view(app)).body.stage).toBe('in-review');

    expect(
      (
        await staff('POST', `/staff/applications/${app.applicationId}/review`, {
          decision: 'reject',
          checks: ALL_CHECKS,
          note: '',
        })
      ).status,
    ).toBe(200);
    await waitForStage(app, 'rejected');
    await eventually(async () => {
      expect(await subjects(app.email)).toContain('Your application to join our therapist network');
      expect(await executionStatus(app.applicationId)).toBe('SUCCEEDED');
    });
    expect((await statesEntered(app.applicationId)).at(-1)).toBe('Rejected');
    const second = await staff('POST', `/staff/applications/${app.applicationId}/review`, {
      decision: 'approve',
      checks: ALL_CHECKS,
      note: '',
    });
    expect(second.status).toBe(409);
    expect(
      (await api('POST', '/applications', { body: validApplication({ email: app.email }) })).status,
    ).toBe(201);
  });

  it('waits for a new DBS certificate obtained on the applicant’s behalf, then sends the contract', async () => {
    const body = {
      ...validApplication(),
      dbs: { hasCertificate: false as const, applyOnMyBehalf: true, acceptsFee: true },
    };
    const app = await toInReview(body as unknown as ReturnType<typeof validApplication>);
    expect(
      (
        await staff('POST', `/staff/applications/${app.applicationId}/review`, {
          decision: 'approve',
          checks: ALL_CHECKS,
          note: '',
        })
      ).status,
    ).toBe(200);
    await waitForStage(app, 'awaiting-dbs');
    await eventually(async () =>
      expect(await subjects(app.email)).toContain(
        'Your documents are approved: a new DBS certificate is needed',
      ),
    );
    const old = await staff('POST', `/staff/applications/${app.applicationId}/dbs`, {
      certificateNumber: '009876543210',
      issueDate: isoDaysFromToday(-500),
      level: 'enhanced',
    });
    expect(old.status).toBe(422);
    const recorded = await staff('POST', `/staff/applications/${app.applicationId}/dbs`, {
      certificateNumber: '009876543210',
      issueDate: isoDaysFromToday(-1),
      level: 'enhanced-barred-lists',
    });
    expect(recorded.status).toBe(200);
    await waitForStage(app, 'contract-sent');
    await eventually(async () => expect(await statesEntered(app.applicationId)).toContain('AwaitDbs'));
  });

  it('expires an induction after 14 days without availability, then the applicant rebooks', async () => {
    const app = await toInReview();
    await staff('POST', `/staff/applications/${app.applicationId}/review`, {
      decision: 'approve',
      checks: ALL_CHECKS,
      note: '',
    });
    await waitForStage(app, 'contract-sent');
    await signContract(app);
    await waitForStage(app, 'induction-invited');
    const attendedOn = isoDaysFromToday(-2);
    await staff('POST', `/staff/applications/${app.applicationId}/induction`, { attendedOn });
    await waitForStage(app, 'awaiting-availability');

    const lastDay = await api<Record<string, number>>('POST', '/__dev/schedules/onboarding-sweep', {
      body: { asOf: `${isoDaysFromToday(12)}T12:00:00Z` },
    });
    expect(lastDay.status).toBe(200);
    expect((await view(app)).body.stage).toBe('awaiting-availability');

    const sweep = await api<Record<string, number>>('POST', '/__dev/schedules/onboarding-sweep', {
      body: { asOf: `${isoDaysFromToday(13)}T12:00:00Z` },
    });
    expect(sweep.body.inductionsExpired).toBeGreaterThanOrEqual(1);
    await waitForStage(app, 'induction-invited');
    await eventually(async () => {
      expect(await subjects(app.email)).toContain('Please book your induction again');
      expect(await subjects(STAFF_EMAIL)).toContain(`Induction expired: application ${app.applicationId}`);
    });
    await staff('POST', `/staff/applications/${app.applicationId}/induction`, {
      attendedOn: isoDaysFromToday(0),
    });
    await waitForStage(app, 'awaiting-availability');
    const done = await api('PUT', `/applications/${app.applicationId}/availability`, {
      token: app.accessToken,
      body: availability(),
    });
    expect(done.status).toBe(200);
    await eventually(async () => expect(await executionStatus(app.applicationId)).toBe('SUCCEEDED'));
    expect((await statesEntered(app.applicationId)).filter((s) => s === 'AwaitInduction')).toHaveLength(2);
  });

  it('withdraws from an open stage: the execution ends, emails go out, nothing more can happen', async () => {
    const app = await toInReview();
    const res = await api<{ stage: string }>('POST', `/applications/${app.applicationId}/withdrawal`, {
      token: app.accessToken,
      body: { reason: 'Taking a different role' },
    });
    expect(res.status).toBe(200);
    expect(res.body.stage).toBe('withdrawn');
    await eventually(async () => {
      expect(await subjects(app.email)).toContain('You have withdrawn your application');
      expect(await subjects(STAFF_EMAIL)).toContain(`Withdrawn: application ${app.applicationId}`);
      expect(await executionStatus(app.applicationId)).toMatch(/SUCCEEDED|ABORTED/);
    });
    expect(
      (
        await api('POST', `/applications/${app.applicationId}/withdrawal`, {
          token: app.accessToken,
          body: {},
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await staff('POST', `/staff/applications/${app.applicationId}/review`, {
          decision: 'approve',
          checks: ALL_CHECKS,
          note: '',
        })
      ).status,
    ).toBe(409);
  });

  it('reminds at 3 and 7 days once each, alerts staff at 14; documents due by day 30, lapsed on day 31', async () => {
    const app = await createApplication();
    // The lapse spends the documents step's token: wait for the workflow to store it.
    await eventually(async () => {
      const history = (await staff('GET', `/staff/applications/${app.applicationId}`)).body.events as {
        type: string;
      }[];
      expect(history.map((e) => e.type)).toContain('step-waiting');
    }, 30_000);
    const sweep = (days: number) =>
      api<Record<string, number>>('POST', '/__dev/schedules/onboarding-sweep', {
        body: { asOf: `${isoDaysFromToday(days)}T12:00:00Z` },
      });
    const reminders = async () => (await subjects(app.email)).filter((s) => s.startsWith('Reminder:')).length;
    await sweep(2);
    expect(await reminders()).toBe(0);
    await sweep(3);
    await sweep(3);
    expect(await reminders()).toBe(1);
    await sweep(7);
    expect(await reminders()).toBe(2);
    await sweep(14);
    expect(await subjects(STAFF_EMAIL)).toContain(`Stalled for 14 days: application ${app.applicationId}`);
    expect((await view(app)).body.deadlines).toEqual([
      { id: 'documents', label: 'Upload your documents by', date: isoDaysFromToday(30) },
    ]);
    await sweep(30);
    expect((await view(app)).body.stage).toBe('awaiting-documents');
    await sweep(31);
    await waitForStage(app, 'lapsed');
    await eventually(async () => {
      expect(await subjects(app.email)).toContain('Your application has been closed');
      expect(await executionStatus(app.applicationId)).toBe('SUCCEEDED');
    });
    expect((await statesEntered(app.applicationId)).at(-1)).toBe('Lapsed');
  });
});
