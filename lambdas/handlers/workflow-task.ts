import { z } from 'zod';
import { createDynamoApplicationStore } from '../adapters/dynamo-application-store.ts';
import { createSesMailer } from '../adapters/ses-mailer.ts';
import { createSfnWorkflow } from '../adapters/sfn-workflow.ts';
import { systemClock, unavailable } from '../adapters/unavailable.ts';
import { WAIT_STEPS } from '../domain/stages.ts';
import { env } from '../shared/env.ts';
import { parseWith } from '../shared/http.ts';
import { type WorkflowTaskInput, workflowTask } from '../use-cases/workflow-task.ts';

const ports = {
  store: createDynamoApplicationStore(env.tableName),
  documents: unavailable<never>('the documents bucket'),
  mailer: createSesMailer(env.mailFrom),
  workflow: createSfnWorkflow(env.stateMachineArn),
  clock: systemClock,
};

const inputSchema = z.object({
  step: z.enum(WAIT_STEPS),
  applicationId: z.string().min(1),
  taskToken: z.string().min(1),
});

export const handler = async (event: WorkflowTaskInput): Promise<{ status: string }> => ({
  status: await workflowTask(parseWith(inputSchema, event), ports),
});
