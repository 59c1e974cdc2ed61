/**
 * A failure between saving an application and starting its workflow never strands it: the use case runs here
 * against the stack's real DynamoDB, SES and Step Functions, with a Step Functions client that fails once; the
 * stack's own onboarding-sweep Lambda then starts the execution, and the application goes on as usual.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { createDynamoApplicationStore } from '../../lambdas/adapters/dynamo-application-store.ts';
import { createSesMailer } from '../../lambdas/adapters/ses-mailer.ts';
import { createSfnWorkflow } from '../../lambdas/adapters/sfn-workflow.ts';
import type { DocumentStore, Workflow } from '../../lambdas/ports/index.ts';
import { createApplicationSchema } from '../../lambdas/shared/schemas.ts';
import { createApplication } from '../../lambdas/use-cases/create-application.ts';
import { MAILBOX_RULES } from '../../lib/config.ts';
import { STATE_MACHINE_ARN, TABLE_NAME } from '../../lib/local/stack.ts';
import { staff, subjects, toInReview } from './journey.ts';
import {
  ALL_CHECKS,
  api,
  emailsTo,
  eventually,
  PDF_BYTES,
  postUpload,
  STAFF_EMAIL,
  validApplication,
  view,
} from './support.ts';

const local = { region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

describe('workflow start failure', () => {
  it('saves the application, then the sweep starts its workflow and it proceeds', async () => {
    const endpoints = inject('endpoints');
    const sfn = new SFNClient({ ...local, endpoint: endpoints.sfn });
    const real = createSfnWorkflow(STATE_MACHINE_ARN, sfn);
    let failures = 1;
    const flaky: Workflow = {
      ...real,
      start: async (id) => {
        if (failures-- > 0) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return real.start(id);
      },
    };
    const body = validApplication();
    const ports = {
      store: createDynamoApplicationStore(
        TABLE_NAME,
        DynamoDBDocumentClient.from(new DynamoDBClient({ ...local, endpoint: endpoints.dynamodb }), {
          marshallOptions: { removeUndefinedValues: true },
        }),
      ),
      // The response's upload offers are not used here: fresh ones come from the API below.
      documents: {
        presignUpload: async () => ({ url: '', fields: {}, maxBytes: 0, expiresAt: '' }),
      } as unknown as DocumentStore,
      mailer: createSesMailer(
        'onboarding@affiliates.local',
        new SESv2Client({ ...local, endpoint: endpoints.sesv2 }),
      ),
      workflow: flaky,
      clock: { now: () => new Date() },
    };
    const input = createApplicationSchema.parse(body);
    const result = await createApplication(
      input,
      { siteUrl: 'http://127.0.0.1', rawBody: JSON.stringify(body), mailboxRules: MAILBOX_RULES },
      ports,
    );
    const executionArn = `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${result.applicationId}`;
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn }))).rejects.toMatchObject({
      name: 'ExecutionDoesNotExist',
    });
    expect((await view(result)).body.stage).toBe('awaiting-documents');
    await eventually(async () => expect(await emailsTo(body.applicant.email)).toHaveLength(1));

    const sweep = await api<{ workflowsStarted: number }>('POST', '/__dev/schedules/onboarding-sweep', {
      body: { asOf: new Date(Date.now() + 5 * 60_000).toISOString() },
    });
    expect(sweep.status).toBe(200);
    expect(sweep.body.workflowsStarted).toBeGreaterThanOrEqual(1);
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');

    const offer = await api<{
      url: string;
      fields: Record<string, string>;
      contentType: string;
      document: string;
      maxBytes: number;
      expiresAt: string;
    }>('POST', `/applications/${result.applicationId}/uploads`, {
      token: result.accessToken,
      body: { document: 'dbs-certificate' },
    });
    const insurance = await api<typeof offer.body>('POST', `/applications/${result.applicationId}/uploads`, {
      token: result.accessToken,
      body: { document: 'indemnity-insurance' },
    });
    expect((await postUpload(offer.body, PDF_BYTES)).status).toBe(204);
    expect((await postUpload(insurance.body, PDF_BYTES)).status).toBe(204);
    await eventually(async () => expect((await view(result)).body.stage).toBe('in-review'));
  });
});

describe('a dead workflow', () => {
  it('is flagged when its execution ends badly, restarted by the sweep at the stage’s step, and goes on', async () => {
    const app = await toInReview();
    const executions = STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:');
    const sfn = new SFNClient({ ...local, endpoint: inject('endpoints').sfn });
    // The execution waits on the review; it dies under the application (an operator, a bug, a timeout).
    await eventually(async () =>
      expect((await staff('GET', `/staff/applications/${app.applicationId}`)).body.waitingOn).toBe('review'),
    );
    await sfn.send(new StopExecutionCommand({ executionArn: `${executions}:${app.applicationId}` }));

    // The execution-status event reaches workflow-stopped, which flags the application for staff.
    const flagged = await eventually(async () => {
      const res = await staff('GET', `/staff/applications/${app.applicationId}`);
      expect(res.body.workflowFailure).toMatchObject({ reason: 'execution-aborted' });
      return res.body;
    });
    expect(flagged.stage).toBe('in-review');

    const sweep = await api<{ workflowsRestarted: number }>('POST', '/__dev/schedules/onboarding-sweep', {
      body: { asOf: new Date(Date.now() + 2 * 60_000).toISOString() },
    });
    expect(sweep.status).toBe(200);
    expect(sweep.body.workflowsRestarted).toBe(1);
    const restarted = `${executions}:${app.applicationId}-r1`;
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: restarted }))).status).toBe(
      'RUNNING',
    );
    await eventually(async () => {
      const res = await staff('GET', `/staff/applications/${app.applicationId}`);
      expect(res.body).toMatchObject({ waitingOn: 'review', workflowRestarts: 1 });
      expect(res.body.workflowFailure).toBeUndefined();
    });
    await eventually(async () =>
      expect(await subjects(STAFF_EMAIL)).toContain(`Workflow restarted: application ${app.applicationId}`),
    );

    // The new execution takes the review where the old one left it.
    const review = await staff('POST', `/staff/applications/${app.applicationId}/review`, {
      decision: 'approve',
      checks: ALL_CHECKS,
      note: '',
    });
    expect(review.status).toBe(200);
    await eventually(async () => {
      const history = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn: restarted, maxResults: 1000 }),
      );
      const entered = (history.events ?? []).map((e) => e.stateEnteredEventDetails?.name).filter(Boolean);
      expect(entered).toEqual(expect.arrayContaining(['ResumeAt', 'AwaitReview', 'AwaitContract']));
      expect(entered).not.toContain('AwaitDocuments');
    });
  });
});
