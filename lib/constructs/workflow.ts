/**
 * The onboarding state machine (DESIGN §2): one Standard execution per application, named by its id, input
 * `{applicationId}`. Every stage that waits on a person is a callback task of the `workflow-task` function
 * (`lambda:invoke.waitForTaskToken`), which stores the token on the application; the API action that completes
 * the step sends the token back with the step's outcome, stored under `$.<step>`.
 *
 * Callback outcomes the Choice states read: `review.decision` (approve | request-changes | reject),
 * `review.dbsRequired` (boolean), `availability.outcome` (active | induction-expired). A task failed with the
 * error `Lapsed` or `Withdrawn` ends the execution in the state of that name.
 *
 * Surviving faults (issue 8): each wait retries Lambda's service errors and throttles, and any error the task
 * function throws (a DynamoDB throttle, an S3 error while making the contract), with capped, jittered backoff;
 * what still fails ends in `Failed`, whose execution-status event flags the application, alerts staff and lets
 * the sweep start a new execution with `{applicationId, resumeAt: <step>}`: `ResumeAt` goes straight to that
 * step's wait (absent: from the start).
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  IntegrationPattern,
  JitterType,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

/** The execution statuses the workflow-stopped function hears about (an EventBridge rule; locally the emulator). */
export const EXECUTION_END_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/** The steps that wait on a person, by the name the `workflow-task` function receives as `step`. */
export const WORKFLOW_STEPS = [
  'documents',
  'review',
  'dbs',
  'contract',
  'induction',
  'availability',
] as const;
export type WorkflowStep = (typeof WORKFLOW_STEPS)[number];

/** Longest any one person may take over a step before the execution fails: reminders and lapsing come sooner. */
const STEP_TIMEOUT = Duration.days(90);

/** Errors of the Lambda service itself (throttled, unavailable, the invoke call failed): retried longest. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.TooManyRequestsException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.Unknown',
];
/** The outcomes the API sends with SendTaskFailure: ends, never retried (States.TaskFailed would match them). */
export const OUTCOME_ERRORS = ['Lapsed', 'Withdrawn'];

export interface WorkflowProps {
  /** The `workflow-task` function: stores the token and sends the step's emails. */
  taskFunction: IFunction;
  key: IKey;
  /**
   * A fixed name, so the ARN can be written without referring to the state machine: the task function it
   * invokes reads STATE_MACHINE_ARN too, and a reference would make the two depend on each other.
   */
  stateMachineName: string;
}

export class Workflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;
  readonly stateMachineName: string;
  /** Built from the name: functions may hold it without depending on the state machine resource. */
  readonly stateMachineArn: string;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);

    const lapsed = new Succeed(this, 'Lapsed', { comment: 'No documents within the lapse period' });
    const withdrawn = new Succeed(this, 'Withdrawn', { comment: 'The applicant withdrew' });
    const failed = new Fail(this, 'Failed', { comment: 'An unexpected error, or a step waited too long' });

    const awaitStep = (stateName: string, step: WorkflowStep): LambdaInvoke => {
      const task = new LambdaInvoke(this, stateName, {
        lambdaFunction: props.taskFunction,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({
          step,
          applicationId: JsonPath.stringAt('$.applicationId'),
          taskToken: JsonPath.taskToken,
          // The task function stores nothing for an execution a restart has replaced.
          executionArn: JsonPath.executionId,
        }),
        resultPath: `$.${step}`,
        taskTimeout: Timeout.duration(STEP_TIMEOUT),
        // Our own retriers below, in this order (the first that matches an error decides).
        retryOnServiceExceptions: false,
      });
      task.addRetry({
        errors: LAMBDA_SERVICE_ERRORS,
        interval: Duration.seconds(1),
        maxAttempts: 8,
        backoffRate: 2,
        maxDelay: Duration.seconds(60),
        jitterStrategy: JitterType.FULL,
      });
      task.addRetry({ errors: OUTCOME_ERRORS, maxAttempts: 0 });
      // Whatever the function threw (States.TaskFailed matches every error but States.Timeout): its steps are
      // idempotent, so running it again with a fresh token is safe.
      task.addRetry({
        errors: ['States.TaskFailed'],
        interval: Duration.seconds(2),
        maxAttempts: 5,
        backoffRate: 2,
        maxDelay: Duration.seconds(60),
        jitterStrategy: JitterType.FULL,
      });
      task.addCatch(lapsed, { errors: ['Lapsed'], resultPath: '$.error' });
      task.addCatch(withdrawn, { errors: ['Withdrawn'], resultPath: '$.error' });
      task.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
      return task;
    };

    const awaitDocuments = awaitStep('AwaitDocuments', 'documents');
    const awaitReview = awaitStep('AwaitReview', 'review');
    const awaitDbs = awaitStep('AwaitDbs', 'dbs');
    const awaitContract = awaitStep('AwaitContract', 'contract');
    const awaitInduction = awaitStep('AwaitInduction', 'induction');
    const awaitAvailability = awaitStep('AwaitAvailability', 'availability');

    awaitContract.next(awaitInduction);
    awaitInduction.next(awaitAvailability);
    awaitAvailability.next(
      new Choice(this, 'AvailabilityOutcome')
        .when(Condition.stringEquals('$.availability.outcome', 'induction-expired'), awaitInduction)
        .when(Condition.stringEquals('$.availability.outcome', 'active'), new Succeed(this, 'Active'))
        .otherwise(failed),
    );
    awaitDbs.next(awaitContract);
    const dbsRequired = new Choice(this, 'DbsRequired')
      .when(
        Condition.and(
          Condition.isPresent('$.review.dbsRequired'),
          Condition.booleanEquals('$.review.dbsRequired', true),
        ),
        awaitDbs,
      )
      .otherwise(awaitContract);
    awaitDocuments.next(awaitReview);
    awaitReview.next(
      new Choice(this, 'ReviewDecision')
        .when(Condition.stringEquals('$.review.decision', 'request-changes'), awaitDocuments)
        .when(Condition.stringEquals('$.review.decision', 'reject'), new Succeed(this, 'Rejected'))
        .when(Condition.stringEquals('$.review.decision', 'approve'), dbsRequired)
        .otherwise(failed),
    );

    const resumeAt = new Choice(this, 'ResumeAt', {
      comment: 'A restarted workflow (input resumeAt) continues at the step the application is at',
    });
    const waits: Record<WorkflowStep, LambdaInvoke> = {
      documents: awaitDocuments,
      review: awaitReview,
      dbs: awaitDbs,
      contract: awaitContract,
      induction: awaitInduction,
      availability: awaitAvailability,
    };
    for (const step of WORKFLOW_STEPS) {
      resumeAt.when(
        Condition.and(Condition.isPresent('$.resumeAt'), Condition.stringEquals('$.resumeAt', step)),
        waits[step],
      );
    }
    resumeAt.otherwise(awaitDocuments);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      comment: 'Drives one affiliate application through onboarding',
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(resumeAt),
      tracingEnabled: true,
      // Every state transition is logged; the data is not: callback outcomes can carry staff notes (DESIGN §7).
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
    this.stateMachineName = props.stateMachineName;
    this.stateMachineArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: props.stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}
