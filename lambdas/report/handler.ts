/**
 * The report Lambda: parse the event → runReport → store in S3 → email → summary.
 *
 * Environment (docs/TEAM-CONTRACTS.md): LOG_BUCKET, LOG_PREFIX, REPORT_PREFIX, REPORT_TIMEZONE,
 * REPORT_DAYS, SENDER, RECIPIENTS, PRICE_OVERRIDES_JSON, LINK_SIGNER_SECRET_ARN,
 * LINK_SIGNER_KEY_SERIAL, POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE. For a local S3
 * (tests): AWS_ENDPOINT_URL_S3 (read by the SDK itself) or S3_ENDPOINT, and S3_FORCE_PATH_STYLE=true.
 *
 * The link to report.html in the email is signed with the key in LINK_SIGNER_SECRET_ARN when set
 * (an IAM user's long-term key: the link lasts 7 days), else with the function's own credentials
 * (the link ends with the role's session; the email gives that expiry). See link-signer.ts.
 *
 * Order matters: the report is stored FIRST, then emailed. If the email cannot be built or sent,
 * the stored report stays and the invocation fails with an error naming where it is.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Context } from 'aws-lambda';
import { buildEmail, sendEmail } from '../engine/deliver/email.js';
import { normalisePrefix, presignGetUrl, storeReport } from '../engine/deliver/s3.js';
import { loadPriceOverrides, type PriceOverrides } from '../engine/pricing/pricing.js';
import type { Window } from '../engine/report-model.js';
import { runReport } from '../engine/run-report.js';
import { parseReportEvent } from './event.js';
import { SignerKeyCache, type StaticCredentials } from './link-signer.js';

export interface ReportSummary {
  window: Window;
  rowsRead: number;
  rowsUsed: number;
  costUsd: number;
  /** s3:// URI of report.html */
  reportUri: string;
  /** s3:// URI of latest.json */
  latestUri: string;
  /**
   * True when latest.json now points at this report; false when it was left alone (it points at a
   * newer window, or this report is in another time zone than REPORT_TIMEZONE).
   */
  latestUpdated: boolean;
  /** SES message id; null when no email was sent (email: false or no recipients). */
  emailMessageId: string | null;
}

type LogLike = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'> & { addContext?: Logger['addContext'] };

export interface HandlerDeps {
  s3?: S3Client;
  ses?: SESv2Client;
  /** Reads the link signer's key (LINK_SIGNER_SECRET_ARN). */
  secretsManager?: SecretsManagerClient;
  /** The S3 client that signs the link with the signer's key (default: s3ClientFromEnv with those credentials). */
  signerS3?: (credentials: StaticCredentials) => S3Client;
  /** "Now" for `{ days }` events and the report's generatedAt (tests). */
  now?: Date | (() => Date);
  /** Environment to read (default process.env, read on every invocation). */
  env?: Record<string, string | undefined>;
  logger?: LogLike;
  metrics?: Metrics;
}

export class ReportConfigError extends Error {
  constructor(reason: string) {
    super(`Invalid configuration: ${reason}`);
    this.name = 'ReportConfigError';
  }
}

/** The email could not be built or sent; the report IS stored at `reportUri`. */
export class ReportEmailError extends Error {
  constructor(
    readonly reportUri: string,
    readonly latestUri: string | null,
    cause: unknown,
  ) {
    super(
      `Report stored at ${reportUri}${latestUri ? ` (pointer ${latestUri})` : ''}, but the email could not be sent: ${errorText(cause)}`,
      { cause },
    );
    this.name = 'ReportEmailError';
  }
}

interface Config {
  bucket: string;
  logPrefix: string;
  reportPrefix: string;
  /** The configured report time zone (REPORT_TIMEZONE, default UTC): its reports keep the plain key and move latest.json. */
  reportTimezone: string;
  sender: string | null;
  priceOverrides: PriceOverrides | null;
  /** Secrets Manager secret holding the link signer's key; null = the function's own credentials sign. */
  linkSignerSecretArn: string | null;
  linkSignerKeySerial: string;
}

function readConfig(env: Record<string, string | undefined>): Config {
  const bucket = env.LOG_BUCKET?.trim();
  if (!bucket) throw new ReportConfigError('LOG_BUCKET is not set');
  let priceOverrides: PriceOverrides | null = null;
  const raw = env.PRICE_OVERRIDES_JSON?.trim();
  if (raw) {
    if (!raw.startsWith('{')) throw new ReportConfigError('PRICE_OVERRIDES_JSON must be a JSON object');
    try {
      priceOverrides = loadPriceOverrides(raw);
    } catch (e) {
      throw new ReportConfigError(`PRICE_OVERRIDES_JSON: ${(e as Error).message}`);
    }
  }
  return {
    bucket,
    logPrefix: normalisePrefix(env.LOG_PREFIX?.trim() ?? ''),
    reportPrefix: normalisePrefix(env.REPORT_PREFIX?.trim() || 'reports/'),
    // Validated by parseReportEvent (an invalid REPORT_TIMEZONE fails there first).
    reportTimezone: env.REPORT_TIMEZONE?.trim() || 'UTC',
    sender: env.SENDER?.trim() || null,
    priceOverrides,
    linkSignerSecretArn: env.LINK_SIGNER_SECRET_ARN?.trim() || null,
    linkSignerKeySerial: env.LINK_SIGNER_KEY_SERIAL?.trim() ?? '',
  };
}

/**
 * An S3 client from the environment: S3_ENDPOINT / AWS_ENDPOINT_URL_S3, S3_FORCE_PATH_STYLE;
 * with `credentials`, those instead of the default chain (the link signer's key).
 */
