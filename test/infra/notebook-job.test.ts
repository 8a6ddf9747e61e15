import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { parseConfig } from '../../lib/config.js';
import { NOTEBOOK_DIR, NotebookJob } from '../../lib/notebook-job.js';
import { SAGEMAKER_DISTRIBUTION_ACCOUNTS } from '../../lambdas/start-notebook-job/training-job-request.js';
import { build, logicalId, readable, resourceByPrefix, roleStatements } from './fixture.js';

const PREFIX = 'DATA_MERGE_ASSETS/LOGS/FINRAG/';
const LOGS_ARN = 'arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/sagemaker/TrainingJobs';

describe('notebook job (default context)', () => {
  const { stack, template } = build();
  const job = stack.notebookJob!;
  const logBucketArn = `\${${logicalId(stack.logBucket.bucket)}.Arn}`;
  const artifactsId = logicalId(job.artifactsBucket);
  const artifactsArn = `\${${artifactsId}.Arn}`;

  test('deploys notebooks/ to a versioned notebook-jobs/input/<version>/ prefix of the artifacts bucket (not the log bucket)', () => {
    const deployment = resourceByPrefix(template, 'Custom::CDKBucketDeployment', 'NotebookJobNotebook');
    expect(deployment.resource.Properties).toMatchObject({
      DestinationBucketName: { Ref: artifactsId },
      DestinationBucketKeyPrefix: job.inputPrefix,
      Prune: true,
      RetainOnDelete: true,
    });
    expect(job.inputPrefix).toMatch(/^notebook-jobs\/input\/[0-9a-f]{16}\/$/);
    expect(deployment.resource.Properties.SourceObjectKeys).toHaveLength(1);
  });

  test('artifacts bucket: versioned, encrypted, blocked, TLS-only, access-logged, retained', () => {
    const bucket = template.toJSON().Resources[artifactsId];
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { LogFilePrefix: 'artifacts-bucket/' },
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: artifactsId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('execution role is trusted by SageMaker only', () => {
    const role = template.toJSON().Resources[logicalId(job.executionRole)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('execution role: exactly logs + notebook read, output write, image pull, job logs and metrics', () => {
    expect(roleStatements(template, job.executionRole)).toEqual([
      {
        Sid: 'ReadLogData',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: ['contexts', 'logs', 'responses'].map((f) => `${logBucketArn}/${PREFIX}${f}/*`),
      },
      {
        Sid: 'ListLogData',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: logBucketArn,
        Condition: { StringLike: { 's3:prefix': ['logs', 'contexts', 'responses'].flatMap((f) => [`${PREFIX}${f}/`, `${PREFIX}${f}/*`]) } },
      },
      { Sid: 'ReadNotebook', Effect: 'Allow', Action: 's3:GetObject', Resource: `${artifactsArn}/notebook-jobs/input/*` },
      {
        Sid: 'ListNotebook',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: artifactsArn,
        Condition: { StringLike: { 's3:prefix': ['notebook-jobs/input/', 'notebook-jobs/input/*'] } },
      },
      // job output beside the reports (report prefix of the log bucket), nowhere else
      { Sid: 'WriteJobOutput', Effect: 'Allow', Action: 's3:PutObject', Resource: `${logBucketArn}/reports/notebook-jobs/*` },
      {
        Sid: 'PullSageMakerDistributionImage',
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Resource: 'arn:aws:ecr:${AWS::Region}:${NotebookJobSageMakerDistributionAccounts43374440[${AWS::Region}][account]}:repository/sagemaker-distribution-prod',
      },
      { Sid: 'EcrAuthorizationToken', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      {
        Sid: 'TrainingJobLogGroup',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'],
        Resource: [LOGS_ARN, `${LOGS_ARN}:*`],
      },
      {
        Sid: 'TrainingJobLogStreams',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `${LOGS_ARN}:log-stream:llm-log-analytics-*`,
      },
      {
        Sid: 'TrainingJobMetrics',
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/TrainingJobs' } },
      },
    ]);
  });

  test('the image repository account comes from the same region table the starter uses', () => {
    const mapping = template.toJSON().Mappings.NotebookJobSageMakerDistributionAccounts43374440;
    expect(mapping).toEqual(Object.fromEntries(Object.entries(SAGEMAKER_DISTRIBUTION_ACCOUNTS).map(([r, account]) => [r, { account }])));
  });

  test('starter role: start/describe/tag llm-log-analytics-* training jobs, pass only the execution role to SageMaker', () => {
    expect(roleStatements(template, job.starterRole)).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: expect.stringMatching(/^\$\{NotebookJobStarterLogGroup[0-9A-F]{8}\.Arn\}$/),
      },
      {
        Sid: 'StartNotebookJob',
        Effect: 'Allow',
        Action: ['sagemaker:AddTags', 'sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob'],
        Resource: 'arn:aws:sagemaker:${AWS::Region}:${AWS::AccountId}:training-job/llm-log-analytics-*',
      },
      {
        Sid: 'PassExecutionRole',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: `\${${logicalId(job.executionRole)}.Arn}`,
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      },
    ]);
  });

  test('starter: nodejs22.x+ arm64, small, environment of TEAM-CONTRACTS.md', () => {
    const fn = template.toJSON().Resources[logicalId(job.starter)];
    expect(fn.Properties.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
    expect(fn.Properties.Architectures).toEqual(['arm64']);
    expect(fn.Properties.MemorySize).toBeLessThanOrEqual(512);
    expect(readable(fn.Properties.Environment.Variables)).toEqual({
      NOTEBOOK_S3_URI: `s3://\${${artifactsId}}/${job.inputPrefix}`,
      NOTEBOOK_NAME: 'FinSights_Log_Analytics.ipynb',
      OUTPUT_S3_URI: `s3://\${${logicalId(stack.logBucket.bucket)}}/reports/notebook-jobs/`,
      EXECUTION_ROLE_ARN: `\${${logicalId(job.executionRole)}.Arn}`,
      LOG_ROOT: `s3://\${${logicalId(stack.logBucket.bucket)}}/${PREFIX}`,
      REPORT_TIMEZONE: 'UTC',
      REPORT_DAYS: '14',
      JOB_NAME_PREFIX: 'llm-log-analytics',
      INSTANCE_TYPE: 'ml.m5.large',
      MAX_RUNTIME_SECONDS: '3600',
    });
  });
});

describe('notebook job disabled (-c notebookJob=false)', () => {
  const { stack, template } = build({ notebookJob: 'false' });

  test('creates no notebook resources and only the report schedule', () => {
    expect(stack.notebookJob).toBeUndefined();
    template.resourceCountIs('Custom::CDKBucketDeployment', 0);
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.resourceCountIs('AWS::Lambda::Function', 2); // report + the placeholder custom-resource handler
    expect(JSON.stringify(template.toJSON())).not.toContain('sagemaker');
  });
});

describe('notebook job with kmsKey=true', () => {
  const { stack, template } = build({ kmsKey: 'true' });

  test('artifacts bucket uses the data key and the execution role may use it through S3 only', () => {
    const keyArn = `\${${logicalId(stack.encryptionKey!)}.Arn}`;
    const job = stack.notebookJob!;
    expect(readable(template.toJSON().Resources[logicalId(job.artifactsBucket)].Properties.BucketEncryption)).toEqual({
      ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } }],
    });
    expect(roleStatements(template, job.executionRole)).toContainEqual({
      Sid: 'UseBucketKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: keyArn,
      Condition: { StringEquals: { 'kms:ViaService': 's3.${AWS::Region}.amazonaws.com' } },
    });
  });
});

describe('notebook job on an existing log bucket with a custom report prefix', () => {
  const { stack, template } = build({ logBucketName: 'finrag-prod-data', reportPrefix: 'analytics/reports/' });

  test('job output goes under <reportPrefix>notebook-jobs/ of that bucket, and only there', () => {
    const job = stack.notebookJob!;
    const fn = template.toJSON().Resources[logicalId(job.starter)];
    expect((readable(fn.Properties.Environment.Variables) as Record<string, string>).OUTPUT_S3_URI).toBe('s3://finrag-prod-data/analytics/reports/notebook-jobs/');
    const writes = roleStatements(template, job.executionRole).filter((s) => s.Sid === 'WriteJobOutput');
    expect(writes).toEqual([
      {
        Sid: 'WriteJobOutput',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::finrag-prod-data/analytics/reports/notebook-jobs/*',
      },
    ]);
  });
});

describe('notebook input version', () => {
  /** A NotebookJob in a bare stack, reading its notebook from `dir`. */
  function jobFor(dir: string, initScript?: string): NotebookJob {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'T', { env: { account: '123456789012', region: 'us-east-1' } });
    const logBucket = new s3.Bucket(stack, 'Logs');
    const accessLogs = new s3.Bucket(stack, 'AccessLogs');
    return new NotebookJob(stack, 'NotebookJob', { config: parseConfig({}), logBucket, accessLogsBucket: accessLogs, notebookDir: dir, initScript });
  }
  function notebookCopy(): string {
    const dir = mkdtempSync(join(tmpdir(), 'lla-nb-'));
    cpSync(NOTEBOOK_DIR, dir, { recursive: true });
    return dir;
  }

  test('same notebook, same prefix; one changed byte or a new file, a new prefix (earlier versions stay put)', () => {
    const a = notebookCopy();
    const b = notebookCopy();
    expect(jobFor(a).inputPrefix).toBe(jobFor(b).inputPrefix);
    const nb = join(b, 'FinSights_Log_Analytics.ipynb');
    writeFileSync(nb, readFileSync(nb, 'utf8').replace('# FinSights log analytics', '# FinSights log analytics!'));
    const changed = jobFor(b).inputPrefix;
    expect(changed).not.toBe(jobFor(a).inputPrefix);
    writeFileSync(join(a, 'extra.py'), 'x = 1\n');
    expect(new Set([jobFor(a).inputPrefix, changed, jobFor(notebookCopy()).inputPrefix]).size).toBe(3);
  });

  test('an initialization script is deployed beside the notebook and named to the starter (INIT_SCRIPT)', () => {
    const dir = notebookCopy();
    const script = join(mkdtempSync(join(tmpdir(), 'lla-init-')), 'setup.sh');
    writeFileSync(script, 'pip install --no-index something || true\n');
    const job = jobFor(dir, script);
    expect(job.inputPrefix).not.toBe(jobFor(dir).inputPrefix);
    const template = Template.fromStack(Stack.of(job));
    const deployment = resourceByPrefix(template, 'Custom::CDKBucketDeployment', 'NotebookJobNotebook');
    expect(deployment.resource.Properties.SourceObjectKeys).toHaveLength(2);
    expect(deployment.resource.Properties.DestinationBucketKeyPrefix).toBe(job.inputPrefix);
    const fn = template.toJSON().Resources[Stack.of(job).getLogicalId(job.starter.node.defaultChild as CfnElement)];
    expect(fn.Properties.Environment.Variables.INIT_SCRIPT).toBe('setup.sh');
    expect(() => jobFor(dir, join(dir, 'missing.sh'))).toThrow('is not a file');
    expect(() => jobFor(dir, join(NOTEBOOK_DIR, 'README.md'))).toThrow('has the name of a file in');
  });
});
