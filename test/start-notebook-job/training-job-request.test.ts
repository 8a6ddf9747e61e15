import {
  buildTrainingJobRequest,
  DEFAULT_SAGEMAKER_DISTRIBUTION_VERSION,
  jobNameFor,
  type NotebookJobInput,
  readConfig,
  resolveRun,
  sagemakerDistributionImageUri,
  validateHyperParameters,
  wholeDaysBefore,
} from '../../lambdas/start-notebook-job/training-job-request.js';

const ROLE = 'arn:aws:iam::123456789012:role/llm-log-analytics-notebook';

function input(overrides: Partial<NotebookJobInput> = {}): NotebookJobInput {
  return {
    region: 'us-east-1',
    jobName: 'llm-log-analytics-nb-20251201T070000Z',
    notebookS3Uri: 's3://analytics-bucket/notebooks/',
    notebookName: 'FinSights_Log_Analytics.ipynb',
    outputS3Uri: 's3://analytics-bucket/notebook-jobs/',
    roleArn: ROLE,
    instanceType: 'ml.m5.large',
    maxRuntimeSeconds: 3600,
    parameters: {
      log_root: 's3://logs-bucket/DATA_MERGE_ASSETS/LOGS/FINRAG',
      from_date: '2025-11-17',
      to_date: '2025-11-30',
      timezone: 'UTC',
      output_dir: '/opt/ml/output/data/analysis',
      input_format: 'parquet',
    },
    ...overrides,
  };
}

describe('wholeDaysBefore', () => {
  test('14 days before 2025-12-01T07:00:00Z in UTC are 2025-11-17..2025-11-30', () => {
    expect(wholeDaysBefore(new Date('2025-12-01T07:00:00Z'), 14, 'UTC')).toEqual({ from: '2025-11-17', to: '2025-11-30' });
  });

  test('in America/New_York 2025-12-01T03:00:00Z is still 2025-11-30, so the window ends 2025-11-29', () => {
    expect(wholeDaysBefore(new Date('2025-12-01T03:00:00Z'), 14, 'America/New_York')).toEqual({ from: '2025-11-16', to: '2025-11-29' });
  });

  test('east of UTC the local day starts earlier: 2025-11-30T20:00:00Z is 2025-12-01 in Asia/Tokyo', () => {
    expect(wholeDaysBefore(new Date('2025-11-30T20:00:00Z'), 1, 'Asia/Tokyo')).toEqual({ from: '2025-11-30', to: '2025-11-30' });
  });

  test('a window across the DST change and a month end counts calendar days', () => {
    // 2025-11-02 is the US fall-back day; 7 local days before 2025-11-05 (local) are 10-29..11-04.
    expect(wholeDaysBefore(new Date('2025-11-05T12:00:00Z'), 7, 'America/New_York')).toEqual({ from: '2025-10-29', to: '2025-11-04' });
  });

  test('rejects a bad day count and an unknown time zone', () => {
    expect(() => wholeDaysBefore(new Date('2025-12-01T07:00:00Z'), 0, 'UTC')).toThrow('days must be a whole number from 1 to 366, got 0');
    expect(() => wholeDaysBefore(new Date('2025-12-01T07:00:00Z'), 14, 'Mars/Olympus')).toThrow('time zone "Mars/Olympus" is not an IANA name');
  });
});

describe('image URI', () => {
  test('SageMaker Distribution CPU image of the region, pinned version', () => {
    expect(DEFAULT_SAGEMAKER_DISTRIBUTION_VERSION).toBe('3.0.0');
    expect(sagemakerDistributionImageUri('us-east-1')).toBe('885854791233.dkr.ecr.us-east-1.amazonaws.com/sagemaker-distribution-prod:3.0.0-cpu');
    expect(sagemakerDistributionImageUri('eu-west-1', '3.0.0')).toBe('819792524951.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-distribution-prod:3.0.0-cpu');
    expect(sagemakerDistributionImageUri('us-west-2', '2.6')).toBe('542918446943.dkr.ecr.us-west-2.amazonaws.com/sagemaker-distribution-prod:2.6-cpu');
  });

  test('unknown region or bad version: clear errors', () => {
    expect(() => sagemakerDistributionImageUri('xx-nowhere-1')).toThrow('no SageMaker Distribution image is known for region "xx-nowhere-1"');
    expect(() => sagemakerDistributionImageUri('us-east-1', 'latest')).toThrow('SAGEMAKER_DISTRIBUTION_VERSION "latest" is not a version like 3.0.0');
  });
});

