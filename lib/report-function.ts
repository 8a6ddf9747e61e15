/**
 * The report Lambda (`lambdas/report/handler.ts`): reads two weeks of logs, writes the report
 * folder under the report prefix and emails it through SES.
 *
 * Its role is written statement by statement (no `grant*` helpers) so that the resources are
 * exactly: the three log folders (read), the log folder listing, the dated report folders
 * (write, delete stale objects; read too when the role itself signs the link), latest.json (read
 * back, write), the listing of the report folders, the sender's SES identities (From = the sender
 * only), the link signer's secret, its own log group, and the bucket key when SSE-KMS is on. The
 * job output of the notebook (`<reportPrefix>notebook-jobs/`) is outside all of them. A test
 * asserts the full list.
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
import { REPORT_FOLDER_PATTERN, ReportLinkSigner } from './report-link-signer.js';

export const POWERTOOLS_METRICS_NAMESPACE = 'LlmLogAnalytics';
export const REPORT_SERVICE_NAME = 'llm-log-analytics-report';
export const LOG_RETENTION = logs.RetentionDays.THREE_MONTHS;
/** AwsSolutions-L1 reason for the report function (the runtime is pinned in lib/bundling.ts). */
export const LAMBDA_RUNTIME_REASON =
  'Pinned to nodejs22.x on purpose: the bundle is built with esbuild target node22 (lib/bundling.ts); the test suite runs on Node 20 and loads that same bundle there, so the code stays runnable on Node 20 and 22. nodejs22.x is supported by Lambda until 2027; moving to a newer runtime is a change of LAMBDA_RUNTIME and ESBUILD_TARGET in lib/bundling.ts.';

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
  /** The IAM user (and its key in Secrets Manager) that signs the email's link; only with a sender and `reportLinkSigner: user`. */
  readonly linkSigner?: ReportLinkSigner;

  constructor(scope: Construct, id: string, props: ReportFunctionProps) {
    super(scope, id);
    const { config, logBucket, encryptionKey } = props;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: LOG_RETENTION });
    // No sender, no email, no link to sign: no IAM user either.
    if (config.sender && config.reportLinkSigner.mode === 'user') {
      this.linkSigner = new ReportLinkSigner(this, 'LinkSigner', {
        logBucket,
        reportPrefix: config.reportPrefix,
        keySerial: config.reportLinkSigner.keySerial,
        encryptionKey,
      });
    }
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'llm-log-analytics report Lambda: reads the logs, writes reports, sends the report email',
    });
    for (const statement of reportStatements(this, config, logBucket, this.logGroup, encryptionKey, this.linkSigner)) {
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
    if (this.linkSigner) {
      environment.LINK_SIGNER_SECRET_ARN = this.linkSigner.secret.secretArn;
      // A new serial (key rotation) changes the function's configuration: warm containers drop the cached old key.
      environment.LINK_SIGNER_KEY_SERIAL = String(this.linkSigner.keySerial);
    }

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
      LAMBDA_RUNTIME_REASON,
    );
    acknowledgeWildcardResources(
      this.role,
      [
        ...LOG_DATA_FOLDERS.map((f) => logBucket.arnForObjects(`${config.logPrefix}${f}/*`)),
        logBucket.arnForObjects(`${config.reportPrefix}${REPORT_FOLDER_PATTERN}/*`),
      ],
      'Object-key wildcards limited to the three log folders (read) and the dated report folders <from>_<to>[_<zone>]/ (write, delete stale objects); the report reads every object of its window and writes a folder named by the window, keys unknown at deploy time. The notebook job output (notebook-jobs/) is not covered.',
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
  linkSigner: ReportLinkSigner | undefined,
): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const reportFolders = `${config.reportPrefix}${REPORT_FOLDER_PATTERN}`;
  const latestKey = `${config.reportPrefix}latest.json`;
  // S3 authorises a pre-signed GET as its signer: the role reads report.html only when it signs.
  const roleSignsLinks = config.sender !== undefined && !linkSigner;
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
      // Delete: objects a re-run of the same window no longer writes (the key depends only on the
      // window and its zone, so a re-run replaces the folder). Only the dated report folders: the
      // notebook job's output under <reportPrefix>notebook-jobs/ is out of reach.
      sid: 'WriteReports',
      actions: ['s3:PutObject', 's3:DeleteObject', ...(roleSignsLinks ? ['s3:GetObject'] : [])],
      resources: [bucket.arnForObjects(`${reportFolders}/*`)],
    }),
    new iam.PolicyStatement({
      // Read back (never move latest.json back to an older window), then write.
      sid: 'WriteLatestPointer',
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [bucket.arnForObjects(latestKey)],
    }),
    new iam.PolicyStatement({
      // List one report folder to find stale objects; latest.json so that a missing one reads as 404, not 403.
      sid: 'ListReports',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [reportFolders, latestKey] } },
    }),
  ];
  if (config.sender) {
    // A sender is what makes email possible: recipients may come from cdk.json or, for an ad-hoc
    // report, from the invoke payload, so the grant depends on the sender alone.
    // SESv2 SendEmail authorises as ses:SendEmail for Simple content but as ses:SendRawEmail for
    // Raw content (the MIME message with the report attached), so both; only on the sender's
    // address identity and its domain identity (SES checks whichever identity is verified), and
    // only with the sender as From address: the domain identity alone would allow any
    // <anything>@<domain>.
    const identity = (name: string): string =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    statements.push(
      new iam.PolicyStatement({
        sid: 'SendReportEmail',
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [identity(config.sender), identity(emailDomain(config.sender))],
        conditions: { StringEquals: { 'ses:FromAddress': config.sender } },
      }),
    );
  }
  if (linkSigner) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ReadLinkSignerKey',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [linkSigner.secret.secretArn],
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
