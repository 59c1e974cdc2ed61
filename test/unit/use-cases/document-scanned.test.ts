/**
 * The malware-scan gate (document-received records an upload as pending; document-scanned decides): a document
 * counts only once scanned clean; an infected or unscannable one is refused, whichever event comes first.
 */
import { describe, expect, it } from 'vitest';
import { scanOf } from '../../../lambdas/adapters/guardduty-scan.ts';
import { isReceived } from '../../../lambdas/domain/documents.ts';
import { createApplicationSchema } from '../../../lambdas/shared/schemas.ts';
import { createApplication } from '../../../lambdas/use-cases/create-application.ts';
import { documentReceived } from '../../../lambdas/use-cases/document-received.ts';
import {
  documentScanned,
  INFECTED_REASON,
  ScanBeforeRecord,
  UNSCANNABLE_REASON,
} from '../../../lambdas/use-cases/document-scanned.ts';
import { applicantView } from '../../../lambdas/use-cases/get-application.ts';
import { staffView } from '../../../lambdas/use-cases/staff-queries.ts';
import { MAILBOX_RULES } from '../../../lib/config.ts';
import { memoryPorts } from './memory-ports.ts';

const PDF = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');
const ctx = { siteUrl: 'https://site.test', staffEmail: 'team@site.test' };
const EICAR = ['EICAR-Test-File (not a virus)'];

const input = () =>
  createApplicationSchema.parse({
    applicant: {
      firstName: 'Sam',
      lastName: 'Lee',
      email: 'sam@example.org',
      phone: '07700 900123',
      dateOfBirth: '1980-01-01',
      postcode: 'M1 1AE',
    },
    professional: { body: 'BABCP', membershipNumber: 'X1', accredited: true },
    dbs: {
      hasCertificate: true,
      level: 'enhanced',
      certificateNumber: '000000000001',
      issueDate: '2026-01-10',
      onUpdateService: false,
    },
    insurance: {
      insurer: 'I',
      policyNumber: 'P',
      coverAmountGbp: 1_000_000,
      basis: 'aggregate',
      startDate: '2026-01-01',
      endDate: '2027-01-01',
    },
    consents: { privacyNotice: true, criminalRecordProcessing: true },
  });

const setUp = async () => {
  const m = memoryPorts();
  const created = await createApplication(
    input(),
    { siteUrl: ctx.siteUrl, rawBody: '{}', mailboxRules: MAILBOX_RULES },
    m.ports,
  );
  const id = created.applicationId;
  const keyOf = (kind: string, n = 0) => `applications/${id}/${kind}/01ARZ3NDEKTSV4RRFFQ69G5FA${'VWXYZ'[n]}`;
  const upload = async (kind: string, n = 0) => {
    const key = keyOf(kind, n);
    m.objects.set(key, { bytes: PDF, contentType: 'application/pdf' });
    return key;
  };
  const app = async () => {
    const found = m.apps.get(id);
    if (!found) throw new Error('no application');
    return found;
  };
  m.sent.length = 0;
  return { m, id, upload, app, keyOf };
};

