/**
 * llm-log-analytics: the log bucket (created or imported), the report Lambda, the optional
 * SageMaker notebook job, the schedules and the alarms. Configuration comes from `lib/config.ts`.
 */
import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { Alarms } from './alarms.js';
import type { AppConfig } from './config.js';
import { AccessLogBucket, LogBucket } from './log-bucket.js';
import { NotebookJob } from './notebook-job.js';
import { ReportFunction } from './report-function.js';
import { ReportSchedule } from './schedule.js';
import { acknowledgeCdkSingletons } from './singletons.js';

export const STACK_ID = 'LlmLogAnalytics';

export interface LlmLogAnalyticsStackProps extends StackProps {
  readonly config: AppConfig;
}

export class LlmLogAnalyticsStack extends Stack {
  readonly config: AppConfig;
  readonly logBucket: LogBucket;
  readonly report: ReportFunction;
  readonly notebookJob?: NotebookJob;
  readonly schedule: ReportSchedule;
  readonly alarms: Alarms;
  readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: LlmLogAnalyticsStackProps) {
    super(scope, id, {
      description: 'llm-log-analytics: periodic executive report (cost, tokens, latency, volume, errors) from LLM query logs on S3',
      ...props,
    });
    const { config } = props;
    this.config = config;
    Tags.of(this).add('project', 'llm-log-analytics');

    if (config.kms.mode === 'create') {
      this.encryptionKey = new kms.Key(this, 'DataKey', {
        description: 'llm-log-analytics: encrypts the log and artifacts buckets',
        enableKeyRotation: true,
      });
    } else if (config.kms.mode === 'existing') {
      this.encryptionKey = kms.Key.fromKeyArn(this, 'DataKey', config.kms.keyArn);
    }

    // One access-log bucket for every bucket this stack creates (none when nothing is created).
    const needsAccessLogs = !config.logBucketName || config.notebookJob;
    const accessLogs = needsAccessLogs ? new AccessLogBucket(this, 'AccessLogs') : undefined;

    this.logBucket = new LogBucket(this, 'LogBucket', {
      config,
      encryptionKey: this.encryptionKey,
      accessLogsBucket: accessLogs?.bucket,
    });
    this.report = new ReportFunction(this, 'Report', {
      config,
      logBucket: this.logBucket.bucket,
      encryptionKey: this.encryptionKey,
    });
    if (config.notebookJob) {
      this.notebookJob = new NotebookJob(this, 'NotebookJob', {
        config,
        logBucket: this.logBucket.bucket,
        encryptionKey: this.encryptionKey,
        accessLogsBucket: accessLogs!.bucket,
      });
    }
    this.schedule = new ReportSchedule(this, 'Schedule', {
      config,
      reportFunction: this.report.function,
      notebookStarter: this.notebookJob?.starter,
    });
    this.alarms = new Alarms(this, 'Alarms', {
      config,
      reportFunction: this.report.function,
      notebookStarter: this.notebookJob?.starter,
      deadLetterQueue: this.schedule.deadLetterQueue,
    });

    acknowledgeCdkSingletons(this, {
      deploymentDestinations: this.notebookJob ? [this.notebookJob.artifactsBucket] : [],
    });

    new CfnOutput(this, 'LogBucketName', { value: this.logBucket.bucket.bucketName });
    new CfnOutput(this, 'LogRoot', { value: this.logBucket.bucket.s3UrlForObject(config.logPrefix) });
    new CfnOutput(this, 'ReportRoot', { value: this.logBucket.bucket.s3UrlForObject(config.reportPrefix) });
    new CfnOutput(this, 'ReportFunctionName', { value: this.report.function.functionName });
    if (this.notebookJob) {
      new CfnOutput(this, 'ArtifactsBucketName', { value: this.notebookJob.artifactsBucket.bucketName });
      new CfnOutput(this, 'NotebookStarterFunctionName', { value: this.notebookJob.starter.functionName });
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.schedule.deadLetterQueue.queueUrl });
  }
}
