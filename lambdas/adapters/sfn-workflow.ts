/** Workflow on Step Functions: one Standard execution per application, named after it. */
import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { executionName } from '../domain/application.ts';
import { TaskGone, type Workflow } from '../ports/index.ts';

/** Errors that mean no task waits for the token any more (spent, timed out, its execution ended). */
const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

const spending = async (send: () => Promise<unknown>) => {
  try {
    await send();
  } catch (error) {
    if (GONE.has((error as Error).name)) throw new TaskGone((error as Error).name);
    throw error;
  }
};

export const createSfnWorkflow = (stateMachineArn: string, client = new SFNClient({})): Workflow => ({
  async start(applicationId, restart) {
    const name = executionName({ id: applicationId, workflowRestarts: restart?.attempt });
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    try {
      const result = await client.send(
        new StartExecutionCommand({
          stateMachineArn,
          name,
          input: JSON.stringify({ applicationId, ...(restart ? { resumeAt: restart.resumeAt } : {}) }),
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
    await spending(() =>
      client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) })),
    );
  },
  async fail(token, error, cause) {
    await spending(() => client.send(new SendTaskFailureCommand({ taskToken: token, error, cause })));
  },
  async stop(executionArn, cause) {
    try {
      await client.send(new StopExecutionCommand({ executionArn, cause }));
    } catch (error) {
      if ((error as Error).name !== 'ExecutionDoesNotExist') throw error;
    }
  },
});