describe('document-scanned', () => {
  it('a recorded upload is "checking" until clean; the last clean one completes the documents step', async () => {
    const { m, id, upload, app } = await setUp();
    const dbs = await upload('dbs-certificate');
    const insurance = await upload('indemnity-insurance');
    expect(await documentReceived({ key: dbs }, m.ports, ctx)).toBe('recorded');
    expect(await documentReceived({ key: insurance }, m.ports, ctx)).toBe('recorded');
    expect((await app()).stage).toBe('awaiting-documents');
    const pending = applicantView(await app(), []);
    expect(pending.documents.map((d) => [d.received, d.checking])).toEqual([
      [false, true],
      [false, true],
    ]);
    expect(pending.blocking).toEqual([]);
    const staff = await staffView(id, m.ports, 'staff-1');
    expect(staff.documents.every((d) => d.checking && !d.received && !d.downloadUrl)).toBe(true);

    expect(await documentScanned({ key: dbs, result: { status: 'clean' } }, m.ports, ctx)).toBe('clean');
    expect((await app()).stage).toBe('awaiting-documents');
    expect(await documentScanned({ key: insurance, result: { status: 'clean' } }, m.ports, ctx)).toBe(
      'complete',
    );
    const done = await app();
    expect(done.stage).toBe('in-review');
    expect(isReceived(done.documents['indemnity-insurance'])).toBe(true);
    expect(m.sent.map((e) => e.subject)).toEqual([
      'We have received your documents',
      `Ready for review: application ${id}`,
    ]);
    // The same result again changes nothing.
    expect(await documentScanned({ key: dbs, result: { status: 'clean' } }, m.ports, ctx)).toBe('duplicate');
    expect(m.events.filter((e) => e.type === 'document-scanned')).toHaveLength(2);
  });

  it('a clean result before the upload is recorded fails (the platform retries); once recorded it counts', async () => {
    const { m, upload } = await setUp();
    const dbs = await upload('dbs-certificate');
    await expect(
      documentScanned({ key: dbs, result: { status: 'clean' } }, m.ports, ctx),
    ).rejects.toBeInstanceOf(ScanBeforeRecord);
    await documentReceived({ key: dbs }, m.ports, ctx);
    expect(await documentScanned({ key: dbs, result: { status: 'clean' } }, m.ports, ctx)).toBe('clean');
  });

  it('a clean result for an upload already gone (superseded or refused) is ignored', async () => {
    const { m, keyOf } = await setUp();
    expect(
      await documentScanned({ key: keyOf('dbs-certificate'), result: { status: 'clean' } }, m.ports, ctx),
    ).toBe('ignored');
  });

  it('an infected upload is deleted, taken off, recorded, staff alerted and the applicant asked again, once', async () => {
    const { m, id, upload, app } = await setUp();
    const insurance = await upload('indemnity-insurance');
    await documentReceived({ key: insurance }, m.ports, ctx);
    const scan = { key: insurance, result: { status: 'infected' as const, threats: EICAR } };
    expect(await documentScanned(scan, m.ports, ctx)).toBe('refused');
    const after = await app();
    expect(m.objects.has(insurance)).toBe(false);
    expect(after.documents['indemnity-insurance']).toBeUndefined();
    expect(after.documentProblems['indemnity-insurance']).toBe(INFECTED_REASON);
    expect(after.refusedUploads).toEqual([
      expect.objectContaining({
        document: 'indemnity-insurance',
        key: insurance,
        reason: 'infected',
        threats: EICAR,
      }),
    ]);
    expect(m.events.find((e) => e.type === 'document-infected')?.details).toEqual({
      document: 'indemnity-insurance',
      threats: EICAR[0],
    });
    expect(m.sent.map((e) => [e.to, e.subject])).toEqual([
      ['sam@example.org', 'Please upload your professional indemnity insurance schedule again'],
      ['team@site.test', `Harmful file deleted: application ${id}`],
    ]);
    expect(applicantView(after, []).blocking[1]).toContain('virus check found harmful content');

    expect(await documentScanned(scan, m.ports, ctx)).toBe('duplicate');
    expect(m.sent).toHaveLength(2);
  });

  it('an infected result that comes first is remembered: the upload is never recorded', async () => {
    const { m, upload, app } = await setUp();
    const dbs = await upload('dbs-certificate');
    const scan = { key: dbs, result: { status: 'infected' as const, threats: EICAR } };
    expect(await documentScanned(scan, m.ports, ctx)).toBe('refused');
    // document-received read the object just before it was deleted, and commits after.
    m.objects.set(dbs, { bytes: PDF, contentType: 'application/pdf' });
    expect(await documentReceived({ key: dbs }, m.ports, ctx)).toBe('duplicate');
    expect((await app()).documents['dbs-certificate']).toBeUndefined();
  });

  it('a file that cannot be scanned is refused without alerting staff', async () => {
    const { m, upload, app } = await setUp();
    const dbs = await upload('dbs-certificate');
    await documentReceived({ key: dbs }, m.ports, ctx);
    expect(await documentScanned({ key: dbs, result: { status: 'unscannable' } }, m.ports, ctx)).toBe(
      'refused',
    );
    expect((await app()).documentProblems['dbs-certificate']).toBe(UNSCANNABLE_REASON);
    expect(m.sent.map((e) => e.to)).toEqual(['sam@example.org']);
    expect(m.events.some((e) => e.type === 'document-refused')).toBe(true);
  });
});

describe("GuardDuty's scan result event", () => {
  const event = (
    scanStatus: string,
    scanResultStatus?: string,
    threats: { name: string }[] | null = null,
  ) => ({
    'detail-type': 'GuardDuty Malware Protection Object Scan Result',
    detail: {
      scanStatus,
      resourceType: 'S3_OBJECT',
      s3ObjectDetails: { bucketName: 'docs', objectKey: 'applications/A/dbs-certificate/B' },
      ...(scanResultStatus ? { scanResultDetails: { scanResultStatus, threats } } : {}),
    },
  });

  it('maps NO_THREATS_FOUND to clean, THREATS_FOUND to infected with the threat names, anything else to unscannable', () => {
    expect(scanOf(event('COMPLETED', 'NO_THREATS_FOUND')).result).toEqual({ status: 'clean' });
    expect(scanOf(event('COMPLETED', 'THREATS_FOUND', [{ name: EICAR[0] as string }])).result).toEqual({
      status: 'infected',
      threats: EICAR,
    });
    expect(scanOf(event('COMPLETED', 'UNSUPPORTED')).result).toEqual({ status: 'unscannable' });
    expect(scanOf(event('SKIPPED')).result).toEqual({ status: 'unscannable' });
    expect(scanOf(event('COMPLETED', 'NO_THREATS_FOUND')).key).toBe('applications/A/dbs-certificate/B');
  });

  it('refuses any other event', () => {
    expect(() => scanOf({ 'detail-type': 'Object Created', detail: {} })).toThrow(/Not a GuardDuty/);
  });
});
