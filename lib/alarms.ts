/**
 * Alarms: report-function errors, notebook-starter errors, and messages in the schedule DLQ, all
 * notifying one SNS topic (KMS-encrypted, TLS-only), optionally with an email subscription.
 *
 * The topic's key is a customer-managed key: CloudWatch alarms cannot publish to a topic encrypted
 * with the AWS-managed `alias/aws/sns` key (its key policy cannot grant cloudwatch.amazonaws.com).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AppConfig } from './config.js';

export interface AlarmsProps {
  readonly config: AppConfig;
  readonly reportFunction: lambda.IFunction;
  readonly notebookStarter?: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
}

export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'TopicKey', {
      description: 'llm-log-analytics: encrypts the alarm topic',
      enableKeyRotation: true,
    });
    // CloudWatch alarms publish to the encrypted topic as cloudwatch.amazonaws.com; only on behalf
    // of this account's alarms (confused-deputy guard).
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'llm-log-analytics alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.config.alarmEmail) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.config.alarmEmail));
    }

    const period = Duration.minutes(5);
    this.addAlarm('ReportErrors', props.reportFunction.metricErrors({ period, statistic: 'Sum' }), 'The report Lambda failed: no report for this period.');
    if (props.notebookStarter) {
      this.addAlarm('NotebookStarterErrors', props.notebookStarter.metricErrors({ period, statistic: 'Sum' }), 'The notebook-job starter Lambda failed: no notebook job this period.');
    }
    this.addAlarm(
      'ScheduleDeadLetters',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      'EventBridge Scheduler could not invoke a target (see the DLQ messages).',
    );

    // Publishing is allowed to exactly these alarms (not any alarm of the account).
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowTheseCloudWatchAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': this.alarms.map((a) => a.alarmArn) },
        },
      }),
    );
  }

  private addAlarm(id: string, metric: cloudwatch.IMetric, description: string): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `llm-log-analytics: ${description}`,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
