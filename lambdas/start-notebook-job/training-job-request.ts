/**
 * The `CreateTrainingJob` request that runs the analytics notebook as a SageMaker Studio notebook job.
 *
 * A notebook job is a training job whose container is a SageMaker Distribution image started with the
 * headless execution driver (`amazon_sagemaker_scheduler`). The driver reads its contract from the
 * job's environment (`SM_*` variables: input notebook, kernel, output notebook name), finds the
 * notebook in the input channel `SM_EXECUTION_INPUT_PATH`, runs it with papermill using the job's
 * hyperparameters (`/opt/ml/input/config/hyperparameters.json`, string values) as notebook
 * parameters, and writes the executed notebook to `/opt/ml/output/data`, which SageMaker uploads to
 * `<S3OutputPath>/<job name>/output/output.tar.gz`. The same request shape is what the SageMaker
 * Python SDK's `NotebookJobStep` and Studio's scheduler send.
 *
 * Everything here is pure: no clock, no AWS calls. Errors are `NotebookJobRequestError`s with one-line
 * messages.
 */
import type { CreateTrainingJobCommandInput, TrainingInstanceType } from '@aws-sdk/client-sagemaker';

export class NotebookJobRequestError extends Error {
  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, ' '));
    this.name = 'NotebookJobRequestError';
  }
}

// ---------------------------------------------------------------------------------------------------
// The SageMaker Distribution image

/** ECR repository of the SageMaker Distribution images that Studio and notebook jobs use. */
export const SAGEMAKER_DISTRIBUTION_REPOSITORY = 'sagemaker-distribution-prod';

/**
 * Pinned SageMaker Distribution version (tag `<version>-cpu`); override with the env variable
 * `SAGEMAKER_DISTRIBUTION_VERSION` or a whole `IMAGE_URI`. 3.0.0 is the version the SageMaker
 * Python SDK's image_uris config lists for `sagemaker-distribution`; it ships pandas, pyarrow,
 * matplotlib and the headless execution driver the notebook job needs.
 */
export const DEFAULT_SAGEMAKER_DISTRIBUTION_VERSION = '3.0.0';

/**
 * AWS account per region that hosts `sagemaker-distribution-prod`, from the SageMaker Python SDK
 * (`src/sagemaker/image_uri_config/sagemaker-distribution.json`, version 3.0.0 "registries").
 */
export const SAGEMAKER_DISTRIBUTION_ACCOUNTS: Readonly<Record<string, string>> = {
  'af-south-1': '238384257742',
  'ap-east-1': '523751269255',
  'ap-northeast-1': '010972774902',
  'ap-northeast-2': '064688005998',
  'ap-northeast-3': '564864627153',
  'ap-south-1': '245090515133',
  'ap-southeast-1': '022667117163',
  'ap-southeast-2': '648430277019',
  'ap-southeast-3': '370607712162',
  'ca-central-1': '481561238223',
  'eu-central-1': '545423591354',
  'eu-north-1': '175620155138',
  'eu-south-1': '810671768855',
  'eu-west-1': '819792524951',
  'eu-west-2': '021081402939',
  'eu-west-3': '856416204555',
  'me-central-1': '358593528301',
  'me-south-1': '523774347010',
  'sa-east-1': '567556641782',
  'us-east-1': '885854791233',
  'us-east-2': '137914896644',
  'us-west-1': '053634841547',
  'us-west-2': '542918446943',
};

