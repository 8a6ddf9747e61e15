/**
 * The app's configuration: read once from the CDK context (`cdk.json` "context", or `-c key=value`)
 * and validated here, so every construct gets typed, checked values.
 *
 * Context keys (defaults in `CONTEXT_DEFAULTS`, mirrored in `cdk.json`):
 *
 * | key                  | default                          | meaning |
 * | -------------------- | -------------------------------- | ------- |
 * | `logBucketName`      | `''`                             | Existing bucket holding the logs (imported, nothing is provisioned on it). Empty: create one. |
 * | `logPrefix`          | `DATA_MERGE_ASSETS/LOGS/FINRAG/` | Log root inside the bucket (holds `logs/`, `contexts/`, `responses/`). Ends with `/`; `''` = bucket root. |
 * | `reportPrefix`       | `reports/`                       | Where reports are written (in the log bucket). Ends with `/`, must not overlap the log data. |
 * | `scheduleExpression` | `rate(14 days)`                  | EventBridge Scheduler expression: `rate(...)`, `cron(...)` (e.g. `cron(0 7 ? * MON *)`) or `at(...)`. |
 * | `scheduleStart`      | `''`                             | ISO-8601 date-time with zone (e.g. `2026-01-05T07:00:00Z`) anchoring the schedule; must be in the future when deployed. Empty: starts at deployment. |
 * | `scheduleTimezone`   | `UTC`                            | IANA zone the schedule expression is evaluated in (matters for `cron`/`at`). |
 * | `reportTimezone`     | `UTC`                            | IANA zone the report's days are counted in. |
 * | `reportDays`         | `14`                             | Days covered by each report (1-366). |
 * | `sender`             | `''`                             | SES-verified From address (required when `recipients` is set). |
 * | `recipients`         | `''`                             | Comma-separated report recipients; empty = store the report without emailing it. |
 * | `kmsKey`             | `false`                          | `false`: S3-managed encryption. `true`: create a customer-managed KMS key for the buckets. A KMS key ARN: use that key (e.g. the key of an existing, SSE-KMS log bucket). |
 * | `notebookJob`        | `true`                           | Also deploy the notebook and schedule the SageMaker notebook job; `false` disables it. |
 * | `alarmEmail`         | `''`                             | Optional email subscribed to the alarm topic. |
 * | `priceOverrides`     | `''`                             | Optional price overrides (JSON object) passed to the report as `PRICE_OVERRIDES_JSON`. |
 * | `reportLinkSigner`   | `user`                           | Who signs the email's link to report.html. `user`: a dedicated IAM user whose access key (in Secrets Manager) may only read report pages, so the link lasts 7 days. `role`: the Lambda's role (no IAM user; the link ends with the role's session, hours). |
 * | `reportLinkSignerKeySerial` | `1`                       | Serial of the signer's access key: raise it and redeploy to rotate the key (links signed with the old key stop working). |
 */
import type { Construct } from 'constructs';

/** Documented defaults; `cdk.json` carries the same values (a test keeps them in sync). */
export const CONTEXT_DEFAULTS = {
  logBucketName: '',
  logPrefix: 'DATA_MERGE_ASSETS/LOGS/FINRAG/',
  reportPrefix: 'reports/',
  scheduleExpression: 'rate(14 days)',
  scheduleStart: '',
  scheduleTimezone: 'UTC',
  reportTimezone: 'UTC',
  reportDays: 14,
  sender: '',
  recipients: '',
  kmsKey: false,
  notebookJob: true,
  alarmEmail: '',
  priceOverrides: '',
  reportLinkSigner: 'user',
  reportLinkSignerKeySerial: 1,
} as const;

export type ContextKey = keyof typeof CONTEXT_DEFAULTS;
export const CONTEXT_KEYS = Object.keys(CONTEXT_DEFAULTS) as ContextKey[];

/** Sub-folders of the log root that hold the app's Parquet logs. */
export const LOG_DATA_FOLDERS = ['logs', 'contexts', 'responses'] as const;

/** Who signs the pre-signed link to report.html in the email. */
export type ReportLinkSigner = 'user' | 'role';

export type KmsConfig =
  | { readonly mode: 'none' }
  | { readonly mode: 'create' }
  | { readonly mode: 'existing'; readonly keyArn: string };

