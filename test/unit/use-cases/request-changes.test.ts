/**
 * Review: request changes names the documents to send again (the others are kept); approval commits the contract
 * with the stage. Items written by the old code load.
 */
import { describe, expect, it } from 'vitest';
import type { Application } from '../../../lambdas/domain/application.ts';
import { RuleViolation } from '../../../lambdas/domain/errors.ts';
import { hashToken } from '../../../lambdas/shared/tokens.ts';
import { getContract } from '../../../lambdas/use-cases/applicant-actions.ts';
import { applicantView } from '../../../lambdas/use-cases/get-application.ts';
import { review } from '../../../lambdas/use-cases/staff-actions.ts';
import { memoryPorts } from './memory-ports.ts';

const links = {
  siteUrl: 'https://site.test',
  staffEmail: 'team@site.test',
  therapyAccountUrl: 'https://therapy.test/account',
  inductionBookingUrl: 'https://therapy.test/induction',
};
const ctx = { staffId: 'staff-1', links };
const checks = {
  dbsOriginalSeen: true,
  dbsCheckMethod: 'in-person' as const,
  insuranceVerified: false,
  registerChecked: true,
};
const stored = (kind: string) => ({
  key: `applications/01ARZ3NDEKTSV4RRFFQ69G5FAV/${kind}/01J`,
  contentType: 'application/pdf',
  sizeBytes: 100,
  sha256: 'a'.repeat(64),
  receivedAt: '2026-11-25T10:00:00.000Z',
});

/** An in-review item as the old code wrote it: its last review a request-changes without `documents`. */
const oldShapeInReview = (m: ReturnType<typeof memoryPorts>): Application => {
  const app = {
    id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    version: 3,
    stage: 'in-review',
    createdAt: '2026-11-20T09:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
    stageEnteredAt: '2026-11-25T10:00:00.000Z',
    applicant: { firstName: 'Sam', lastName: 'Lee', email: 'sam@example.org' },
    dbs: { hasCertificate: true, assessment: 'current', reasons: [] },
    insurance: { endDate: '2027-11-01' },
    accessTokenHash: '0'.repeat(64),
    requiredDocuments: ['dbs-certificate', 'indemnity-insurance'],
    documents: {
      'dbs-certificate': stored('dbs-certificate'),
      'indemnity-insurance': stored('indemnity-insurance'),
    },
    documentProblems: {},
    outbox: [],
    remindersSent: [],
    task: { step: 'review', token: 'review-token', storedAt: '2026-11-25T10:00:01.000Z' },
    review: {
      decision: 'request-changes',
      checks,
      note: 'Both unreadable',
      decidedAt: '2026-11-22T10:00:00.000Z',
      decidedBy: 'staff-0',
    },
  } as unknown as Application;
  m.apps.set(app.id, app);
  return app;
};

const ruleError = async (promise: Promise<unknown>) => {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RuleViolation);
  return (error as RuleViolation).violations;
};

