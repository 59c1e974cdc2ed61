/** Workflow on Step Functions: one Standard execution per application, named after it. */
import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Workflow } from '../ports/index.ts';

/** Errors that mean the token was already spent (or its task ended): spending it again is a no-op for us. */
const ALREADY_SPENT = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

export const createSfnWorkflow = (stateMachineArn: string, client = new SFNClient({})): Workflow => ({
  async start(applicationId) {
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${applicationId}`;
    try {
      const result = await client.send(
        new StartExecutionCommand({
          stateMachineArn,
          name: applicationId,
          input: JSON.stringify({ applicationId }),
        }),
      );
      return result.executionArn ?? executionArn;
    } catch (error) {
      // Same name, same input: Standard executions are idempotent; a different-input clash still means it started.
      if (error instanceof ExecutionAlreadyExists) return executionArn;
      throw error;
    }
  },
  async succeed(token, output) {
    try {
      await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
    } catch (error) {
      if (!ALREADY_SPENT.has((error as Error).name)) throw error;
    }
  },
  async fail(token, error, cause) {
    try {
      await client.send(new SendTaskFailureCommand({ taskToken: token, error, cause }));
    } catch (e) {
      if (!ALREADY_SPENT.has((e as Error).name)) throw e;
    }
  },
  async stop(executionArn, cause) {
    try {
      await client.send(new StopExecutionCommand({ executionArn, cause }));
    } catch (error) {
      if ((error as Error).name !== 'ExecutionDoesNotExist') throw error;
    }
  },
});
