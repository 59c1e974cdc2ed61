import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSes, startSes } from '../../../lib/local/ses.ts';

describe('SES v2 emulator', () => {
  let ses: LocalSes;
  let client: SESv2Client;
  beforeAll(async () => {
    ses = await startSes({ port: 0 });
    client = new SESv2Client({
      endpoint: ses.endpoint,
      region: 'eu-west-2',
      credentials: { accessKeyId: 'any', secretAccessKey: 'any' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await ses.stop();
  });

  it('keeps a SESv2 SendEmail with its subject and text and HTML bodies, until cleared', async () => {
    await ses.clear();
    const sent = await client.send(
      new SendEmailCommand({
        FromEmailAddress: 'affiliates@example.org',
        Destination: { ToAddresses: ['therapist@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'Your application was received' },
            Body: { Text: { Data: 'Plain words' }, Html: { Data: '<p>Rich words</p>' } },
          },
        },
      }),
    );
    expect(sent.MessageId).toBeTruthy();

    const emails = await ses.emails();
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      from: 'affiliates@example.org',
      destination: { to: ['therapist@example.com'] },
      subject: 'Your application was received',
      body: { text: 'Plain words', html: '<p>Rich words</p>' },
    });
    expect(ses.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(ses.viewerUrl)).headers.get('content-type')).toContain('text/html');

    await ses.clear();
    expect(await ses.emails()).toEqual([]);
  });
});
