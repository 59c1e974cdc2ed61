/**
 * IAM enforced locally, from the synthesized template (issue 8). Retention, run with its own key through the
 * stack's IAM gateway, purges a withdrawn application because its role grants dynamodb:BatchWriteItem; with that
 * one grant removed from the policies the gateway evaluates, the same run fails with the error AWS would answer.
 * A function sends email only as the stage's sender address (issue 9: the `ses:FromAddress` condition).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { createDynamoApplicationStore } from '../../lambdas/adapters/dynamo-application-store.ts';
import { createS3DocumentStore } from '../../lambdas/adapters/s3-document-store.ts';
import { addMonthsIso } from '../../lambdas/domain/dates.ts';
import { retention } from '../../lambdas/use-cases/retention.ts';
import { LOCAL_CONFIG } from '../../lib/config.ts';
import type { FunctionName } from '../../lib/functions.ts';
import { accessKeyFor, LOCAL_SECRET } from '../../lib/local/credentials.ts';
import { startIamGateway } from '../../lib/local/gateway.ts';
import type { Policies } from '../../lib/local/iam.ts';
import { BUCKET, TABLE_NAME } from '../../lib/local/stack.ts';
import { localArns, localTemplate } from '../../lib/local/template.ts';
import { toInReview } from './journey.ts';
import { api, isoDaysFromToday, view } from './support.ts';

type Endpoints = { dynamodb: string; s3: string };

/** The retention function's ports, built as its handler builds them, calling with retention's own key. */
const retentionPorts = (endpoints: Endpoints, asOf: Date) => {
  const credentials = { accessKeyId: accessKeyFor('retention'), secretAccessKey: LOCAL_SECRET };
  const dynamo = new DynamoDBClient({
    region: 'eu-west-2',
    endpoint: endpoints.dynamodb,
    credentials,
    maxAttempts: 1,
  });
  return {
    store: createDynamoApplicationStore(
      TABLE_NAME,
      DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }) as never,
    ),
    documents: createS3DocumentStore(
      BUCKET,
      new S3Client({
        region: 'eu-west-2',
        endpoint: endpoints.s3,
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        credentials,
      }),
    ),
    mailer: {} as never,
    workflow: {} as never,
    clock: { now: () => asOf },
  };
};

const withdrawn = async () => {
  const app = await toInReview();
  const res = await api('POST', `/applications/${app.applicationId}/withdrawal`, {
    token: app.accessToken,
    body: {},
  });
  expect(res.status).toBe(200);
  return app;
};

describe('IAM enforced by the local stack', () => {
  it('says so on GET /__dev/iam, with no call denied so far', async () => {
    const res = await api<{ enforced: boolean; denied: unknown[] }>('GET', '/__dev/iam');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ enforced: true, denied: [] });
  });

  it('lets retention purge a withdrawn application with its own key: its role grants dynamodb:BatchWriteItem', async () => {
    const app = await withdrawn();
    const asOf = new Date(`${addMonthsIso(isoDaysFromToday(0), 6)}T12:00:00Z`);
    const result = await retention({ asOf }, retentionPorts(inject('iamEndpoints'), asOf));
    expect(result.applicationsDeleted).toBeGreaterThanOrEqual(1);
    expect((await view(app)).status).toBe(404);
    expect((await api('GET', '/__dev/iam')).body).toMatchObject({ denied: [] });
  });

  it('fails retention with AccessDeniedException naming dynamodb:BatchWriteItem when that grant is removed', async () => {
    const template = await localTemplate();
    const policies = Object.fromEntries(
      Object.entries(template.functions).map(([name, fn]) => [name, fn.policies]),
    ) as Record<FunctionName, Policies>;
    policies.retention = policies.retention.map(({ name, policy }) => ({
      name,
      policy: {
        ...policy,
        Statement: policy.Statement.map((statement) => ({
          ...statement,
          Action: [statement.Action ?? []].flat().filter((action) => action !== 'dynamodb:BatchWriteItem'),
        })).filter((statement) => statement.Action.length > 0),
      },
    }));
    const denials: string[] = [];
    const endpoints = inject('endpoints');
    const withoutGrant = await startIamGateway({
      upstream: endpoints,
      policies,
      identities: template.identities,
      log: (line) => denials.push(line),
    });
    try {
      const app = await withdrawn();
      const asOf = new Date(`${addMonthsIso(isoDaysFromToday(0), 6)}T12:00:00Z`);
      const failure = await retention({ asOf }, retentionPorts(withoutGrant.endpoints, asOf)).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(failure?.name).toBe('AccessDeniedException');
      expect(failure?.message).toContain(
        `is not authorized to perform: dynamodb:BatchWriteItem on resource: ${localArns.table()}`,
      );
      expect(withoutGrant.denied()).toEqual([
        expect.objectContaining({ function: 'retention', action: 'dynamodb:BatchWriteItem' }),
      ]);
      expect(denials).toEqual([`[iam] DENIED retention: dynamodb:BatchWriteItem on ${localArns.table()}`]);
      // Nothing half-done that the next (granted) run cannot finish: the application is still there.
      expect((await view(app)).status).toBe(200);
      await retention({ asOf }, retentionPorts(inject('iamEndpoints'), asOf));
      expect((await view(app)).status).toBe(404);
    } finally {
      await withoutGrant.stop();
    }
  });

  it('lets a function send email as MAIL_FROM only: the ses:FromAddress condition, on the identity and its configuration set', async () => {
    const template = await localTemplate();
    const policies = Object.fromEntries(
      Object.entries(template.functions).map(([name, fn]) => [name, fn.policies]),
    ) as Record<FunctionName, Policies>;
    // A gateway of its own: the denial below must not count against the run (iam-guard.ts).
    const gateway = await startIamGateway({
      upstream: inject('endpoints'),
      policies,
      identities: template.identities,
      configurationSets: template.configurationSets,
      log: () => undefined,
    });
    const ses = new SESv2Client({
      region: 'eu-west-2',
      endpoint: gateway.endpoints.sesv2,
      credentials: { accessKeyId: accessKeyFor('create-application'), secretAccessKey: LOCAL_SECRET },
      maxAttempts: 1,
    });
    const send = (from: string) =>
      ses.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: ['iam-check@example.org'] },
          Content: { Simple: { Subject: { Data: 'IAM check' }, Body: { Text: { Data: 'IAM check' } } } },
        }),
      );
    try {
      expect(Object.values(template.configurationSets)).toHaveLength(1);
      await send(`Onboarding <${LOCAL_CONFIG.mailFrom}>`);
      const other = `someone-else@${LOCAL_CONFIG.mailFrom.split('@')[1]}`;
      const failure = await send(other).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(failure?.name).toBe('AccessDeniedException');
      expect(failure?.message).toContain('is not authorized to perform: ses:SendEmail');
      // Each resource the send needs is refused: the condition holds on neither.
      expect(gateway.denied().map((d) => [d.function, d.action, d.resource])).toEqual([
        ['create-application', 'ses:SendEmail', localArns.identity('affiliates.local')],
        ['create-application', 'ses:SendEmail', localArns.configurationSet('Local-mail')],
      ]);
    } finally {
      ses.destroy();
      await gateway.stop();
    }
  });
});
