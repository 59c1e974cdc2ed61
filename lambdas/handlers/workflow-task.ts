import * as z from 'zod/mini';
import { dynamoTable } from '../adapters/dynamo-application-store.ts';
import { createS3DocumentStore } from '../adapters/s3-document-store.ts';
import { createSesMailer } from '../adapters/ses-mailer.ts';
import { createSfnWorkflow } from '../adapters/sfn-workflow.ts';
import { systemClock, wiredStore } from '../adapters/unavailable.ts';
import { changeMethods } from '../adapters/wiring.ts';
import { WAIT_STEPS } from '../domain/stages.ts';
import { env, mailLinks } from '../shared/env.ts';
import { parseWith } from '../shared/http.ts';
import '../shared/zod-messages.ts';
import { type WorkflowTaskInput, workflowTask } from '../use-cases/workflow-task.ts';

const ports = {
  store: wiredStore(changeMethods(dynamoTable(env.tableName))),
  documents: createS3DocumentStore(env.documentsBucket),
  mailer: createSesMailer(env.mailFrom),
  workflow: createSfnWorkflow(env.stateMachineArn),
  clock: systemClock,
};

const links = mailLinks();

const inputSchema = z.object({
  step: z.enum(WAIT_STEPS),
  applicationId: z.string().check(z.minLength(1)),
  taskToken: z.string().check(z.minLength(1)),
  executionArn: z.optional(z.string().check(z.minLength(1))),
});

export const handler = async (event: WorkflowTaskInput): Promise<{ status: string }> => ({
  status: await workflowTask(parseWith(inputSchema, event), ports, links),
});