const VERSION_RE = /^\d+(\.\d+){0,2}$/;
const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]` */
const ECR_IMAGE_RE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/[a-z0-9][a-z0-9._\/-]*(?::[\w.-]{1,128}|@sha256:[0-9a-f]{64})?$/;

/** The SageMaker Distribution CPU image for a region, e.g. `885854791233.dkr.ecr.us-east-1.amazonaws.com/sagemaker-distribution-prod:3.0.0-cpu`. */
export function sagemakerDistributionImageUri(region: string, version = DEFAULT_SAGEMAKER_DISTRIBUTION_VERSION): string {
  const account = SAGEMAKER_DISTRIBUTION_ACCOUNTS[region];
  if (!account) {
    throw new NotebookJobRequestError(
      `no SageMaker Distribution image is known for region "${region}" (known: ${Object.keys(SAGEMAKER_DISTRIBUTION_ACCOUNTS).join(', ')}); set IMAGE_URI`,
    );
  }
  if (!VERSION_RE.test(version)) {
    throw new NotebookJobRequestError(`SAGEMAKER_DISTRIBUTION_VERSION "${version}" is not a version like 3.0.0`);
  }
  return `${account}.dkr.ecr.${region}.amazonaws.com/${SAGEMAKER_DISTRIBUTION_REPOSITORY}:${version}-cpu`;
}

// ---------------------------------------------------------------------------------------------------
// The notebook job contract

/** Input channel holding the notebook; the driver reads it from `SM_EXECUTION_INPUT_PATH`. */
export const INPUT_CHANNEL_NAME = 'sagemaker_headless_execution';
export const EXECUTION_INPUT_PATH = `/opt/ml/input/data/${INPUT_CHANNEL_NAME}`;
/** Entry point of the headless execution driver in SageMaker Distribution images. */
export const CONTAINER_ENTRYPOINT = ['amazon_sagemaker_scheduler'];
export const KERNEL_NAME = 'python3';
/**
 * Where the notebook writes `summary.json` and its PNG charts inside the job: under
 * `/opt/ml/output/data`, so they land in the job's `output/output.tar.gz` beside the executed notebook.
 */
export const NOTEBOOK_OUTPUT_DIR = '/opt/ml/output/data/analysis';
export const DEFAULT_VOLUME_SIZE_GB = 30;

/** SageMaker limits. */
export const MAX_JOB_NAME_LENGTH = 63;
export const JOB_NAME_RE = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
export const MAX_HYPERPARAMETERS = 100;
export const MAX_HYPERPARAMETER_LENGTH = 256;
export const MAX_RUNTIME_LIMIT_SECONDS = 28 * 24 * 3600;
/** Longest window, in days. */
export const MAX_DAYS = 366;

const INSTANCE_TYPE_RE = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;
const ROLE_ARN_RE = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/;
const S3_URI_RE = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The notebook's parameters (see its `parameters` cell), as the job passes them: strings. */
export interface NotebookParameters {
  log_root: string;
  /** `YYYY-MM-DD` or '' (= first logged day). */
  from_date: string;
  /** `YYYY-MM-DD` or '' (= last logged day). */
  to_date: string;
  timezone: string;
  output_dir: string;
  input_format: 'parquet' | 'jsonl' | 'csv' | 'auto';
}

export interface NotebookJobInput {
  /** Region the job runs in (the image must be in the same region). */
  region: string;
  jobName: string;
  /** s3:// prefix holding the notebook (downloaded whole into the input channel). */
  notebookS3Uri: string;
  /** File name of the notebook under `notebookS3Uri`, e.g. `FinSights_Log_Analytics.ipynb`. */
  notebookName: string;
  /** s3:// prefix the job output goes under (`<prefix>/<job name>/output/output.tar.gz`). */
  outputS3Uri: string;
  roleArn: string;
  /** Full image URI; default: the SageMaker Distribution CPU image of `region`. */
  imageUri?: string;
  /** SageMaker Distribution version when `imageUri` is not given. */
  distributionVersion?: string;
  instanceType: string;
  maxRuntimeSeconds: number;
  volumeSizeGb?: number;
  /** Kernel the driver starts (must exist in the image); default `python3`. */
  kernelName?: string;
  /**
   * File name of a shell script beside the notebook under `notebookS3Uri`, sourced by the driver
   * before the notebook runs (`SM_INIT_SCRIPT`, as Studio's "initialization script"); optional.
   */
  initScriptName?: string;
  parameters: NotebookParameters;
}

function fail(message: string): never {
  throw new NotebookJobRequestError(message);
}

/** Region of an ECR image URI, or null when it is not one. */
export function imageRegion(imageUri: string): string | null {
  const m = ECR_IMAGE_RE.exec(imageUri);
  return m ? m[2] : null;
}

export function validateJobName(jobName: string): void {
  if (jobName.length > MAX_JOB_NAME_LENGTH) {
    fail(`training job name "${jobName}" is ${jobName.length} characters; SageMaker allows at most ${MAX_JOB_NAME_LENGTH} (shorten JOB_NAME_PREFIX)`);
  }
  if (!JOB_NAME_RE.test(jobName)) {
    fail(`training job name "${jobName}" is not valid: letters, digits and single or repeated hyphens only, starting and ending with a letter or digit`);
  }
}

export function validateHyperParameters(parameters: Record<string, unknown>): Record<string, string> {
  const entries = Object.entries(parameters);
  if (entries.length > MAX_HYPERPARAMETERS) {
    fail(`${entries.length} notebook parameters; SageMaker allows at most ${MAX_HYPERPARAMETERS} hyperparameters`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof value !== 'string') fail(`notebook parameter ${key} must be a string (hyperparameters are strings), got ${typeof value}`);
    if (key.length === 0 || key.length > MAX_HYPERPARAMETER_LENGTH) fail(`notebook parameter name "${key.slice(0, 40)}" must be 1..${MAX_HYPERPARAMETER_LENGTH} characters`);
    if (value.length > MAX_HYPERPARAMETER_LENGTH) fail(`notebook parameter ${key} is ${value.length} characters; at most ${MAX_HYPERPARAMETER_LENGTH} are allowed`);
    out[key] = value;
  }
  return out;
}

function validateS3Uri(name: string, uri: string): void {
  if (!S3_URI_RE.test(uri)) fail(`${name} "${uri}" is not an s3://bucket/prefix URI`);
}