export interface AppConfig {
  /** Existing bucket to import; undefined = create the log bucket. */
  readonly logBucketName?: string;
  readonly logPrefix: string;
  readonly reportPrefix: string;
  readonly schedule: {
    readonly expression: string;
    /** Normalised ISO-8601 (UTC) or undefined. */
    readonly start?: string;
    readonly timezone: string;
  };
  readonly reportTimezone: string;
  readonly reportDays: number;
  readonly sender?: string;
  readonly recipients: readonly string[];
  readonly kms: KmsConfig;
  readonly notebookJob: boolean;
  readonly alarmEmail?: string;
  /** Compact JSON of the price overrides object, or undefined. */
  readonly priceOverridesJson?: string;
  readonly reportLinkSigner: {
    /** `user`: a dedicated IAM user's static key signs (7-day links); `role`: the Lambda role's session. */
    readonly mode: ReportLinkSigner;
    /** Serial of the user's access key (a new value replaces the key). */
    readonly keySerial: number;
  };
}

/** Thrown for invalid context; the message lists every problem, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid CDK context (cdk.json "context" or -c key=value):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Most recipients SES accepts on one message. */
const MAX_RECIPIENTS = 50;
const MAX_REPORT_DAYS = 366;
/** Lambda environment variables share 4 KB; keep the overrides well below that. */
const MAX_PRICE_OVERRIDES_CHARS = 2500;

/**
 * Same spirit as the report Lambda's own check: one `@`, no spaces, quotes, commas or angle
 * brackets (nothing that could break out of a header or an IAM ARN), a dotted domain.
 */
