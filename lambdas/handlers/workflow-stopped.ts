import * as z from 'zod/mini';
import { dynamoTable } from '../adapters/dynamo-application-store.ts';
import { systemClock, wiredStore } from '../adapters/unavailable.ts';
import { changeMethods } from '../adapters/wiring.ts';
import { env } from '../shared/env.ts';
import { parseWith } from '../shared/http.ts';
import '../shared/zod-messages.ts';
import { logger } from '../shared/logger.ts';
import { workflowStopped } from '../use-cases/workflow-recovery.ts';

const ports = { store: wiredStore(changeMethods(dynamoTable(env.tableName))), clock: systemClock };

/** The EventBridge rule's event: "Step Functions Execution Status Change" for an execution that ended badly. */
const eventSchema = z.object({
  detail: z.object({
    executionArn: z.string().check(z.minLength(1)),
    status: z.enum(['FAILED', 'TIMED_OUT', 'ABORTED']),
  }),
});

export const handler = async (event: unknown): Promise<{ outcome: string }> => {
  const { detail } = parseWith(eventSchema, event);
  const outcome = await workflowStopped(detail, ports);
  // The execution name is the application id (a ULID), never personal data.
  logger.info('workflow execution ended', {
    status: detail.status,
    outcome,
    executionArn: detail.executionArn,
  });
  return { outcome };
};