/**
 * Build the `CreateTrainingJob` request of a notebook job. Validates like the SageMaker Python SDK's
 * `NotebookJobStep` (job name, image in the job's region, kernel, `.ipynb` input) plus SageMaker's
 * own limits, and throws a `NotebookJobRequestError` with a one-line message on the first problem.
 */
export function buildTrainingJobRequest(input: NotebookJobInput): CreateTrainingJobCommandInput {
  const { region, jobName, notebookName, roleArn, instanceType, maxRuntimeSeconds } = input;
  if (!REGION_RE.test(region)) fail(`region "${region}" is not an AWS region name`);
  validateJobName(jobName);
  if (!notebookName.endsWith('.ipynb') || notebookName.includes('/') || notebookName.length <= '.ipynb'.length) {
    fail(`input notebook name "${notebookName}" must be a file name ending in .ipynb`);
  }
  validateS3Uri('NOTEBOOK_S3_URI', input.notebookS3Uri);
  validateS3Uri('OUTPUT_S3_URI', input.outputS3Uri);
  if (!ROLE_ARN_RE.test(roleArn)) fail(`EXECUTION_ROLE_ARN "${roleArn}" is not an IAM role ARN`);
  if (!INSTANCE_TYPE_RE.test(instanceType)) fail(`INSTANCE_TYPE "${instanceType}" is not a SageMaker instance type like ml.m5.large`);
  if (!Number.isInteger(maxRuntimeSeconds) || maxRuntimeSeconds < 1 || maxRuntimeSeconds > MAX_RUNTIME_LIMIT_SECONDS) {
    fail(`MAX_RUNTIME_SECONDS must be a whole number of seconds from 1 to ${MAX_RUNTIME_LIMIT_SECONDS}, got ${maxRuntimeSeconds}`);
  }
  const volumeSizeGb = input.volumeSizeGb ?? DEFAULT_VOLUME_SIZE_GB;
  if (!Number.isInteger(volumeSizeGb) || volumeSizeGb < 1) fail(`volume size must be a whole number of GB, got ${volumeSizeGb}`);
  const kernelName = input.kernelName ?? KERNEL_NAME;
  if (!kernelName) fail('the kernel name is required');
  const initScript = input.initScriptName;
  if (initScript !== undefined && (!initScript || initScript.includes('/') || initScript === '.' || initScript === '..' || initScript.length > 255)) {
    fail(`initialization script "${initScript}" must be a file name beside the notebook (no folders)`);
  }

  const imageUri = input.imageUri || sagemakerDistributionImageUri(region, input.distributionVersion || DEFAULT_SAGEMAKER_DISTRIBUTION_VERSION);
  const imageRegionName = imageRegion(imageUri);
  if (imageRegionName === null) fail(`image "${imageUri}" is not an ECR image URI (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>)`);
  if (imageRegionName !== region) fail(`image "${imageUri}" is in ${imageRegionName}; it must be in the job's region ${region}`);

  const hyperParameters = validateHyperParameters({ ...input.parameters });

  return {
    TrainingJobName: jobName,
    RoleArn: roleArn,
    AlgorithmSpecification: {
      TrainingImage: imageUri,
      TrainingInputMode: 'File',
      ContainerEntrypoint: [...CONTAINER_ENTRYPOINT],
    },
    InputDataConfig: [
      {
        ChannelName: INPUT_CHANNEL_NAME,
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: input.notebookS3Uri,
            S3DataDistributionType: 'FullyReplicated',
          },
        },
      },
    ],
    OutputDataConfig: { S3OutputPath: input.outputS3Uri.replace(/\/+$/, '') },
    ResourceConfig: { InstanceType: instanceType as TrainingInstanceType, InstanceCount: 1, VolumeSizeInGB: volumeSizeGb },
    StoppingCondition: { MaxRuntimeInSeconds: maxRuntimeSeconds },
    Environment: {
      SM_JOB_DEF_VERSION: '1.0',
      SM_ENV_NAME: 'sagemaker-default-env',
      SM_SKIP_EFS_SIMULATION: 'true',
      SM_EXECUTION_INPUT_PATH: EXECUTION_INPUT_PATH,
      SM_KERNEL_NAME: kernelName,
      SM_INPUT_NOTEBOOK_NAME: notebookName,
      // The driver turns dots in this name into hyphens (except ".ipynb"); a job name has none.
      SM_OUTPUT_NOTEBOOK_NAME: `${jobName}.ipynb`,
      AWS_DEFAULT_REGION: region,
      // The driver sources ${SM_EXECUTION_INPUT_PATH}/${SM_INIT_SCRIPT} before running the notebook.
      ...(initScript ? { SM_INIT_SCRIPT: initScript } : {}),
    },
    HyperParameters: hyperParameters,
    Tags: [
      { Key: 'sagemaker:is-scheduling-notebook-job', Value: 'true' },
      { Key: 'sagemaker:name', Value: jobName },
      { Key: 'sagemaker:notebook-name', Value: notebookName },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// Days in a time zone (self-contained; the report Lambda has its own equivalent)

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** True when `timeZone` is an IANA time zone name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Local calendar date (`YYYY-MM-DD`) of an instant in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, f);
  }
  const parts = f.formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * Midnight UTC of a calendar date as a Date. `Date.UTC` maps years 0-99 to 1900-1999, so the year is
 * set with `setUTCFullYear`.
 */