describe('buildTrainingJobRequest', () => {
  test('the whole request, field by field', () => {
    expect(buildTrainingJobRequest(input())).toEqual({
      TrainingJobName: 'llm-log-analytics-nb-20251201T070000Z',
      RoleArn: ROLE,
      AlgorithmSpecification: {
        TrainingImage: '885854791233.dkr.ecr.us-east-1.amazonaws.com/sagemaker-distribution-prod:3.0.0-cpu',
        TrainingInputMode: 'File',
        ContainerEntrypoint: ['amazon_sagemaker_scheduler'],
      },
      InputDataConfig: [
        {
          ChannelName: 'sagemaker_headless_execution',
          DataSource: {
            S3DataSource: {
              S3DataType: 'S3Prefix',
              S3Uri: 's3://analytics-bucket/notebooks/',
              S3DataDistributionType: 'FullyReplicated',
            },
          },
        },
      ],
      OutputDataConfig: { S3OutputPath: 's3://analytics-bucket/notebook-jobs' },
      ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      Environment: {
        SM_JOB_DEF_VERSION: '1.0',
        SM_ENV_NAME: 'sagemaker-default-env',
        SM_SKIP_EFS_SIMULATION: 'true',
        SM_EXECUTION_INPUT_PATH: '/opt/ml/input/data/sagemaker_headless_execution',
        SM_KERNEL_NAME: 'python3',
        SM_INPUT_NOTEBOOK_NAME: 'FinSights_Log_Analytics.ipynb',
        SM_OUTPUT_NOTEBOOK_NAME: 'llm-log-analytics-nb-20251201T070000Z.ipynb',
        AWS_DEFAULT_REGION: 'us-east-1',
      },
      HyperParameters: {
        log_root: 's3://logs-bucket/DATA_MERGE_ASSETS/LOGS/FINRAG',
        from_date: '2025-11-17',
        to_date: '2025-11-30',
        timezone: 'UTC',
        output_dir: '/opt/ml/output/data/analysis',
        input_format: 'parquet',
      },
      Tags: [
        { Key: 'sagemaker:is-scheduling-notebook-job', Value: 'true' },
        { Key: 'sagemaker:name', Value: 'llm-log-analytics-nb-20251201T070000Z' },
        { Key: 'sagemaker:notebook-name', Value: 'FinSights_Log_Analytics.ipynb' },
      ],
    });
  });

  test('an initialization script beside the notebook becomes SM_INIT_SCRIPT (the driver sources it first)', () => {
    const env = buildTrainingJobRequest(input({ initScriptName: 'setup.sh' })).Environment!;
    expect(env.SM_INIT_SCRIPT).toBe('setup.sh');
    expect(buildTrainingJobRequest(input()).Environment).not.toHaveProperty('SM_INIT_SCRIPT');
    for (const bad of ['', 'scripts/setup.sh', '..']) {
      expect(() => buildTrainingJobRequest(input({ initScriptName: bad }))).toThrow('must be a file name beside the notebook (no folders)');
    }
  });

  test('an image override in the same region is used as given; a version override changes the tag', () => {
    const custom = '123456789012.dkr.ecr.us-east-1.amazonaws.com/my-notebook-image:1.2';
    expect(buildTrainingJobRequest(input({ imageUri: custom })).AlgorithmSpecification?.TrainingImage).toBe(custom);
    expect(buildTrainingJobRequest(input({ distributionVersion: '3.1.0' })).AlgorithmSpecification?.TrainingImage).toBe(
      '885854791233.dkr.ecr.us-east-1.amazonaws.com/sagemaker-distribution-prod:3.1.0-cpu',
    );
  });

  test('bad inputs fail with one-line messages that name the problem', () => {
    const cases: [Partial<NotebookJobInput>, string][] = [
      [{ imageUri: '885854791233.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-distribution-prod:3.0.0-cpu' },
        'image "885854791233.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-distribution-prod:3.0.0-cpu" is in eu-west-1; it must be in the job\'s region us-east-1'],
      [{ imageUri: 'public.ecr.aws/sagemaker/sagemaker-distribution:3.0.0-cpu' }, 'is not an ECR image URI'],
      [{ jobName: `${'a'.repeat(60)}-nb-20251201T070000Z` }, 'is 80 characters; SageMaker allows at most 63 (shorten JOB_NAME_PREFIX)'],
      [{ jobName: 'llm_log_analytics' }, 'training job name "llm_log_analytics" is not valid'],
      [{ jobName: '-starts-with-hyphen' }, 'is not valid'],
      [{ notebookName: 'FinSights_Log_Analytics.py' }, 'input notebook name "FinSights_Log_Analytics.py" must be a file name ending in .ipynb'],
      [{ kernelName: '' }, 'the kernel name is required'],
      [{ region: 'us-east-1', imageUri: undefined, distributionVersion: 'x' }, 'SAGEMAKER_DISTRIBUTION_VERSION "x" is not a version like 3.0.0'],
      [{ notebookS3Uri: 'analytics-bucket/notebooks' }, 'NOTEBOOK_S3_URI "analytics-bucket/notebooks" is not an s3://bucket/prefix URI'],
      [{ outputS3Uri: 'https://example.com/out' }, 'OUTPUT_S3_URI "https://example.com/out" is not an s3://bucket/prefix URI'],
      [{ roleArn: 'llm-role' }, 'EXECUTION_ROLE_ARN "llm-role" is not an IAM role ARN'],
      [{ instanceType: 'm5.large' }, 'INSTANCE_TYPE "m5.large" is not a SageMaker instance type like ml.m5.large'],
      [{ maxRuntimeSeconds: 0 }, 'MAX_RUNTIME_SECONDS must be a whole number of seconds from 1 to 2419200, got 0'],
      [{ parameters: { ...input().parameters, log_root: `s3://logs-bucket/${'p'.repeat(260)}` } }, 'notebook parameter log_root is 277 characters; at most 256 are allowed'],
    ];
    for (const [overrides, message] of cases) {
      let thrown: unknown;
      try {
        buildTrainingJobRequest(input(overrides));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(Error);
      expect((thrown as Error).name).toBe('NotebookJobRequestError');
      expect((thrown as Error).message).toContain(message);
      expect((thrown as Error).message).not.toContain('\n');
    }
  });

  test('hyperparameters: strings only, at most 100, each at most 256 characters', () => {
    expect(validateHyperParameters({ a: 'x'.repeat(256) })).toEqual({ a: 'x'.repeat(256) });
    expect(() => validateHyperParameters({ a: 'x'.repeat(257) })).toThrow('notebook parameter a is 257 characters; at most 256 are allowed');
    expect(() => validateHyperParameters({ n: 14 })).toThrow('notebook parameter n must be a string (hyperparameters are strings), got number');
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, 'v']));
    expect(() => validateHyperParameters(many)).toThrow('101 notebook parameters; SageMaker allows at most 100 hyperparameters');
    expect(() => validateHyperParameters({ ['k'.repeat(257)]: 'v' })).toThrow('must be 1..256 characters');
  });
});

