import { describe, expect, inject, it } from 'vitest';
import {
  api,
  createApplication,
  emailsTo,
  eventually,
  PDF_BYTES,
  PNG_BYTES,
  postUpload,
  type Upload,
} from './support.ts';

const STAFF = 'affiliate-team@affiliates.local';

const view = (app: { applicationId: string; accessToken: string }) =>
  api<{
    stage: string;
    documents: { document: string; received: boolean; rejectedReason?: string }[];
    blocking: string[];
    timeline: { type: string }[];
  }>('GET', `/applications/${app.applicationId}`, { token: app.accessToken });

const uploadFor = (uploads: Upload[], document: string) => {
  const upload = uploads.find((u) => u.document === document);
  if (!upload) throw new Error(`no upload for ${document}`);
  return upload;
};

describe('documents to S3 and receipt by email', () => {
  it('moves to in-review when both documents are in, emails the applicant and the team (no DBS number)', async () => {
    const app = await createApplication();
    expect((await postUpload(uploadFor(app.uploads, 'dbs-certificate'), PDF_BYTES)).status).toBe(204);

    await eventually(async () => {
      const v = await view(app);
      expect(v.body.documents.find((d) => d.document === 'dbs-certificate')?.received).toBe(true);
      expect(v.body.stage).toBe('awaiting-documents');
    });

    const png = await api<Upload>('POST', `/applications/${app.applicationId}/uploads`, {
      token: app.accessToken,
      body: { document: 'indemnity-insurance', contentType: 'image/png' },
    });
    expect(png.status).toBe(201);
    expect((await postUpload(png.body, PNG_BYTES)).status).toBe(204);

    await eventually(async () => expect((await view(app)).body.stage).toBe('in-review'));
    const applicantMail = await eventually(async () => {
      const mails = await emailsTo(app.email);
      expect(mails.map((m) => m.subject)).toContain('We have received your documents');
      return mails;
    });
    expect(applicantMail.map((m) => m.subject)).toHaveLength(2);
    const staffMail = await eventually(async () => {
      const mails = (await emailsTo(STAFF)).filter((m) => m.subject.includes(app.applicationId));
      expect(mails).toHaveLength(1);
      return mails[0];
    });
    expect(staffMail?.body.text).toContain(`staff/application.html#id=${app.applicationId}`);
    expect(staffMail?.body.text).not.toContain('001234567890');
    expect(staffMail?.body.html).not.toContain('001234567890');
    const v = await view(app);
    expect(v.body.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(['application-submitted', 'document-received', 'documents-complete']),
    );
  });

  it('ignores a duplicate object event: the same key uploaded again changes nothing', async () => {
    const app = await createApplication();
    const upload = uploadFor(app.uploads, 'indemnity-insurance');
    await postUpload(upload, PDF_BYTES);
    await eventually(async () =>
      expect((await view(app)).body.timeline.filter((e) => e.type === 'document-received')).toHaveLength(1),
    );
    await postUpload(upload, PDF_BYTES);
    await new Promise((r) => setTimeout(r, 500));
    expect((await view(app)).body.timeline.filter((e) => e.type === 'document-received')).toHaveLength(1);
  });

  it('refuses a file whose bytes are not its declared type: deleted, recorded and the applicant told why', async () => {
    const app = await createApplication();
    const upload = uploadFor(app.uploads, 'indemnity-insurance');
    expect((await postUpload(upload, Buffer.from('MZ this is an executable, not a PDF'))).status).toBe(204);
    await eventually(async () => {
      const v = await view(app);
      const doc = v.body.documents.find((d) => d.document === 'indemnity-insurance');
      expect(doc?.received).toBe(false);
      expect(doc?.rejectedReason).toContain('not a PDF, JPEG or PNG');
      expect(v.body.blocking.join(' ')).toContain('again');
    });
    await eventually(async () =>
      expect((await emailsTo(app.email)).map((m) => m.subject)).toContain(
        'Please upload your professional indemnity insurance schedule again',
      ),
    );
    // Looked up in the emulator itself: through the IAM gateway, as on S3, an unsigned read answers 403 either way.
    const bucketPath = new URL(upload.url).pathname;
    const stored = await fetch(`${inject('endpoints').s3}${bucketPath}/${upload.fields.key}`);
    expect(stored.status).toBe(404);
  });

  it('S3 refuses an oversize file and a content type outside the policy', async () => {
    const app = await createApplication();
    const upload = { ...uploadFor(app.uploads, 'indemnity-insurance') };
    const tooBig = await postUpload(upload, Buffer.alloc(10 * 1024 * 1024 + 1, 0x25));
    expect(tooBig.status).toBe(400);
    expect(tooBig.text).toContain('EntityTooLarge');
    const wrongType = await postUpload(upload, PNG_BYTES, 'image/png');
    expect(wrongType.status).toBe(403);
    expect(wrongType.text).toContain('AccessDenied');
  });

  it('offers uploads only for documents this application needs, and only to its owner', async () => {
    const app = await createApplication();
    const other = await createApplication();
    const crossed = await api('POST', `/applications/${app.applicationId}/uploads`, {
      token: other.accessToken,
      body: { document: 'dbs-certificate' },
    });
    expect(crossed.status).toBe(404);
    const bad = await api<{ errors: { path: string }[] }>(
      'POST',
      `/applications/${app.applicationId}/uploads`,
      {
        token: app.accessToken,
        body: { document: 'passport' },
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]?.path).toBe('document');
  });
});
