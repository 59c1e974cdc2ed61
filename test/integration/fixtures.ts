/**
 * Request bodies the tests (and the bench) send. No vitest here: bench/run.ts imports it too.
 */
import { randomUUID } from 'node:crypto';
import { addDaysIso, londonToday } from '../../lambdas/domain/dates.ts';

/** Today's date in Europe/London (as the server sees it) shifted by days, as YYYY-MM-DD. */
export const isoDaysFromToday = (days: number): string => addDaysIso(londonToday(new Date()), days);

export const uniqueEmail = () => `therapist.${randomUUID().slice(0, 8)}@example.org`;

export const validApplication = (overrides: { email?: string; dbsIssueDaysAgo?: number } = {}) => ({
  applicant: {
    firstName: 'Alex',
    lastName: 'Morgan',
    email: overrides.email ?? uniqueEmail(),
    phone: '+44 7700 900123',
    dateOfBirth: '1985-04-12',
    postcode: 'SW1A 1AA',
  },
  professional: { body: 'BABCP', membershipNumber: 'BABCP-123456', accredited: true },
  dbs: {
    hasCertificate: true,
    level: 'enhanced-barred-lists',
    certificateNumber: '001234567890',
    issueDate: isoDaysFromToday(-(overrides.dbsIssueDaysAgo ?? 60)),
    onUpdateService: true,
  },
  insurance: {
    insurer: 'Balens',
    policyNumber: 'PI-998877',
    coverAmountGbp: 1_500_000,
    basis: 'any-one-claim',
    startDate: isoDaysFromToday(-100),
    endDate: isoDaysFromToday(265),
  },
  consents: { privacyNotice: true, criminalRecordProcessing: true },
});

/** A body each route's schema accepts, keyed by route: tests about who asks, and fuzzing near-misses, start here. */
export const VALID_BODIES: Record<string, Record<string, unknown>> = {
  'POST /applications/access-links': { email: 'someone@example.org' },
  'POST /applications/{id}/uploads': { document: 'indemnity-insurance', contentType: 'image/png' },
  'POST /applications/{id}/contract/signature': {
    fullName: 'Alex Morgan',
    agree: true,
    contractSha256: 'a'.repeat(64),
  },
  'PUT /applications/{id}/availability': {
    patientsPerWeek: 3,
    startDate: '2030-01-01',
    weeklySlots: [{ day: 'mon', start: '09:00', end: '12:00' }],
  },
  'POST /applications/{id}/withdrawal': { reason: 'x' },
  'POST /applications/{id}/pauses': { from: '2030-01-01', to: '2030-01-14', reason: 'Holiday' },
  'PUT /applications/{id}/dbs-application': { acceptsFee: true, applyNow: true },
  'POST /staff/applications/{id}/dbs-application': { appliedOn: '2026-01-01', reference: 'E0001' },
  'POST /staff/applications/{id}/dbs-status-check': { checkedOn: '2026-01-01', result: 'no-new-information' },
  'POST /staff/applications/{id}/review': {
    decision: 'approve',
    checks: {
      dbsOriginalSeen: true,
      dbsCheckMethod: 'in-person',
      insuranceVerified: true,
      registerChecked: true,
    },
    note: '',
  },
  'POST /staff/applications/{id}/dbs': {
    certificateNumber: '000000000001',
    issueDate: '2026-01-01',
    level: 'enhanced',
  },
  'POST /staff/applications/{id}/induction': { attendedOn: '2026-01-01' },
  'POST /staff/applications/{id}/account': { accountId: 'tp-1', createdAt: '2026-01-01T09:00:00Z' },
  'POST /integrations/accounts/{id}': { accountId: 'tp-1', createdAt: '2026-01-01T09:00:00Z' },
  'POST /staff/applications/{id}/induction/extension': { lastStartDate: '2026-01-01', reason: 'Illness' },
  'POST /staff/applications/{id}/insurance': {
    insurer: 'Balens',
    policyNumber: 'PI-1',
    coverAmountGbp: 1_000_000,
    basis: 'aggregate',
    startDate: '2026-01-01',
    endDate: '2030-01-01',
  },
};
