import { CreateTrainingJobCommand, ResourceInUse, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';

// The handler's logger reads its level when the module loads: silence it before the import.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const { handler } = await import('../../lambdas/start-notebook-job/handler.js');

const sageMaker = mockClient(SageMakerClient);

const ENV = {
  AWS_REGION: 'eu-west-1',
  NOTEBOOK_S3_URI: 's3://analytics-bucket/notebooks/',
  NOTEBOOK_NAME: 'FinSights_Log_Analytics.ipynb',
  OUTPUT_S3_URI: 's3://analytics-bucket/notebook-jobs/',
  EXECUTION_ROLE_ARN: 'arn:aws:iam::123456789012:role/llm-log-analytics-notebook',
  LOG_ROOT: 's3://logs-bucket/DATA_MERGE_ASSETS/LOGS/FINRAG/',
  REPORT_TIMEZONE: 'UTC',
  REPORT_DAYS: '14',
  JOB_NAME_PREFIX: 'llm-log-analytics',
  INSTANCE_TYPE: 'ml.m5.large',
  MAX_RUNTIME_SECONDS: '3600',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};
const saved = { ...process.env };

beforeEach(() => {
  sageMaker.reset();
  process.env = { ...saved, ...ENV };
  delete process.env.IMAGE_URI;
  delete process.env.SAGEMAKER_DISTRIBUTION_VERSION;
});

afterAll(() => {
  process.env = saved;
});

function sentRequest() {
  const calls = sageMaker.commandCalls(CreateTrainingJobCommand);
  expect(calls).toHaveLength(1);
  return calls[0].args[0].input;
}

describe('start-notebook-job handler', () => {
  test('a scheduled event starts one training job with the notebook-job contract', async () => {
    sageMaker.on(CreateTrainingJobCommand).resolves({
      TrainingJobArn: 'arn:aws:sagemaker:eu-west-1:123456789012:training-job/llm-log-analytics-nb-20251201T070000Z',
    });

    const result = await handler({ scheduledTime: '2025-12-01T07:00:00Z' });

    expect(result).toEqual({
      status: 'started',
      jobName: 'llm-log-analytics-nb-20251201T070000Z',
      trainingJobArn: 'arn:aws:sagemaker:eu-west-1:123456789012:training-job/llm-log-analytics-nb-20251201T070000Z',
    });
    const req = sentRequest();
    expect(req.TrainingJobName).toBe('llm-log-analytics-nb-20251201T070000Z');
    expect(req.TrainingJobName).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
    expect(req.RoleArn).toBe('arn:aws:iam::123456789012:role/llm-log-analytics-notebook');

    // The headless execution driver of the SageMaker Distribution image of the job's region.
    expect(req.AlgorithmSpecification).toEqual({
      TrainingImage: '819792524951.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-distribution-prod:3.0.0-cpu',
      TrainingInputMode: 'File',
      ContainerEntrypoint: ['amazon_sagemaker_scheduler'],
    });
    expect(req.AlgorithmSpecification?.TrainingImage).toMatch(
      /^\d{12}\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/sagemaker-distribution-prod:\d+\.\d+\.\d+-cpu$/,
    );

    // One input channel; the driver finds it through SM_EXECUTION_INPUT_PATH.
    expect(req.InputDataConfig).toHaveLength(1);
    const channel = req.InputDataConfig![0];
    expect(channel.DataSource?.S3DataSource).toEqual({
      S3DataType: 'S3Prefix',
      S3Uri: 's3://analytics-bucket/notebooks/',
      S3DataDistributionType: 'FullyReplicated',
    });
    expect(req.Environment?.SM_EXECUTION_INPUT_PATH).toBe(`/opt/ml/input/data/${channel.ChannelName}`);
    expect(channel.ChannelName).toBe('sagemaker_headless_execution');

    expect(req.Environment).toEqual({
      SM_JOB_DEF_VERSION: '1.0',
      SM_ENV_NAME: 'sagemaker-default-env',
      SM_SKIP_EFS_SIMULATION: 'true',
      SM_EXECUTION_INPUT_PATH: '/opt/ml/input/data/sagemaker_headless_execution',
      SM_KERNEL_NAME: 'python3',
      SM_INPUT_NOTEBOOK_NAME: 'FinSights_Log_Analytics.ipynb',
      SM_OUTPUT_NOTEBOOK_NAME: 'llm-log-analytics-nb-20251201T070000Z.ipynb',
      AWS_DEFAULT_REGION: 'eu-west-1',
    });

    // Notebook parameters as hyperparameters: the window is the 14 whole UTC days before the schedule.
    expect(req.HyperParameters).toEqual({
      log_root: 's3://logs-bucket/DATA_MERGE_ASSETS/LOGS/FINRAG/',
      from_date: '2025-11-17',
      to_date: '2025-11-30',
      timezone: 'UTC',
      output_dir: '/opt/ml/output/data/analysis',
      input_format: 'parquet',
    });
    for (const [key, value] of Object.entries(req.HyperParameters ?? {})) {
      expect(typeof key).toBe('string');
      expect(typeof value).toBe('string');
      expect(value.length).toBeLessThanOrEqual(256);
    }
    expect(Object.keys(req.HyperParameters ?? {}).length).toBeLessThanOrEqual(100);

    expect(req.OutputDataConfig).toEqual({ S3OutputPath: 's3://analytics-bucket/notebook-jobs' });
    expect(req.ResourceConfig).toEqual({ InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 });
    expect(req.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600 });
    expect(req.Tags).toEqual([
      { Key: 'sagemaker:is-scheduling-notebook-job', Value: 'true' },
      { Key: 'sagemaker:name', Value: 'llm-log-analytics-nb-20251201T070000Z' },
      { Key: 'sagemaker:notebook-name', Value: 'FinSights_Log_Analytics.ipynb' },
    ]);
  });

  test('in America/New_York, 2025-12-01T03:00:00Z is local 2025-11-30, so the window ends 2025-11-29', async () => {
    process.env.REPORT_TIMEZONE = 'America/New_York';
    sageMaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: 'arn:aws:sagemaker:eu-west-1:123456789012:training-job/x' });

    const result = await handler({ scheduledTime: '2025-12-01T03:00:00Z' });

    expect(result.jobName).toBe('llm-log-analytics-nb-20251201T030000Z');
    const params = sentRequest().HyperParameters!;
    expect([params.from_date, params.to_date, params.timezone]).toEqual(['2025-11-16', '2025-11-29', 'America/New_York']);
  });

  test('a retried invocation (same scheduled time) finds the job in use and reports already-started', async () => {
    sageMaker.on(CreateTrainingJobCommand).rejects(
      new ResourceInUse({ message: 'Training job names must be unique within an AWS account and region', $metadata: {} }),
    );

    await expect(handler({ scheduledTime: '2025-12-01T07:00:00Z' })).resolves.toEqual({
      status: 'already-started',
      jobName: 'llm-log-analytics-nb-20251201T070000Z',
    });
  });

  test('a plain error named ResourceInUse is recognised too', async () => {
    const error = Object.assign(new Error('job exists'), { name: 'ResourceInUse' });
    sageMaker.on(CreateTrainingJobCommand).rejects(error);

    await expect(handler({ scheduledTime: '2025-12-01T07:00:00Z' })).resolves.toMatchObject({ status: 'already-started' });
  });

  test('other SageMaker errors fail the invocation', async () => {
    const error = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    sageMaker.on(CreateTrainingJobCommand).rejects(error);

    await expect(handler({ scheduledTime: '2025-12-01T07:00:00Z' })).rejects.toThrow('Rate exceeded');
  });

  test('manual window with an explicit job name and an image override', async () => {
    process.env.IMAGE_URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/finsights-notebook:7';
    sageMaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: 'arn:aws:sagemaker:eu-west-1:123456789012:training-job/llm-log-analytics-rerun-november' });

    const result = await handler({ from: '2025-11-01', to: '2025-11-30', jobName: 'llm-log-analytics-rerun-november' });

    expect(result).toEqual({
      status: 'started',
      jobName: 'llm-log-analytics-rerun-november',
      trainingJobArn: 'arn:aws:sagemaker:eu-west-1:123456789012:training-job/llm-log-analytics-rerun-november',
    });
    const req = sentRequest();
    expect(req.AlgorithmSpecification?.TrainingImage).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com/finsights-notebook:7');
    expect([req.HyperParameters?.from_date, req.HyperParameters?.to_date]).toEqual(['2025-11-01', '2025-11-30']);
  });

  test('bad input is rejected before any SageMaker call', async () => {
    await expect(handler({ from: '2025-11-30', to: '2025-11-01' })).rejects.toThrow('from 2025-11-30 is after to 2025-11-01');
    await expect(handler({ from: '30/11/2025', to: '2025-12-01' })).rejects.toThrow('from must be a date written YYYY-MM-DD');

    process.env.IMAGE_URI = '885854791233.dkr.ecr.us-east-1.amazonaws.com/sagemaker-distribution-prod:3.0.0-cpu';
    await expect(handler({ scheduledTime: '2025-12-01T07:00:00Z' })).rejects.toThrow("is in us-east-1; it must be in the job's region eu-west-1");
    delete process.env.IMAGE_URI;

    process.env.JOB_NAME_PREFIX = 'finsights-llm-log-analytics-production-eu-west-1';
    await expect(handler({ scheduledTime: '2025-12-01T07:00:00Z' })).rejects.toThrow('SageMaker allows at most 63 (shorten JOB_NAME_PREFIX)');
    process.env.JOB_NAME_PREFIX = 'llm-log-analytics';

    delete process.env.EXECUTION_ROLE_ARN;
    await expect(handler({ scheduledTime: '2025-12-01T07:00:00Z' })).rejects.toThrow('missing environment variable EXECUTION_ROLE_ARN');

    expect(sageMaker.commandCalls(CreateTrainingJobCommand)).toHaveLength(0);
  });
});