const EMAIL_RE =
  /^[^\s@<>()",;:\\[\]*?\x00-\x1f\x7f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/**
 * A key prefix: `/`-terminated segments of S3's "safe" characters plus `=` (Hive partitions).
 * No `*`, `?` or `$` (IAM wildcards and policy variables), so a prefix can never widen a grant.
 */
const PREFIX_RE = /^(?:[A-Za-z0-9!_.'()=+-]+\/)*$/;
const RATE_RE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON_RE = /^cron\(([^()]+)\)$/;
const AT_RE = /^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/;
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const KMS_KEY_ARN_RE = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** Read and validate the context of `scope` (normally the App). Throws ConfigError. */
export function loadConfig(scope: Construct): AppConfig {
  const raw: Partial<Record<ContextKey, unknown>> = {};
  for (const key of CONTEXT_KEYS) {
    const value: unknown = scope.node.tryGetContext(key);
    if (value !== undefined) raw[key] = value;
  }
  return parseConfig(raw);
}

/** Validate raw context values (strings from `-c`, or JSON values from cdk.json). Pure. */
export function parseConfig(raw: Partial<Record<ContextKey, unknown>>): AppConfig {
  const problems: string[] = [];
  const get = <K extends ContextKey>(key: K): unknown => (raw[key] === undefined || raw[key] === null ? CONTEXT_DEFAULTS[key] : raw[key]);

  const str = (key: ContextKey): string => {
    const v = get(key);
    if (typeof v === 'string') return v.trim();
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    problems.push(`${key}: expected a string, got ${show(v)}`);
    return String(CONTEXT_DEFAULTS[key]);
  };
  const bool = (key: ContextKey): boolean => {
    const v = get(key);
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    problems.push(`${key}: expected true or false, got ${show(v)}`);
    return Boolean(CONTEXT_DEFAULTS[key]);
  };

  // --- bucket and prefixes -------------------------------------------------------------------
  const logBucketName = str('logBucketName');
  if (logBucketName !== '' && (!BUCKET_RE.test(logBucketName) || logBucketName.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(logBucketName))) {
    problems.push(`logBucketName: ${show(logBucketName)} is not a valid S3 bucket name (3-63 lowercase letters, digits, '.', '-'); leave it empty to create a bucket`);
  }

  const logPrefix = str('logPrefix');
  checkPrefix('logPrefix', logPrefix, true, problems);
  const reportPrefix = str('reportPrefix');
  checkPrefix('reportPrefix', reportPrefix, false, problems);
  if (PREFIX_RE.test(logPrefix) && PREFIX_RE.test(reportPrefix) && reportPrefix !== '') {
    for (const folder of LOG_DATA_FOLDERS) {
      const data = `${logPrefix}${folder}/`;
      if (data.startsWith(reportPrefix) || reportPrefix.startsWith(data)) {
        problems.push(`reportPrefix: ${show(reportPrefix)} overlaps the log data prefix ${show(data)}; the report writer must not be able to overwrite logs`);
        break;
      }
    }
  }

  // --- schedule --------------------------------------------------------------------------------
  const expression = str('scheduleExpression');
  const expressionProblem = checkScheduleExpression(expression);
  if (expressionProblem) problems.push(`scheduleExpression: ${expressionProblem}`);

  const startRaw = str('scheduleStart');
  let start: string | undefined;
  if (startRaw !== '') {
    const t = Date.parse(startRaw);
    if (!INSTANT_RE.test(startRaw) || Number.isNaN(t)) {
      problems.push(`scheduleStart: ${show(startRaw)} is not an ISO-8601 date-time with a zone (e.g. 2026-01-05T07:00:00Z); leave it empty to start at deployment`);
    } else {
      start = new Date(t).toISOString();
    }
  }

  const scheduleTimezone = str('scheduleTimezone');
  if (!isIanaTimezone(scheduleTimezone)) problems.push(`scheduleTimezone: ${show(scheduleTimezone)} is not an IANA time zone (e.g. UTC, Europe/Paris)`);
  const reportTimezone = str('reportTimezone');
  if (!isIanaTimezone(reportTimezone)) problems.push(`reportTimezone: ${show(reportTimezone)} is not an IANA time zone (e.g. UTC, Europe/Paris)`);

  const daysRaw = get('reportDays');
  const reportDays = typeof daysRaw === 'string' && /^\d+$/.test(daysRaw.trim()) ? Number(daysRaw.trim()) : daysRaw;
  if (typeof reportDays !== 'number' || !Number.isInteger(reportDays) || reportDays < 1 || reportDays > MAX_REPORT_DAYS) {
    problems.push(`reportDays: expected a whole number from 1 to ${MAX_REPORT_DAYS}, got ${show(daysRaw)}`);
  }

  // --- email -----------------------------------------------------------------------------------
  const sender = str('sender');
  if (sender !== '' && !isEmail(sender)) problems.push(`sender: ${show(sender)} is not an email address (use the bare SES-verified address, e.g. reports@example.com)`);

  const recipientsRaw = get('recipients');
  let recipients: string[] = [];
  if (Array.isArray(recipientsRaw)) {
    recipients = recipientsRaw.map((r) => String(r).trim()).filter((r) => r !== '');
  } else if (typeof recipientsRaw === 'string') {
    recipients = recipientsRaw.split(',').map((r) => r.trim()).filter((r) => r !== '');
  } else {
    problems.push(`recipients: expected comma-separated email addresses, got ${show(recipientsRaw)}`);
  }
  const badRecipients = recipients.filter((r) => !isEmail(r));
  if (badRecipients.length > 0) problems.push(`recipients: not email addresses: ${badRecipients.map(show).join(', ')}`);
  recipients = [...new Map(recipients.map((r) => [r.toLowerCase(), r])).values()];
  if (recipients.length > MAX_RECIPIENTS) problems.push(`recipients: ${recipients.length} addresses; SES accepts at most ${MAX_RECIPIENTS} per message`);
  if (recipients.length > 0 && sender === '') problems.push('sender: required when recipients are given (an SES-verified From address)');

  const alarmEmail = str('alarmEmail');
  if (alarmEmail !== '' && !isEmail(alarmEmail)) problems.push(`alarmEmail: ${show(alarmEmail)} is not an email address`);

  // --- encryption, notebook, price overrides ------------------------------------------------------
  const kmsRaw = get('kmsKey');
  let kms: KmsConfig = { mode: 'none' };
  if (kmsRaw === true || kmsRaw === 'true') {
    kms = { mode: 'create' };
    if (logBucketName !== '') {
      problems.push('kmsKey: true creates a new key, which cannot apply to an existing bucket; pass the existing bucket\'s KMS key ARN instead (or false for SSE-S3)');
    }
  } else if (kmsRaw === false || kmsRaw === 'false' || kmsRaw === '') {
    kms = { mode: 'none' };
  } else if (typeof kmsRaw === 'string' && KMS_KEY_ARN_RE.test(kmsRaw.trim())) {
    kms = { mode: 'existing', keyArn: kmsRaw.trim() };
  } else {
    problems.push(`kmsKey: expected true, false or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; not an alias), got ${show(kmsRaw)}`);
  }

  const notebookJob = bool('notebookJob');

  const priceRaw = get('priceOverrides');
  let priceOverridesJson: string | undefined;
  if (typeof priceRaw === 'object' && priceRaw !== null && !Array.isArray(priceRaw)) {
    priceOverridesJson = JSON.stringify(priceRaw);
  } else if (typeof priceRaw === 'string' && priceRaw.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(priceRaw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      priceOverridesJson = JSON.stringify(parsed);
    } catch {
      problems.push(`priceOverrides: expected a JSON object, got ${show(priceRaw)}`);
    }
  } else if (!(typeof priceRaw === 'string')) {
    problems.push(`priceOverrides: expected a JSON object, got ${show(priceRaw)}`);
  }
  if (priceOverridesJson !== undefined && priceOverridesJson.length > MAX_PRICE_OVERRIDES_CHARS) {
    problems.push(`priceOverrides: ${priceOverridesJson.length} characters of JSON; at most ${MAX_PRICE_OVERRIDES_CHARS} fit in the Lambda environment`);
  }

  const signerRaw = str('reportLinkSigner');
  let signerMode: ReportLinkSigner = 'user';
  if (signerRaw === 'user' || signerRaw === 'role') signerMode = signerRaw;
  else problems.push(`reportLinkSigner: expected "user" (a dedicated IAM user signs 7-day links) or "role" (the Lambda role signs; links end with its session), got ${show(signerRaw)}`);
  const serialRaw = get('reportLinkSignerKeySerial');
  const keySerial = typeof serialRaw === 'string' && /^\d+$/.test(serialRaw.trim()) ? Number(serialRaw.trim()) : serialRaw;
  if (typeof keySerial !== 'number' || !Number.isSafeInteger(keySerial) || keySerial < 1) {
    problems.push(`reportLinkSignerKeySerial: expected a whole number from 1 (raise it to rotate the signer's access key), got ${show(serialRaw)}`);
  }

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    logBucketName: logBucketName === '' ? undefined : logBucketName,
    logPrefix,
    reportPrefix,
    schedule: { expression, start, timezone: scheduleTimezone },
    reportTimezone,
    reportDays: reportDays as number,
    sender: sender === '' ? undefined : sender,
    recipients,
    kms,
    notebookJob,
    alarmEmail: alarmEmail === '' ? undefined : alarmEmail,
    priceOverridesJson,
    reportLinkSigner: { mode: signerMode, keySerial: keySerial as number },
  };
}

export function isEmail(address: string): boolean {
  return address.length <= 254 && EMAIL_RE.test(address);
}

/** The domain part of an email address. */
export function emailDomain(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

/** IANA zone names only (`Europe/Paris`, `UTC`); offsets such as `+01:00` are refused. */
export function isIanaTimezone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function checkPrefix(key: string, prefix: string, allowEmpty: boolean, problems: string[]): void {
  if (prefix === '') {
    if (!allowEmpty) problems.push(`${key}: must not be empty (e.g. "reports/")`);
    return;
  }
  if (prefix.startsWith('/')) {
    problems.push(`${key}: ${show(prefix)} must not start with "/" (S3 keys have no leading slash)`);
  } else if (!prefix.endsWith('/')) {
    problems.push(`${key}: ${show(prefix)} must end with "/"`);
  } else if (!PREFIX_RE.test(prefix) || prefix.split('/').some((s) => s === '.' || s === '..')) {
    problems.push(`${key}: ${show(prefix)} may only contain letters, digits and !_.'()=+- in non-empty "/"-separated folders (no "*", "?", "$", "//")`);
  }
}

/** A problem with an EventBridge Scheduler expression, or undefined when it looks valid. */
function checkScheduleExpression(expression: string): string | undefined {
  const rate = RATE_RE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2]!;
    if (value < 1) return `${show(expression)}: the rate must be at least 1`;
    const plural = unit.endsWith('s');
    if (value === 1 && plural) return `${show(expression)}: use the singular unit for 1 (e.g. "rate(1 day)")`;
    if (value > 1 && !plural) return `${show(expression)}: use the plural unit for values above 1 (e.g. "rate(14 days)")`;
    return undefined;
  }
  const cron = CRON_RE.exec(expression);
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6) return `${show(expression)}: a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), e.g. "cron(0 7 ? * MON *)"`;
    if (fields[2] !== '?' && fields[4] !== '?') return `${show(expression)}: one of day-of-month and day-of-week must be "?"`;
    return undefined;
  }
  if (AT_RE.test(expression)) return undefined;
  return `${show(expression)} is not an EventBridge Scheduler expression: use "rate(14 days)", "cron(0 7 ? * MON *)" or "at(2026-01-05T07:00:00)"`;
}

function show(value: unknown): string {
  let s: string;
  try {
    s = value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  } catch {
    s = String(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
