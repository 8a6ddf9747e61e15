/**
 * SageMaker notebook job: every schedule tick, the starter Lambda
 * (`lambdas/start-notebook-job/handler.ts`) creates a SageMaker training job that runs
 * `notebooks/FinSights_Log_Analytics.ipynb` headless on the SageMaker Distribution image.
 *
 * The notebook is deployed to a dedicated ARTIFACTS bucket, not to the log bucket:
 * - an imported log bucket gets nothing provisioned on it (a BucketDeployment would write to it);
 * - the BucketDeployment's CDK-managed handler is granted read/write/delete on its whole
 *   destination bucket, which must never be the bucket holding the logs.
 * The job OUTPUT (executed notebook, summary.json, plots) goes beside the reports, under the report
 * prefix of the log bucket, so the team finds both products of a run in one place:
 * `s3://<log bucket>/<reportPrefix>notebook-jobs/<job name>/output/output.tar.gz`. The report
 * Lambda's clean-up touches only its own `<from>_<to>/` folders, never `notebook-jobs/`.
 *
 * Layout: `s3://<artifacts>/notebook-jobs/input/<version>/`: the `notebooks/` folder (plus the optional
 * initialization script), deployed under a prefix named by the sha256 of its contents. Every job reads
 * the version that was current when it started, a changed notebook gets a new prefix on the next
 * deploy, and earlier versions stay where they were (the bucket is versioned too).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { Annotations, ArnFormat, Aws, CfnMapping, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import {
  SAGEMAKER_DISTRIBUTION_ACCOUNTS,
  SAGEMAKER_DISTRIBUTION_REPOSITORY,
} from '../lambdas/start-notebook-job/training-job-request.js';
import { DEPS_LOCK_FILE, LAMBDA_RUNTIME, PROJECT_ROOT, START_NOTEBOOK_JOB_ENTRY, startNotebookJobBundling } from './bundling.js';
import { LOG_DATA_FOLDERS, type AppConfig } from './config.js';
import { acknowledge, acknowledgeWildcardResources } from './nag.js';
import { LOG_RETENTION } from './report-function.js';

export const NOTEBOOK_DIR = join(PROJECT_ROOT, 'notebooks');
export const NOTEBOOK_NAME = 'FinSights_Log_Analytics.ipynb';
export const NOTEBOOK_INPUT_PREFIX = 'notebook-jobs/input/';
/** Job output folder, under the report prefix of the log bucket. */
export const NOTEBOOK_OUTPUT_FOLDER = 'notebook-jobs/';
/** Training jobs are named `<prefix>-...`; the starter's IAM is scoped to that name pattern. */
export const JOB_NAME_PREFIX = 'llm-log-analytics';
export const INSTANCE_TYPE = 'ml.m5.large';
export const MAX_RUNTIME_SECONDS = 3600;
export const TRAINING_JOB_LOG_GROUP = '/aws/sagemaker/TrainingJobs';

/**
 * Content version of the notebook input: sha256 over every file of `dir` (relative path and bytes, in
 * path order, Jupyter checkpoints excluded) and the initialization script, first 16 hex digits.
 */