function utcMidnight(year: number, month: number, day: number): Date {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d;
}

/** `YYYY-MM-DD` of a Date (4-digit years only: the ones this module accepts). */
function isoDay(d: Date): string {
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` plus `n` days (calendar arithmetic, no time zone involved). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return isoDay(utcMidnight(y, m, d + n));
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(s: string): boolean {
  const m = DAY_RE.exec(s);
  return m !== null && isoDay(utcMidnight(+m[1], +m[2], +m[3])) === s;
}

/**
 * The `days` whole calendar days before `instant` in `timeZone`: the last one is the local day
 * before the day `instant` falls on. E.g. 14 days before 2025-12-01T07:00:00Z in UTC → 2025-11-17..2025-11-30.
 */
export function wholeDaysBefore(instant: Date, days: number, timeZone: string): { from: string; to: string } {
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) fail(`days must be a whole number from 1 to ${MAX_DAYS}, got ${days}`);
  if (!isValidTimeZone(timeZone)) fail(`time zone "${timeZone}" is not an IANA name such as UTC or Europe/Paris`);
  const to = addDays(localDate(instant, timeZone), -1);
  return { from: addDays(to, -(days - 1)), to };
}

/** `llm-log-analytics` + 2025-12-01T07:00:00Z → `llm-log-analytics-nb-20251201T070000Z`. */
export function jobNameFor(prefix: string, instant: Date): string {
  const stamp = instant.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return `${prefix}-nb-${stamp}`;
}

// ---------------------------------------------------------------------------------------------------
// The event

/**
 * Accepted events:
 * - scheduled: `{ scheduledTime: '2025-12-01T07:00:00Z' }` (EventBridge Scheduler input), or an
 *   EventBridge rule's `Scheduled Event` (its `time`): the `days` whole days before it, job name
 *   from the scheduled time (a retried invocation gets the same name);
 * - manual: `{ from, to }` (inclusive days), `{ days }` (the whole days before now), `{ all: true }`
 *   (every logged day), or `{}` (the default days before now); job name from now, or `jobName`.
 * Any of them may carry `timezone` and `days`.
 */
export interface NotebookJobEvent {
  scheduledTime?: string;
  time?: string;
  'detail-type'?: string;
  from?: string;
  to?: string;
  days?: number;
  all?: boolean;
  timezone?: string;
  jobName?: string;
  [key: string]: unknown;
}

export interface ResolvedRun {
  jobName: string;
  /** '' = open-ended (every logged day). */
  from: string;
  to: string;
  timezone: string;
  /** The instant the job name and relative window come from. */
  at: Date;
  trigger: 'schedule' | 'manual';
}

const INSTANT_RE = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * An ISO-8601 instant with a real calendar date and clock time (no 2025-02-30, no 24:00, no offset
 * beyond ±23:59): `Date.parse` would roll those forward silently, giving the wrong window and job name.
 */
function parseInstant(name: string, value: unknown): Date {
  const m = typeof value === 'string' ? INSTANT_RE.exec(value) : null;
  const valid =
    m !== null && isIsoDate(m[1]) && +m[2] <= 23 && +m[3] <= 59 && +(m[4] ?? 0) <= 59 &&
    (m[7] === undefined || (+m[7] <= 23 && +m[8] <= 59)) && !Number.isNaN(Date.parse(value as string));
  if (!valid) fail(`${name} must be an ISO-8601 instant such as 2025-12-01T07:00:00Z, got ${JSON.stringify(value)}`);
  return new Date(Date.parse(value as string));
}

/**
 * An explicit job name must start with `<prefix>-`: the starter's IAM permission covers only training
 * jobs named so (lib/notebook-job.ts), so any other name would be denied by SageMaker at run time.
 */
function explicitJobName(value: unknown, prefix: string): string {
  if (typeof value !== 'string') fail('jobName must be a string');
  if (!value.startsWith(`${prefix}-`)) {
    fail(`jobName "${value}" must start with "${prefix}-" (the starter may only create training jobs named so)`);
  }
  return value;
}

/** Resolve the window, time zone and job name of one invocation. `now` is only used by manual runs. */
export function resolveRun(
  event: NotebookJobEvent | null | undefined,
  defaults: { timezone: string; days: number; jobNamePrefix: string; now: Date },
): ResolvedRun {
  const e: NotebookJobEvent = event ?? {};
  if (typeof e !== 'object' || Array.isArray(e)) fail('the event must be a JSON object');
  const timezone = e.timezone ?? defaults.timezone;
  if (typeof timezone !== 'string' || !isValidTimeZone(timezone)) {
    fail(`time zone ${JSON.stringify(timezone)} is not an IANA name such as UTC or Europe/Paris`);
  }
  const days = e.days ?? defaults.days;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    fail(`days must be a whole number from 1 to ${MAX_DAYS}, got ${JSON.stringify(days)}`);
  }

  const scheduled =
    e.scheduledTime !== undefined
      ? parseInstant('scheduledTime', e.scheduledTime)
      : e['detail-type'] === 'Scheduled Event' && e.time !== undefined
        ? parseInstant('time', e.time)
        : null;

  if (scheduled) {
    if (e.from !== undefined || e.to !== undefined || e.all !== undefined) fail('a scheduled event cannot also carry from/to/all');
    const window = wholeDaysBefore(scheduled, days, timezone);
    const jobName = e.jobName === undefined ? jobNameFor(defaults.jobNamePrefix, scheduled) : explicitJobName(e.jobName, defaults.jobNamePrefix);
    validateJobName(jobName);
    return { jobName, ...window, timezone, at: scheduled, trigger: 'schedule' };
  }

  let from = '';
  let to = '';
  if (e.from !== undefined || e.to !== undefined) {
    if (e.all !== undefined) fail('give either from/to or all, not both');
    for (const [name, value] of [['from', e.from], ['to', e.to]] as const) {
      if (typeof value !== 'string' || !isIsoDate(value)) fail(`${name} must be a date written YYYY-MM-DD, got ${JSON.stringify(value)}`);
    }
    from = e.from as string;
    to = e.to as string;
    if (from > to) fail(`from ${from} is after to ${to}`);
    const span = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
    if (span > MAX_DAYS) fail(`the window ${from}..${to} is ${span} days; at most ${MAX_DAYS} are allowed`);
  } else if (e.all === true) {
    // open-ended: the notebook reads every logged day
  } else if (e.all !== undefined) {
    fail('all must be true when given');
  } else {
    ({ from, to } = wholeDaysBefore(defaults.now, days, timezone));
  }
  const jobName = e.jobName === undefined ? jobNameFor(defaults.jobNamePrefix, defaults.now) : explicitJobName(e.jobName, defaults.jobNamePrefix);
  validateJobName(jobName);
  return { jobName, from, to, timezone, at: defaults.now, trigger: 'manual' };
}

// ---------------------------------------------------------------------------------------------------
// Configuration from the environment

export interface NotebookJobConfig {
  region: string;
  notebookS3Uri: string;
  notebookName: string;
  outputS3Uri: string;
  roleArn: string;
  logRoot: string;
  timezone: string;
  days: number;
  jobNamePrefix: string;
  instanceType: string;
  maxRuntimeSeconds: number;
  imageUri?: string;
  distributionVersion: string;
  initScriptName?: string;
}

function required(env: Record<string, string | undefined>, name: string): string {
  const value = env[name]?.trim();
  if (!value) fail(`missing environment variable ${name}`);
  return value;
}

function wholeNumber(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw)) fail(`environment variable ${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

/** Read and check the function's environment (see docs/TEAM-CONTRACTS.md). */
export function readConfig(env: Record<string, string | undefined>): NotebookJobConfig {
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
  if (!region) fail('missing environment variable AWS_REGION');
  const config: NotebookJobConfig = {
    region,
    notebookS3Uri: required(env, 'NOTEBOOK_S3_URI'),
    notebookName: env.NOTEBOOK_NAME?.trim() || 'FinSights_Log_Analytics.ipynb',
    outputS3Uri: required(env, 'OUTPUT_S3_URI'),
    roleArn: required(env, 'EXECUTION_ROLE_ARN'),
    logRoot: required(env, 'LOG_ROOT'),
    timezone: env.REPORT_TIMEZONE?.trim() || 'UTC',
    days: wholeNumber(env, 'REPORT_DAYS', 14),
    jobNamePrefix: env.JOB_NAME_PREFIX?.trim() || 'llm-log-analytics',
    instanceType: env.INSTANCE_TYPE?.trim() || 'ml.m5.large',
    maxRuntimeSeconds: wholeNumber(env, 'MAX_RUNTIME_SECONDS', 3600),
    imageUri: env.IMAGE_URI?.trim() || undefined,
    distributionVersion: env.SAGEMAKER_DISTRIBUTION_VERSION?.trim() || DEFAULT_SAGEMAKER_DISTRIBUTION_VERSION,
    initScriptName: env.INIT_SCRIPT?.trim() || undefined,
  };
  validateS3Uri('LOG_ROOT', config.logRoot);
  if (!isValidTimeZone(config.timezone)) fail(`REPORT_TIMEZONE "${config.timezone}" is not an IANA name such as UTC or Europe/Paris`);
  if (config.days < 1 || config.days > MAX_DAYS) fail(`REPORT_DAYS must be from 1 to ${MAX_DAYS}, got ${config.days}`);
  return config;
}

/** The whole request for one invocation: configuration + resolved run → `CreateTrainingJob` input. */
export function requestFor(config: NotebookJobConfig, run: ResolvedRun): CreateTrainingJobCommandInput {
  return buildTrainingJobRequest({
    region: config.region,
    jobName: run.jobName,
    notebookS3Uri: config.notebookS3Uri,
    notebookName: config.notebookName,
    outputS3Uri: config.outputS3Uri,
    roleArn: config.roleArn,
    imageUri: config.imageUri,
    distributionVersion: config.distributionVersion,
    instanceType: config.instanceType,
    maxRuntimeSeconds: config.maxRuntimeSeconds,
    initScriptName: config.initScriptName,
    parameters: {
      log_root: config.logRoot,
      from_date: run.from,
      to_date: run.to,
      timezone: run.timezone,
      output_dir: NOTEBOOK_OUTPUT_DIR,
      input_format: 'parquet',
    },
  });
}