describe('review: request-changes naming documents', () => {
  it('an old-shape item loads in the applicant’s view: every document required and received', () => {
    const m = memoryPorts();
    const app = oldShapeInReview(m);
    expect(applicantView(app, []).documents).toEqual([
      expect.objectContaining({ document: 'dbs-certificate', required: true, received: true }),
      expect.objectContaining({ document: 'indemnity-insurance', required: true, received: true }),
    ]);
  });

  it('asks for the insurance only: the DBS certificate is kept, the email names the insurance', async () => {
    const m = memoryPorts();
    const app = oldShapeInReview(m);
    const after = await review(
      app.id,
      {
        decision: 'request-changes',
        checks,
        note: 'The schedule is cut off',
        documents: ['indemnity-insurance'],
      },
      m.ports,
      ctx,
    );
    expect(after.stage).toBe('awaiting-documents');
    expect(Object.keys(after.documents)).toEqual(['dbs-certificate']);
    expect(after.review?.documents).toEqual(['indemnity-insurance']);
    expect(
      applicantView(after, []).documents.map(({ document, required, received }) => ({
        document,
        required,
        received,
      })),
    ).toEqual([
      { document: 'dbs-certificate', required: true, received: true },
      { document: 'indemnity-insurance', required: true, received: false },
    ]);
    expect(m.callbacks).toEqual([
      {
        token: 'review-token',
        kind: 'success',
        payload: { decision: 'request-changes', dbsRequired: false },
      },
    ]);
    const email = m.sent.find((e) => e.subject === 'Please update your documents');
    expect(email?.text).toContain('upload your professional indemnity insurance schedule again');
    expect(email?.text).toContain('We keep your DBS certificate');
  });

  it('without documents named, asks for every required document again (the old behaviour)', async () => {
    const m = memoryPorts();
    const app = oldShapeInReview(m);
    const after = await review(
      app.id,
      { decision: 'request-changes', checks, note: 'Unreadable' },
      m.ports,
      ctx,
    );
    expect(after.documents).toEqual({});
    expect(after.review?.documents).toEqual(['dbs-certificate', 'indemnity-insurance']);
  });

  it('refuses a document the application does not require, and documents with another decision (422, nothing changes)', async () => {
    const m = memoryPorts();
    const app = oldShapeInReview(m);
    m.apps.set(app.id, { ...app, requiredDocuments: ['indemnity-insurance'] });
    expect(
      await ruleError(
        review(
          app.id,
          { decision: 'request-changes', checks, note: 'x', documents: ['dbs-certificate'] },
          m.ports,
          ctx,
        ),
      ),
    ).toEqual([{ path: 'documents.0', message: 'This application has no DBS certificate to send again' }]);
    expect(
      await ruleError(
        review(
          app.id,
          { decision: 'reject', checks, note: 'x', documents: ['indemnity-insurance'] },
          m.ports,
          ctx,
        ),
      ),
    ).toEqual([{ path: 'documents', message: 'Name documents only when you request changes' }]);
    expect(m.apps.get(app.id)?.version).toBe(3);
  });
});

describe('approval: the stage says contract-sent only once the contract can be fetched', () => {
  it('the contract is stored and on the item in the same change that moves the stage; no workflow step needed', async () => {
    const m = memoryPorts();
    const app = oldShapeInReview(m);
    const after = await review(
      app.id,
      { decision: 'approve', checks: { ...checks, insuranceVerified: true }, note: '' },
      m.ports,
      ctx,
    );
    expect(after.stage).toBe('contract-sent');
    // What GET /applications/{id}/contract answers from: the committed item and its stored object.
    const committed = m.apps.get(app.id);
    expect(committed?.stage).toBe('contract-sent');
    expect(committed?.contract?.key).toMatch(/^applications\/01ARZ3NDEKTSV4RRFFQ69G5FAV\/contract\//);
    expect(m.objects.has(committed?.contract?.key ?? '')).toBe(true);
    m.apps.set(app.id, { ...(committed as Application), accessTokenHash: hashToken('token') });
    const contract = await getContract({ applicationId: app.id, accessToken: 'token' }, m.ports);
    expect(contract.sha256).toBe(committed?.contract?.sha256);
    expect(m.sent.map((e) => e.subject)).toContain('Your affiliate contract is ready to sign');
  });

  it('a refused approval makes no contract', async () => {
    const m = memoryPorts();
    const app = oldShapeInReview(m);
    await ruleError(review(app.id, { decision: 'approve', checks, note: '' }, m.ports, ctx));
    expect(m.objects.size).toBe(0);
    expect(m.apps.get(app.id)?.contract).toBeUndefined();
  });

  it('a contract made for a change that then fails is removed', async () => {
    const m = memoryPorts();
    const app = oldShapeInReview(m);
    // The item moves on (another reviewer decided) between the read that makes the PDF and the change.
    const original = m.ports.store.get;
    let reads = 0;
    m.ports.store.get = async (id) => {
      reads++;
      const item = await original(id);
      return reads === 1 || !item ? item : { ...item, stage: 'rejected' };
    };
    await expect(
      review(
        app.id,
        { decision: 'approve', checks: { ...checks, insuranceVerified: true }, note: '' },
        m.ports,
        ctx,
      ),
    ).rejects.toThrow(/only possible at “In review”/);
    expect(m.objects.size).toBe(0);
  });
});