describe('resolveRun', () => {
  const defaults = { timezone: 'UTC', days: 14, jobNamePrefix: 'llm-log-analytics', now: new Date('2025-12-03T10:20:30.456Z') };

  test('scheduled: window and job name from scheduledTime (same name on a retry)', () => {
    const run = resolveRun({ scheduledTime: '2025-12-01T07:00:00Z' }, defaults);
    expect(run).toEqual({
      jobName: 'llm-log-analytics-nb-20251201T070000Z',
      from: '2025-11-17',
      to: '2025-11-30',
      timezone: 'UTC',
      at: new Date('2025-12-01T07:00:00Z'),
      trigger: 'schedule',
    });
    expect(resolveRun({ scheduledTime: '2025-12-01T07:00:00Z' }, { ...defaults, now: new Date() }).jobName).toBe(run.jobName);
  });

  test('scheduled in America/New_York: 2025-12-01T03:00:00Z is local 2025-11-30, so to = 2025-11-29', () => {
    const run = resolveRun({ scheduledTime: '2025-12-01T03:00:00Z' }, { ...defaults, timezone: 'America/New_York' });
    expect([run.from, run.to, run.timezone, run.jobName]).toEqual(['2025-11-16', '2025-11-29', 'America/New_York', 'llm-log-analytics-nb-20251201T030000Z']);
  });

  test('an EventBridge rule "Scheduled Event" uses its time', () => {
    const run = resolveRun(
      { 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2025-12-01T07:00:00Z', id: 'x', detail: {} },
      defaults,
    );
    expect([run.from, run.to, run.jobName, run.trigger]).toEqual(['2025-11-17', '2025-11-30', 'llm-log-analytics-nb-20251201T070000Z', 'schedule']);
  });

  test('manual from/to: the given days, job name from now (or explicit)', () => {
    expect(resolveRun({ from: '2025-11-01', to: '2025-11-15' }, defaults)).toEqual({
      jobName: 'llm-log-analytics-nb-20251203T102030Z',
      from: '2025-11-01',
      to: '2025-11-15',
      timezone: 'UTC',
      at: defaults.now,
      trigger: 'manual',
    });
    expect(resolveRun({ from: '2025-11-01', to: '2025-11-01', jobName: 'llm-log-analytics-rerun-nov-1' }, defaults).jobName).toBe('llm-log-analytics-rerun-nov-1');
  });

  test('manual days, empty event and all', () => {
    expect(resolveRun({ days: 7 }, defaults)).toMatchObject({ from: '2025-11-26', to: '2025-12-02', trigger: 'manual' });
    expect(resolveRun({}, defaults)).toMatchObject({ from: '2025-11-19', to: '2025-12-02' });
    expect(resolveRun(undefined, defaults)).toMatchObject({ from: '2025-11-19', to: '2025-12-02' });
    expect(resolveRun({ all: true }, defaults)).toMatchObject({ from: '', to: '' });
  });

  test('bad events: clear errors', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ from: '2025-11-31', to: '2025-12-01' }, 'from must be a date written YYYY-MM-DD, got "2025-11-31"'],
      [{ from: '2025/11/01', to: '2025-12-01' }, 'from must be a date written YYYY-MM-DD, got "2025/11/01"'],
      [{ from: '2025-11-01' }, 'to must be a date written YYYY-MM-DD, got undefined'],
      [{ from: '2025-12-02', to: '2025-12-01' }, 'from 2025-12-02 is after to 2025-12-01'],
      [{ from: '2024-01-01', to: '2025-12-01' }, 'the window 2024-01-01..2025-12-01 is 701 days; at most 366 are allowed'],
      [{ scheduledTime: 'yesterday' }, 'scheduledTime must be an ISO-8601 instant such as 2025-12-01T07:00:00Z, got "yesterday"'],
      [{ scheduledTime: '2025-12-01 07:00:00' }, 'scheduledTime must be an ISO-8601 instant'],
      [{ scheduledTime: '2025-12-01T07:00:00Z', from: '2025-11-01', to: '2025-11-02' }, 'a scheduled event cannot also carry from/to/all'],
      [{ days: 0 }, 'days must be a whole number from 1 to 366, got 0'],
      [{ days: '14' }, 'days must be a whole number from 1 to 366, got "14"'],
      [{ timezone: 'Europe/Nowhere' }, 'time zone "Europe/Nowhere" is not an IANA name'],
      [{ all: false }, 'all must be true when given'],
      [{ jobName: `llm-log-analytics-${'x'.repeat(46)}` }, 'is 64 characters; SageMaker allows at most 63'],
      // The starter's IAM permission covers only jobs named llm-log-analytics-*.
      [{ jobName: 'rerun-november' }, 'jobName "rerun-november" must start with "llm-log-analytics-"'],
      [{ jobName: 'llm-log-analyticsX' }, 'must start with "llm-log-analytics-"'],
      [{ jobName: 14 }, 'jobName must be a string'],
      [{ scheduledTime: '2025-12-01T07:00:00Z', jobName: 'other-job' }, 'must start with "llm-log-analytics-"'],
      // Impossible instants are not rolled forward to another day (Date.parse would accept them).
      [{ scheduledTime: '2025-02-30T07:00:00Z' }, 'scheduledTime must be an ISO-8601 instant such as 2025-12-01T07:00:00Z, got "2025-02-30T07:00:00Z"'],
      [{ scheduledTime: '2025-04-31T07:00:00Z' }, 'scheduledTime must be an ISO-8601 instant'],
      [{ scheduledTime: '2025-12-01T24:00:00Z' }, 'scheduledTime must be an ISO-8601 instant'],
      [{ scheduledTime: '2025-12-01T07:60:00Z' }, 'scheduledTime must be an ISO-8601 instant'],
      [{ scheduledTime: '2025-12-01T07:00:00+24:00' }, 'scheduledTime must be an ISO-8601 instant'],
    ];
    for (const [event, message] of cases) {
      expect(() => resolveRun(event, defaults)).toThrow(message);
    }
    expect(() => resolveRun({ scheduledTime: '2025-12-01T07:00:00Z' }, { ...defaults, jobNamePrefix: 'a-very-long-job-name-prefix-for-this-deployment-x' })).toThrow(
      'training job name "a-very-long-job-name-prefix-for-this-deployment-x-nb-20251201T070000Z" is 69 characters; SageMaker allows at most 63 (shorten JOB_NAME_PREFIX)',
    );
  });

  test('a valid instant with an offset or fraction is accepted; a leap day is a real day', () => {
    // 2024-02-29T23:30:00-05:00 = 2024-03-01T04:30:00Z: the 14 UTC days before are 02-16..02-29.
    const run = resolveRun({ scheduledTime: '2024-02-29T23:30:00.250-05:00' }, defaults);
    expect([run.from, run.to, run.jobName]).toEqual(['2024-02-16', '2024-02-29', 'llm-log-analytics-nb-20240301T043000Z']);
  });

  test('manual from/to in the first century are real days (no 1900s shift)', () => {
    expect(resolveRun({ from: '0099-06-01', to: '0099-06-02' }, defaults)).toMatchObject({ from: '0099-06-01', to: '0099-06-02' });
  });

  test('job names always match the SageMaker pattern and fit in 63 characters', () => {
    const name = jobNameFor('llm-log-analytics', new Date('2025-12-01T07:00:00.999Z'));
    expect(name).toBe('llm-log-analytics-nb-20251201T070000Z');
    expect(name).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
    expect(name.length).toBeLessThanOrEqual(63);
  });
});

