/**
 * One EventBridge Scheduler schedule per entry of lib/schedules.ts (the local scheduler runs the same entries).
 * Each invocation carries `{asOf}` = the scheduled time, the input the local stack's
 * `POST /__dev/schedules/{name}` takes, so a late retry still judges what was due at the scheduled moment.
 */
import { Aws, Duration, TimeZone } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionName } from '../functions.ts';
import { SCHEDULES } from '../schedules.ts';

export interface SchedulesProps {
  functions: Partial<Record<FunctionName, IFunction>>;
  key: IKey;
}

export class Schedules extends Construct {
  /** Invocations Scheduler could not deliver after its retries. */
  readonly deadLetterQueue: Queue;
  readonly role: Role;
  /** By schedule name. */
  readonly schedules = new Map<string, Schedule>();

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // One role for all schedules instead of the target's generated one, so its grants are visible here.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'Invokes the scheduled functions',
    });
    // Scheduler encrypts schedules with the key and writes failures to the encrypted queue as this role.
    this.role.addToPolicy(
      new PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.key.keyArn] }),
    );
    for (const spec of SCHEDULES) {
      const fn = props.functions[spec.handler];
      if (!fn) throw new Error(`Schedule ${spec.name} names no function`);
      // Dates are London dates (DESIGN §3): cron schedules fire on London wall-clock time.
      const schedule = new Schedule(this, spec.name, {
        description: `Runs ${spec.handler}`,
        schedule: ScheduleExpression.expression(spec.expression, TimeZone.of(spec.timezone)),
        key: props.key,
        target: new LambdaInvoke(fn, {
          input: ScheduleTargetInput.fromObject({ asOf: ContextAttribute.scheduledTime }),
          retryAttempts: 3,
          // A sweep older than one period is superseded by the next one.
          maxEventAge: Duration.minutes(15),
          deadLetterQueue: this.deadLetterQueue,
          role: this.role,
        }),
      });
      this.schedules.set(spec.name, schedule);
    }
  }
}
