/**
 * The report Lambda (`lambdas/report/handler.ts`): reads two weeks of logs, writes the report
 * folder under the report prefix and emails it through SES.
 *
 * Its role is written statement by statement (no `grant*` helpers) so that the resources are
 * exactly: the three log folders (read), the log folder listing, the report prefix (write + read
 * back for latest.json and the pre-signed link), the sender's SES identities, its own log group,
 * and the bucket key when SSE-KMS is on. A test asserts the full list.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEPS_LOCK_FILE, LAMBDA_RUNTIME, PROJECT_ROOT, REPORT_ENTRY, reportBundling } from './bundling.js';
import { emailDomain, LOG_DATA_FOLDERS, type AppConfig } from './config.js';
import { acknowledge, acknowledgeWildcardResources } from './nag.js';

export const POWERTOOLS_METRICS_NAMESPACE = 'LlmLogAnalytics';
export const REPORT_SERVICE_NAME = 'llm-log-analytics-report';
export const LOG_RETENTION = logs.RetentionDays.THREE_MONTHS;

export interface ReportFunctionProps {
  readonly config: AppConfig;
  readonly logBucket: s3.IBucket;
  /** The log bucket's KMS key, when SSE-KMS is on. */
  readonly encryptionKey?: kms.IKey;
}

export class ReportFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ReportFunctionProps) {
    super(scope, id);
    const { config, logBucket, encryptionKey } = props;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: LOG_RETENTION });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'llm-log-analytics report Lambda: reads the logs, writes reports, sends the report email',
    });
    for (const statement of reportStatements(this, config, logBucket, this.logGroup, encryptionKey)) {
      this.role.addToPrincipalPolicy(statement);
    }

    const environment: Record<string, string> = {
      LOG_BUCKET: logBucket.bucketName,
      LOG_PREFIX: config.logPrefix,
      REPORT_PREFIX: config.reportPrefix,
      REPORT_TIMEZONE: config.reportTimezone,
      REPORT_DAYS: String(config.reportDays),
      SENDER: config.sender ?? '',
      RECIPIENTS: config.recipients.join(','),
      POWERTOOLS_SERVICE_NAME: REPORT_SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE,
    };
    if (config.priceOverridesJson !== undefined) environment.PRICE_OVERRIDES_JSON = config.priceOverridesJson;

    this.function = new NodejsFunction(this, 'Function', {
      description: 'llm-log-analytics: builds the periodic executive report from the LLM query logs',
      entry: REPORT_ENTRY,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: DEPS_LOCK_FILE,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: 2048,
      timeout: Duration.minutes(10),
      role: this.role,
      logGroup: this.logGroup,
      environment,
      bundling: reportBundling,
      // Scheduler invokes asynchronously: one Lambda-level retry for transient failures (a second
      // run rewrites the same report keys); Errors >= 1 alarms either way.
      retryAttempts: 1,
      maxEventAge: Duration.hours(1),
    });

    acknowledge(
      this.function,
      'AwsSolutions-L1',
      'Pinned to nodejs22.x on purpose: the bundle is built with esbuild target node22 (lib/bundling.ts) and tested on Node 22; supported by Lambda until 2027.',
    );
    acknowledgeWildcardResources(
      this.role,
      [
        ...LOG_DATA_FOLDERS.map((f) => logBucket.arnForObjects(`${config.logPrefix}${f}/*`)),
        logBucket.arnForObjects(`${config.reportPrefix}*`),
      ],
      'Object-key wildcards limited to the three log folders (read) and the report prefix (write, read back); the report reads every object of its window and writes a dated report folder, keys unknown at deploy time.',
    );
  }
}

/** The report role's statements, in order (test/infra/report-function.test.ts asserts the full list). */
function reportStatements(
  scope: Construct,
  config: AppConfig,
  bucket: s3.IBucket,
  logGroup: logs.ILogGroup,
  key: kms.IKey | undefined,
): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const statements = [
    new iam.PolicyStatement({
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
    new iam.PolicyStatement({
      sid: 'ReadLogData',
      actions: ['s3:GetObject'],
      resources: LOG_DATA_FOLDERS.map((f) => bucket.arnForObjects(`${config.logPrefix}${f}/*`)),
    }),
    new iam.PolicyStatement({
      sid: 'ListLogData',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${config.logPrefix}logs/`, `${config.logPrefix}logs/*`] } },
    }),
    new iam.PolicyStatement({
      // Get: latest.json and the pre-signed link; Delete: objects a re-run of the same window no
      // longer writes (the report key depends only on the window, so a re-run replaces the folder)
      sid: 'WriteReports',
      actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
      resources: [bucket.arnForObjects(`${config.reportPrefix}*`)],
    }),
    new iam.PolicyStatement({
      // list one report folder to find stale objects; a missing latest.json then reads as 404, not 403
      sid: 'ListReports',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${config.reportPrefix}*`] } },
    }),
  ];
  if (config.sender) {
    // A sender is what makes email possible: recipients may come from cdk.json or, for an ad-hoc
    // report, from the invoke payload, so the grant depends on the sender alone.
    // SESv2 SendEmail authorises as ses:SendEmail for Simple content but as ses:SendRawEmail for
    // Raw content (the MIME message with the report attached), so both; only on the sender's
    // address identity and its domain identity (SES checks whichever identity is verified).
    const identity = (name: string): string =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    statements.push(
      new iam.PolicyStatement({
        sid: 'SendReportEmail',
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [identity(config.sender), identity(emailDomain(config.sender))],
      }),
    );
  }
  if (key) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'UseBucketKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
      }),
    );
  }
  return statements;
}