export function notebookVersion(dir: string, initScript?: { name: string; body: Buffer }): string {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (name === '.ipynb_checkpoints') continue;
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(dir);
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${relative(dir, f).split('\\').join('/')}\0`).update(readFileSync(f)).update('\0');
  if (initScript) hash.update(`init-script:${initScript.name}\0`).update(initScript.body);
  return hash.digest('hex').slice(0, 16);
}

export interface NotebookJobProps {
  readonly config: AppConfig;
  /** Folder deployed as the notebook input (default `notebooks/`). */
  readonly notebookDir?: string;
  /**
   * Optional shell script (path) deployed beside the notebook and sourced by the job before the
   * notebook runs (SageMaker's notebook-job "initialization script", `SM_INIT_SCRIPT`).
   */
  readonly initScript?: string;
  readonly logBucket: s3.IBucket;
  /** KMS key of the log bucket (and of the artifacts bucket), when SSE-KMS is on. */
  readonly encryptionKey?: kms.IKey;
  readonly accessLogsBucket: s3.IBucket;
}

export class NotebookJob extends Construct {
  readonly artifactsBucket: s3.Bucket;
  readonly executionRole: iam.Role;
  readonly starter: NodejsFunction;
  readonly starterRole: iam.Role;
  readonly deployment?: s3deploy.BucketDeployment;
  /** The versioned prefix the job reads the notebook from (`notebook-jobs/input/<version>/`). */
  readonly inputPrefix: string;

  constructor(scope: Construct, id: string, props: NotebookJobProps) {
    super(scope, id);
    const { config, logBucket, encryptionKey } = props;
    const stack = Stack.of(this);

    // --- artifacts bucket ------------------------------------------------------------------------
    this.artifactsBucket = new s3.Bucket(this, 'ArtifactsBucket', {
      versioned: true,
      encryption: encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey,
      bucketKeyEnabled: encryptionKey ? true : undefined,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'artifacts-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(90),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    const bucket = this.artifactsBucket;

    // --- the notebook ------------------------------------------------------------------------------
    const notebookDir = props.notebookDir ?? NOTEBOOK_DIR;
    let initScript: { name: string; body: Buffer } | undefined;
    if (props.initScript) {
      if (!existsSync(props.initScript) || !statSync(props.initScript).isFile()) {
        throw new Error(`notebookInitScript ${props.initScript} is not a file`);
      }
      initScript = { name: basename(props.initScript), body: readFileSync(props.initScript) };
      if (existsSync(join(notebookDir, initScript.name))) {
        throw new Error(`notebookInitScript ${initScript.name} has the name of a file in ${notebookDir}; rename it`);
      }
    }
    /** `notebook-jobs/input/<version>/`: what the starter points the job at. */
    this.inputPrefix = NOTEBOOK_INPUT_PREFIX;
    if (existsSync(notebookDir)) {
      this.inputPrefix = `${NOTEBOOK_INPUT_PREFIX}${notebookVersion(notebookDir, initScript)}/`;
      this.deployment = new s3deploy.BucketDeployment(this, 'Notebook', {
        sources: [
          s3deploy.Source.asset(notebookDir, { exclude: ['.ipynb_checkpoints', '**/.ipynb_checkpoints/**'] }),
          ...(initScript ? [s3deploy.Source.data(initScript.name, initScript.body.toString('utf8'))] : []),
        ],
        destinationBucket: bucket,
        destinationKeyPrefix: this.inputPrefix,
        // Within this version's prefix only; earlier versions keep their own prefixes.
        prune: true,
        retainOnDelete: true,
      });
    } else {
      Annotations.of(this).addWarningV2(
        'llm-log-analytics:notebookMissing',
        `${notebookDir} does not exist: no notebook is deployed and the notebook job will fail until it is.`,
      );
    }

    // --- execution role (the training job) --------------------------------------------------------
    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: 'llm-log-analytics notebook job (SageMaker training job): reads the logs and the notebook, writes job output',
    });
    const logDataObjects = LOG_DATA_FOLDERS.map((f) => logBucket.arnForObjects(`${config.logPrefix}${f}/*`));
    const inputObjects = bucket.arnForObjects(`${NOTEBOOK_INPUT_PREFIX}*`);
    const outputPrefix = `${config.reportPrefix}${NOTEBOOK_OUTPUT_FOLDER}`;
    const outputObjects = logBucket.arnForObjects(`${outputPrefix}*`);
    // The SageMaker Distribution image lives in an AWS-owned account that differs per region: the
    // same region -> account table the starter uses to build the image URI, as a CfnMapping, so the
    // pull permission names exactly the repository the job runs (a region missing from the table
    // fails the deployment instead of granting a wildcard).
    const distributionAccounts = new CfnMapping(this, 'SageMakerDistributionAccounts', {
      mapping: Object.fromEntries(Object.entries(SAGEMAKER_DISTRIBUTION_ACCOUNTS).map(([region, account]) => [region, { account }])),
    });
    const repositoryArn = stack.formatArn({
      service: 'ecr',
      account: distributionAccounts.findInMap(Aws.REGION, 'account'),
      resource: 'repository',
      resourceName: SAGEMAKER_DISTRIBUTION_REPOSITORY,
    });
    const jobLogGroupArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: TRAINING_JOB_LOG_GROUP, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const jobLogStreamsArn = `${jobLogGroupArn}:log-stream:${JOB_NAME_PREFIX}-*`;

    const executionStatements = [
      new iam.PolicyStatement({ sid: 'ReadLogData', actions: ['s3:GetObject'], resources: logDataObjects }),
      new iam.PolicyStatement({
        sid: 'ListLogData',
        actions: ['s3:ListBucket'],
        resources: [logBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': LOG_DATA_FOLDERS.flatMap((f) => [`${config.logPrefix}${f}/`, `${config.logPrefix}${f}/*`]) } },
      }),
      new iam.PolicyStatement({ sid: 'ReadNotebook', actions: ['s3:GetObject'], resources: [inputObjects] }),
      new iam.PolicyStatement({
        sid: 'ListNotebook',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [NOTEBOOK_INPUT_PREFIX, `${NOTEBOOK_INPUT_PREFIX}*`] } },
      }),
      new iam.PolicyStatement({ sid: 'WriteJobOutput', actions: ['s3:PutObject'], resources: [outputObjects] }),
      new iam.PolicyStatement({
        sid: 'PullSageMakerDistributionImage',
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        resources: [repositoryArn],
      }),
      new iam.PolicyStatement({ sid: 'EcrAuthorizationToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
      new iam.PolicyStatement({
        sid: 'TrainingJobLogGroup',
        actions: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'],
        resources: [jobLogGroupArn, `${jobLogGroupArn}:*`],
      }),
      new iam.PolicyStatement({
        sid: 'TrainingJobLogStreams',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [jobLogStreamsArn],
      }),
      new iam.PolicyStatement({
        sid: 'TrainingJobMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': TRAINING_JOB_LOG_GROUP } },
      }),
    ];
    if (encryptionKey) {
      executionStatements.push(
        new iam.PolicyStatement({
          sid: 'UseBucketKey',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
        }),
      );
    }
    for (const statement of executionStatements) this.executionRole.addToPrincipalPolicy(statement);

    acknowledgeWildcardResources(
      this.executionRole,
      [...logDataObjects, inputObjects, outputObjects],
      'Object-key wildcards limited to the three log folders and the notebook input prefix (read) and the job output folder under the report prefix (write); object keys are not known at deploy time.',
    );
    acknowledgeWildcardResources(
      this.executionRole,
      ['*'],
      'ecr:GetAuthorizationToken supports no resource-level permissions, and cloudwatch:PutMetricData none either; the latter is limited to the /aws/sagemaker/TrainingJobs namespace by condition.',
    );
    acknowledgeWildcardResources(
      this.executionRole,
      [`${jobLogGroupArn}:*`, jobLogStreamsArn],
      'CloudWatch Logs of SageMaker training jobs: CreateLogGroup/DescribeLogStreams on the shared /aws/sagemaker/TrainingJobs group (`:*` is how the group ARN is matched; DescribeLogStreams needs it), and CreateLogStream/PutLogEvents only on streams named after this app\'s jobs (llm-log-analytics-*).',
    );

    // --- starter Lambda ------------------------------------------------------------------------------
    const starterLogGroup = new logs.LogGroup(this, 'StarterLogGroup', { retention: LOG_RETENTION });
    this.starterRole = new iam.Role(this, 'StarterRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'llm-log-analytics notebook-job starter: creates the SageMaker training job',
    });
    const trainingJobsArn = stack.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: `${JOB_NAME_PREFIX}-*` });
    const starterStatements = [
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [starterLogGroup.logGroupArn],
      }),
      new iam.PolicyStatement({
        sid: 'StartNotebookJob',
        actions: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:AddTags'],
        resources: [trainingJobsArn],
      }),
      new iam.PolicyStatement({
        sid: 'PassExecutionRole',
        actions: ['iam:PassRole'],
        resources: [this.executionRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      }),
    ];
    for (const statement of starterStatements) this.starterRole.addToPrincipalPolicy(statement);
    acknowledgeWildcardResources(
      this.starterRole,
      [trainingJobsArn],
      'Training job names carry the scheduled time, so they are unknown at deploy time; the wildcard is limited to jobs named llm-log-analytics-*.',
    );

    this.starter = new NodejsFunction(this, 'Starter', {
      description: 'llm-log-analytics: starts the SageMaker notebook job',
      entry: START_NOTEBOOK_JOB_ENTRY,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: DEPS_LOCK_FILE,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(1),
      role: this.starterRole,
      logGroup: starterLogGroup,
      bundling: startNotebookJobBundling,
      // Idempotent: a retried scheduled invocation builds the same job name (SageMaker answers ResourceInUse).
      retryAttempts: 2,
      environment: {
        NOTEBOOK_S3_URI: bucket.s3UrlForObject(this.inputPrefix),
        NOTEBOOK_NAME,
        OUTPUT_S3_URI: logBucket.s3UrlForObject(outputPrefix),
        EXECUTION_ROLE_ARN: this.executionRole.roleArn,
        LOG_ROOT: logBucket.s3UrlForObject(config.logPrefix),
        REPORT_TIMEZONE: config.reportTimezone,
        REPORT_DAYS: String(config.reportDays),
        JOB_NAME_PREFIX,
        INSTANCE_TYPE,
        MAX_RUNTIME_SECONDS: String(MAX_RUNTIME_SECONDS),
        ...(initScript ? { INIT_SCRIPT: initScript.name } : {}),
      },
    });
    acknowledge(
      this.starter,
      'AwsSolutions-L1',
      'Pinned to nodejs22.x on purpose: the bundle is built with esbuild target node22 (lib/bundling.ts) and the code is kept runnable on Node 20 and 22 (the test suite runs on Node 20); nodejs22.x is supported by Lambda until 2027. Moving to a newer runtime is a one-line change in lib/bundling.ts.',
    );
  }
}