describe('readConfig', () => {
  const env = {
    AWS_REGION: 'eu-west-1',
    NOTEBOOK_S3_URI: 's3://analytics-bucket/notebooks/',
    NOTEBOOK_NAME: 'FinSights_Log_Analytics.ipynb',
    OUTPUT_S3_URI: 's3://analytics-bucket/notebook-jobs/',
    EXECUTION_ROLE_ARN: ROLE,
    LOG_ROOT: 's3://logs-bucket/DATA_MERGE_ASSETS/LOGS/FINRAG/',
  };

  test('defaults for the optional variables', () => {
    expect(readConfig(env)).toEqual({
      region: 'eu-west-1',
      notebookS3Uri: 's3://analytics-bucket/notebooks/',
      notebookName: 'FinSights_Log_Analytics.ipynb',
      outputS3Uri: 's3://analytics-bucket/notebook-jobs/',
      roleArn: ROLE,
      logRoot: 's3://logs-bucket/DATA_MERGE_ASSETS/LOGS/FINRAG/',
      timezone: 'UTC',
      days: 14,
      jobNamePrefix: 'llm-log-analytics',
      instanceType: 'ml.m5.large',
      maxRuntimeSeconds: 3600,
      imageUri: undefined,
      distributionVersion: '3.0.0',
      initScriptName: undefined,
    });
    expect(readConfig({ ...env, INIT_SCRIPT: ' setup.sh ' }).initScriptName).toBe('setup.sh');
  });

  test('missing or malformed variables: one clear error each', () => {
    for (const name of ['NOTEBOOK_S3_URI', 'OUTPUT_S3_URI', 'EXECUTION_ROLE_ARN', 'LOG_ROOT']) {
      expect(() => readConfig({ ...env, [name]: undefined })).toThrow(`missing environment variable ${name}`);
      expect(() => readConfig({ ...env, [name]: '  ' })).toThrow(`missing environment variable ${name}`);
    }
    expect(() => readConfig({ ...env, AWS_REGION: undefined })).toThrow('missing environment variable AWS_REGION');
    expect(() => readConfig({ ...env, REPORT_DAYS: 'two weeks' })).toThrow('environment variable REPORT_DAYS must be a whole number, got "two weeks"');
    expect(() => readConfig({ ...env, REPORT_DAYS: '0' })).toThrow('REPORT_DAYS must be from 1 to 366, got 0');
    expect(() => readConfig({ ...env, MAX_RUNTIME_SECONDS: '1h' })).toThrow('environment variable MAX_RUNTIME_SECONDS must be a whole number, got "1h"');
    expect(() => readConfig({ ...env, REPORT_TIMEZONE: 'CEST' })).toThrow('REPORT_TIMEZONE "CEST" is not an IANA name');
    expect(() => readConfig({ ...env, LOG_ROOT: '/local/logs' })).toThrow('LOG_ROOT "/local/logs" is not an s3://bucket/prefix URI');
  });
});