export function s3ClientFromEnv(env: Record<string, string | undefined> = process.env, credentials?: StaticCredentials): S3Client {
  const endpoint = env.S3_ENDPOINT?.trim();
  return new S3Client({
    // AWS_ENDPOINT_URL_S3 is read by the SDK itself (service-specific endpoint configuration).
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: /^(1|true|yes)$/i.test(env.S3_FORCE_PATH_STYLE ?? ''),
    ...(credentials ? { credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey } } : {}),
  });
}

export function createHandler(deps: HandlerDeps = {}) {
  const logger: LogLike = deps.logger ?? new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'llm-log-analytics-report' });
  const metrics =
    deps.metrics ??
    new Metrics({
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'LlmLogAnalytics',
      serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'llm-log-analytics-report',
    });
  let s3 = deps.s3;
  let ses = deps.ses;
  let secretsManager = deps.secretsManager;
  // Per container: the signer key is read from Secrets Manager once (per secret and key serial).
  const signerKeys = new SignerKeyCache();
  const nowOf = (): Date => (typeof deps.now === 'function' ? deps.now() : (deps.now ?? new Date()));

  return async function reportHandler(event: unknown, context?: Context): Promise<ReportSummary> {
    const started = Date.now();
    const env = deps.env ?? process.env;
    if (context && logger.addContext) logger.addContext(context);

    // 1. Everything that can be wrong with the request fails here, before any work.
    const req = parseReportEvent(event, { env, now: nowOf() });
    const config = readConfig(env);
    if (req.sendEmail && !config.sender) throw new ReportConfigError('SENDER is not set but an email is to be sent (set SENDER, or invoke with "email": false)');
    s3 ??= s3ClientFromEnv(env);
    const source = `s3://${config.bucket}/${config.logPrefix}`;
    logger.info('report requested', { window: { from: req.from, to: req.to, timezone: req.timezone }, source, sendEmail: req.sendEmail, recipients: req.recipients.length });

    try {
      // 2. The report.
      const result = await runReport({
        source,
        window: { from: req.from, to: req.to },
        timezone: req.timezone,
        s3,
        priceOverrides: config.priceOverrides,
        priceOverridesName: config.priceOverrides ? 'PRICE_OVERRIDES_JSON' : null,
        now: nowOf(),
        onProgress: (message) => logger.debug(message),
      });
      const { model } = result;

      // 3. Store first.
      const stored = await storeReport({
        s3,
        bucket: config.bucket,
        reportPrefix: config.reportPrefix,
        window: model.window,
        reportTimezone: config.reportTimezone,
        files: result.files,
        generatedAt: model.generatedAt,
      });
      for (const warning of stored.warnings) logger.warn(warning);
      logger.info('report stored', { reportUri: stored.reportUri, objects: stored.keys.length, staleDeleted: stored.deleted.length, latestUpdated: stored.latestUpdated });

      metrics.addMetric('RowsRead', MetricUnit.Count, model.dataQuality.rowsRead);
      metrics.addMetric('ReportCostUsd', MetricUnit.NoUnit, model.totals.costUsd);

      // 4. Then email.
      let emailMessageId: string | null = null;
      if (req.sendEmail) {
        try {
          let signer = s3;
          if (config.linkSignerSecretArn) {
            secretsManager ??= new SecretsManagerClient({});
            const key = await signerKeys.get(secretsManager, config.linkSignerSecretArn, config.linkSignerKeySerial);
            signer = deps.signerS3 ? deps.signerS3(key) : s3ClientFromEnv(env, key);
          }
          const link = await presignGetUrl(signer, config.bucket, stored.reportKey, { now: nowOf() });
          const email = await buildEmail(model, result.charts, {
            from: config.sender!,
            to: req.recipients,
            reportLink: link.url,
            linkExpiresAt: link.expiresAt,
            linkMayExpireEarlier: link.mayExpireEarlier,
            reportUri: stored.reportUri,
          });
          ses ??= new SESv2Client({});
          emailMessageId = await sendEmail(ses, email.raw);
          logger.info('email sent', { messageId: emailMessageId, sizeBytes: email.sizeBytes, charts: email.charts, recipients: req.recipients.length, linkSigner: config.linkSignerSecretArn ? 'user' : 'role', linkExpiresAt: link.expiresAt.toISOString(), linkLimitedByCredentials: link.limitedByCredentials, linkMayExpireEarlier: link.mayExpireEarlier });
        } catch (e) {
          const err = new ReportEmailError(stored.reportUri, stored.latestUpdated ? stored.latestUri : null, e);
          logger.error(err.message, { error: e as Error });
          throw err;
        }
      } else {
        logger.info('email skipped', { reason: req.recipients.length === 0 ? 'no recipients' : 'email: false' });
      }

      const summary: ReportSummary = {
        window: model.window,
        rowsRead: model.dataQuality.rowsRead,
        rowsUsed: model.dataQuality.rowsUsed,
        costUsd: model.totals.costUsd,
        reportUri: stored.reportUri,
        latestUri: stored.latestUri,
        latestUpdated: stored.latestUpdated,
        emailMessageId,
      };
      logger.info('report done', { summary });
      return summary;
    } finally {
      metrics.addMetric('DurationMs', MetricUnit.Milliseconds, Date.now() - started);
      metrics.publishStoredMetrics();
    }
  };
}

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`.replace(/[\r\n]+/g, ' ');
  return String(e);
}

export const handler = createHandler();
