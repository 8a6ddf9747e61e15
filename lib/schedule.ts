/**
 * EventBridge Scheduler schedules: one for the report Lambda and, unless `notebookJob` is false,
 * one for the notebook-job starter, with the same expression, start date and time zone.
 *
 * L1 `CfnSchedule` rather than the L2 `Schedule` + `aws-scheduler-targets` (both exist in this
 * aws-cdk-lib): the L2 target grants `lambda:InvokeFunction` on `<function ARN>` AND `<function ARN>:*`
 * (every version and alias); here the scheduler role gets exactly the two function ARNs and the DLQ.
 *
 * Delivery failures (throttling, missing permission, target gone) are retried 3 times within an
 * hour, then land in an SSE-encrypted, TLS-only SQS dead-letter queue, which is alarmed.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AppConfig } from './config.js';
import { acknowledge } from './nag.js';

/** The Lambda event: the instant the schedule fired (the report counts back from it). */
export const SCHEDULED_INPUT = JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' });
export const FLEXIBLE_WINDOW_MINUTES = 15;
export const RETRY_ATTEMPTS = 3;
export const MAX_EVENT_AGE = Duration.hours(1);

export interface ReportScheduleProps {
  readonly config: AppConfig;
  readonly reportFunction: lambda.IFunction;
  /** The notebook-job starter; omitted when the notebook job is disabled. */
  readonly notebookStarter?: lambda.IFunction;
}

export class ReportSchedule extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly role: iam.Role;
  readonly reportSchedule: CfnSchedule;
  readonly notebookSchedule?: CfnSchedule;

  constructor(scope: Construct, id: string, props: ReportScheduleProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue IS the dead-letter queue (of the EventBridge Scheduler targets); a DLQ for the DLQ would never be read.',
    );

    // Only EventBridge Scheduler of this account, for schedules of its default group (confused-deputy guard).
    this.role = new iam.Role(this, 'Role', {
      description: 'llm-log-analytics schedules: invoke the report and notebook-job Lambdas, dead-letter to the DLQ',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
          },
        },
      }),
    });
    const functions = [props.reportFunction, ...(props.notebookStarter ? [props.notebookStarter] : [])];
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeTargets',
        actions: ['lambda:InvokeFunction'],
        resources: functions.map((f) => f.functionArn),
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'DeadLetter', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
    );

    this.reportSchedule = this.schedule('ReportSchedule', config, props.reportFunction, 'llm-log-analytics: builds and emails the periodic LLM usage report');
    if (props.notebookStarter) {
      this.notebookSchedule = this.schedule('NotebookJobSchedule', config, props.notebookStarter, 'llm-log-analytics: runs the analytics notebook as a SageMaker job');
    }
  }

  private schedule(id: string, config: AppConfig, target: lambda.IFunction, description: string): CfnSchedule {
    const schedule = new CfnSchedule(this, id, {
      description,
      state: 'ENABLED',
      scheduleExpression: config.schedule.expression,
      scheduleExpressionTimezone: config.schedule.timezone,
      startDate: config.schedule.start,
      flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: FLEXIBLE_WINDOW_MINUTES },
      target: {
        arn: target.functionArn,
        roleArn: this.role.roleArn,
        input: SCHEDULED_INPUT,
        retryPolicy: { maximumRetryAttempts: RETRY_ATTEMPTS, maximumEventAgeInSeconds: MAX_EVENT_AGE.toSeconds() },
        deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
      },
    });
    // The role's policy must exist before the first invocation is attempted.
    schedule.node.addDependency(this.role);
    return schedule;
  }
}
