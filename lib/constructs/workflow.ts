/**
 * The onboarding state machine (DESIGN §2): one Standard execution per application, named by its id, input
 * `{applicationId}`. Every stage that waits on a person is a callback task of the `workflow-task` function
 * (`lambda:invoke.waitForTaskToken`), which stores the token on the application; the API action that completes
 * the step sends the token back with the step's outcome, stored under `$.<step>`.
 *
 * Callback outcomes the Choice states read: `review.decision` (approve | request-changes | reject),
 * `review.dbsRequired` (boolean), `availability.outcome` (active | induction-expired). A task failed with the
 * error `Lapsed` or `Withdrawn` ends the execution in the state of that name; any other error fails it.
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
        }),
        resultPath: `$.${step}`,
        taskTimeout: Timeout.duration(STEP_TIMEOUT),
        // Retries on Lambda service errors (throttling, service exceptions) are LambdaInvoke's default.
        retryOnServiceExceptions: true,
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

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      comment: 'Drives one affiliate application through onboarding',
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(awaitDocuments),
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
