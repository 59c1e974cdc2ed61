/**
 * Malware scanning end to end, locally (lib/local/scanner.ts standing in for GuardDuty Malware Protection for S3,
 * emitting its scan-result event to document-scanned): an upload counts only once scanned clean, is shown as
 * "checking" meanwhile (no download link for staff), and a file carrying the EICAR test string is deleted,
 * recorded, staff alerted and the applicant asked for another.
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { DOCUMENT_LABELS } from '../../lambdas/emails/templates.ts';
import { EICAR } from '../../lib/local/scanner.ts';
import { BUCKET } from '../../lib/local/stack.ts';
import {
  api,
  createApplication,
  emailsTo,
  eventually,
  PDF_BYTES,
  postUpload,
  STAFF_EMAIL,
  staffToken,
  type Upload,
  view,
  waitForStage,
} from './support.ts';

const local = { region: 'eu-west-2', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
const objectsUnder = async (prefix: string) => {
  const s3 = new S3Client({ ...local, endpoint: inject('endpoints').s3, forcePathStyle: true });
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key);
};

interface StaffDocument {
  document: string;
  received: boolean;
  checking?: true;
  downloadUrl?: string;
  problem?: string;
}
const staffView = async (id: string) =>
  (
    await api<{
      stage: string;
      documents: StaffDocument[];
      refusedUploads?: { document: string; reason: string; threats?: string[] }[];
      events: { type: string; details?: Record<string, unknown> }[];
    }>('GET', `/staff/applications/${id}`, { token: await staffToken() })
  ).body;

const uploadFor = (uploads: Upload[], document: string) => {
  const upload = uploads.find((u) => u.document === document);
  if (!upload) throw new Error(`no upload for ${document}`);
  return upload;
};
const freshUpload = async (app: { applicationId: string; accessToken: string }, document: string) => {
  const res = await api<Upload>('POST', `/applications/${app.applicationId}/uploads`, {
    token: app.accessToken,
    body: { document },
  });
  expect(res.status).toBe(201);
  return res.body;
};

const hold = (held: boolean) => api('POST', '/__dev/scanner', { body: { held } });
afterEach(async () => {
  await hold(false);
});

/** A real PDF's bytes with the EICAR string inside, as an infected upload would carry it. */
const INFECTED_PDF = Buffer.concat([PDF_BYTES, Buffer.from(`\n${EICAR}\n`, 'latin1')]);

describe('uploads count only once scanned clean', () => {
  it('shows "checking" (no link for staff) until the scan, then received and in review', async () => {
    expect((await hold(true)).body).toEqual({ held: true, queued: 0 });
    const app = await createApplication();
    for (const upload of app.uploads) expect((await postUpload(upload, PDF_BYTES)).status).toBe(204);

    const checking = await eventually(async () => {
      const v = (await view(app)).body as unknown as {
        stage: string;
        documents: { document: string; received: boolean; checking?: true }[];
        checklist: { id: string; detail?: string }[];
        blocking: string[];
      };
      expect(v.documents.filter((d) => d.checking)).toHaveLength(2);
      return v;
    });
    expect(checking.stage).toBe('awaiting-documents');
    expect(checking.documents.every((d) => !d.received)).toBe(true);
    expect(checking.blocking).toEqual([]);
    expect(checking.checklist.find((i) => i.id === 'documents')?.detail).toMatch(/^Checking for viruses: /);
    const seen = await staffView(app.applicationId);
    for (const doc of seen.documents) {
      expect(doc).toMatchObject({ received: false, checking: true });
      expect(doc.downloadUrl).toBeUndefined();
    }
    expect((await api('GET', '/__dev/scanner')).body).toEqual({ held: true, queued: 2 });

    await hold(false);
    await waitForStage(app, 'in-review');
    const after = await staffView(app.applicationId);
    for (const doc of after.documents) {
      expect(doc.received).toBe(true);
      expect(doc.checking).toBeUndefined();
      expect(doc.downloadUrl).toMatch(/^http/);
    }
    expect(after.events.filter((e) => e.type === 'document-scanned')).toHaveLength(2);
  });

  it('an infected file (EICAR) is deleted, recorded, staff alerted and the applicant asked for another', async () => {
    const app = await createApplication();
    const insurance = uploadFor(app.uploads, 'indemnity-insurance');
    expect((await postUpload(uploadFor(app.uploads, 'dbs-certificate'), PDF_BYTES)).status).toBe(204);
    expect((await postUpload(insurance, INFECTED_PDF)).status).toBe(204);

    const seen = await eventually(async () => {
      const body = await staffView(app.applicationId);
      expect(body.refusedUploads).toHaveLength(1);
      return body;
    });
    expect(seen.refusedUploads?.[0]).toMatchObject({
      document: 'indemnity-insurance',
      reason: 'infected',
      threats: ['EICAR-Test-File (not a virus)'],
    });
    expect(seen.events.find((e) => e.type === 'document-infected')?.details).toMatchObject({
      document: 'indemnity-insurance',
    });
    const insuranceDoc = seen.documents.find((d) => d.document === 'indemnity-insurance');
    expect(insuranceDoc?.received).toBe(false);
    expect(insuranceDoc?.downloadUrl).toBeUndefined();
    expect(insuranceDoc?.problem).toContain('virus check found harmful content');
    expect(seen.stage).toBe('awaiting-documents');
    // The file is gone; the clean certificate stays.
    expect(await objectsUnder(`applications/${app.applicationId}/indemnity-insurance/`)).toEqual([]);
    expect(await objectsUnder(`applications/${app.applicationId}/dbs-certificate/`)).toHaveLength(1);

    const v = (await view(app)).body;
    expect(v.documents.find((d) => d.document === 'indemnity-insurance')).toMatchObject({
      received: false,
      rejectedReason: expect.stringContaining('virus check'),
    });
    expect(v.blocking).toEqual([
      expect.stringContaining(`Upload your ${DOCUMENT_LABELS['indemnity-insurance']} again`),
    ]);
    await eventually(async () => {
      const subjects = (await emailsTo(app.email)).map((m) => m.subject);
      expect(subjects).toContain(`Please upload your ${DOCUMENT_LABELS['indemnity-insurance']} again`);
      const alerts = (await emailsTo(STAFF_EMAIL)).filter(
        (m) => m.subject === `Harmful file deleted: application ${app.applicationId}`,
      );
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.body.text).toContain('EICAR-Test-File');
    });

    // Another, clean copy completes the documents.
    expect((await postUpload(await freshUpload(app, 'indemnity-insurance'), PDF_BYTES)).status).toBe(204);
    await waitForStage(app, 'in-review');
    expect((await staffView(app.applicationId)).refusedUploads).toHaveLength(1);
  });

  it('the dev route refuses anything but a boolean', async () => {
    expect((await api('POST', '/__dev/scanner', { body: { held: 'yes' } })).status).toBe(400);
  });
});
