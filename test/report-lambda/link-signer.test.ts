/**
 * The email's link to report.html, signed with the dedicated IAM user's key read from Secrets
 * Manager (LINK_SIGNER_SECRET_ARN), against a REAL local S3 (s3rver) holding the sample logs.
 * Secrets Manager and SES have no local stand-in: both are mocked with aws-sdk-client-mock.
 *
 * s3rver checks that the access key id of a pre-signed URL exists (its key registry) but does not
 * recompute SigV4 signatures, so the signature is recomputed here by hand (node:crypto, from the
 * SigV4 specification) with the secret key that was put in the secret: that proves the URL was
 * signed with the user's key, not merely labelled with its id.
 */
import { createHash, createHmac } from 'node:crypto';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { simpleParser } from 'mailparser';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createHandler, ReportEmailError, type HandlerDeps } from '../../lambdas/report/handler.js';
import { parseSignerSecret } from '../../lambdas/report/link-signer.js';
import { getObject, startS3rver, uploadFolder, type S3rverHandle } from '../support/s3rver.js';

const BUCKET = 'signer-logs';
const LOG_PREFIX = 'DATA_MERGE_ASSETS/LOGS/FINRAG/';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ReportLinkSignerSecret-AbCdEf';
/** The signer user's key (what CloudFormation would put in the secret). */
const SIGNER = { accessKeyId: 'AKIAREPORTLINKSIGNER', secretAccessKey: 'report-link-signer-secret-key/+0123456789' };
const FOLDER = 'reports/2025-11-03_2025-11-16/';
const NOW = new Date('2025-11-17T07:00:05Z');

const quiet: HandlerDeps['logger'] = { info() {}, warn() {}, error() {}, debug() {} } as never;

interface S3rverAccounts {
  DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void; revokeAccessKey(id: string): void };
}

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The SigV4 query-string signature of a pre-signed GET, recomputed from its parts. */
function expectedSignature(url: URL, secretAccessKey: string): string {
  const params = [...url.searchParams.entries()].filter(([k]) => k !== 'X-Amz-Signature');
  const signedHeaders = url.searchParams.get('X-Amz-SignedHeaders')!;
  expect(signedHeaders).toBe('host');
  const canonicalQuery = params
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = ['GET', url.pathname, canonicalQuery, `host:${url.host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const [, date, region, service, terminator] = url.searchParams.get('X-Amz-Credential')!.split('/');
  const scope = [date, region, service, terminator].join('/');
  const stringToSign = ['AWS4-HMAC-SHA256', url.searchParams.get('X-Amz-Date')!, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${secretAccessKey}`).update(date!).digest();
  for (const part of [region!, service!, terminator!]) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

describe('report link signed by the dedicated signer user (key from Secrets Manager)', () => {
  let s3rver: S3rverHandle;
  let accounts: S3rverAccounts;
  let ses: SESv2Client;
  let sesMock: AwsClientStub<SESv2Client>;
  let secrets: SecretsManagerClient;
  let secretsMock: AwsClientStub<SecretsManagerClient>;
  let env: Record<string, string>;

  beforeAll(async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    s3rver = await startS3rver({ buckets: [BUCKET] });
    await uploadFolder(s3rver.client, join(process.cwd(), 'sample', 'finrag'), BUCKET, LOG_PREFIX);
    // s3rver accepts requests only from access keys in its registry: register the signer's.
    accounts = (await import('s3rver/lib/models/account.js' as string)) as S3rverAccounts;
    accounts.DUMMY_ACCOUNT.createKeyPair(SIGNER.accessKeyId, SIGNER.secretAccessKey);
    ses = new SESv2Client({ region: 'us-east-1' });
    sesMock = mockClient(ses);
    secrets = new SecretsManagerClient({ region: 'us-east-1' });
    secretsMock = mockClient(secrets);
    env = {
      LOG_BUCKET: BUCKET,
      LOG_PREFIX,
      REPORT_PREFIX: 'reports/',
      REPORT_TIMEZONE: 'UTC',
      REPORT_DAYS: '14',
      SENDER: 'reports@example.com',
      RECIPIENTS: 'cfo@example.com',
      LINK_SIGNER_SECRET_ARN: SECRET_ARN,
      LINK_SIGNER_KEY_SERIAL: '1',
      // The signer's own S3 client is built from the environment, as in Lambda.
      S3_ENDPOINT: s3rver.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
    };
  }, 120_000);

  afterAll(async () => {
    accounts?.DUMMY_ACCOUNT.revokeAccessKey(SIGNER.accessKeyId);
    sesMock?.restore();
    secretsMock?.restore();
    await s3rver?.stop();
  });

  const metrics = () => new Metrics({ namespace: 'LlmLogAnalyticsTest', serviceName: 'report' });

  it('signs for 7 days (604800 s) with the user key, and the link downloads report.html', async () => {
    sesMock.reset();
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'msg-signer' });
    secretsMock.reset();
    secretsMock.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: JSON.stringify(SIGNER) });
    const handler = createHandler({ s3: s3rver.client, ses, secretsManager: secrets, env, logger: quiet, metrics: metrics(), now: NOW });

    // The URL is signed at the real clock (NOW only drives the window and the expiry text).
    const before = new Date();
    const summary = await handler({ scheduledTime: '2025-11-17T07:00:00Z' });
    const after = new Date();
    expect(summary.emailMessageId).toBe('msg-signer');
    expect(secretsMock.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: SECRET_ARN }]);

    const raw = (sesMock.commandCalls(SendEmailCommand)[0]!.args[0].input as { Content: { Raw: { Data: Uint8Array } } }).Content.Raw.Data;
    const mail = await simpleParser(Buffer.from(raw));
    const link = /https?:\/\/\S+report\.html\?\S+/.exec(mail.text!)![0];
    const url = new URL(link);
    expect(`${url.origin}${url.pathname}`).toBe(`${s3rver.endpoint}/${BUCKET}/${FOLDER}report.html`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('604800');
    const ymd = (d: Date): string => d.toISOString().slice(0, 10).replace(/-/g, '');
    expect([ymd(before), ymd(after)].map((day) => `${SIGNER.accessKeyId}/${day}/us-east-1/s3/aws4_request`)).toContain(url.searchParams.get('X-Amz-Credential'));
    // A long-term key: no session token in the URL, nothing that expires before the 7 days.
    expect(url.searchParams.has('X-Amz-Security-Token')).toBe(false);
    expect(url.searchParams.get('X-Amz-Signature')).toBe(expectedSignature(url, SIGNER.secretAccessKey));
    // The email gives the full 7 days (signed at NOW), without the "may stop sooner" caveat.
    expect(mail.text).toContain('link valid until Nov 24, 2025, 07:00 UTC');
    expect(mail.text).not.toContain('sooner');

    const res = await fetch(link);
    expect(res.status).toBe(200);
    const stored = Buffer.from((await getObject(s3rver.client, BUCKET, `${FOLDER}report.html`)).body).toString('utf8');
    expect(await res.text()).toBe(stored);

    // The same handler (one container) reads the secret once.
    await handler({ scheduledTime: '2025-11-17T07:00:00Z' });
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(2);
  });

  it('s3rver refuses a link signed with a key it does not know (the download check can fail)', async () => {
    secretsMock.reset();
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ accessKeyId: 'AKIAUNKNOWNKEY', secretAccessKey: 'x' }) });
    sesMock.reset();
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'msg-unknown' });
    const handler = createHandler({ s3: s3rver.client, ses, secretsManager: secrets, env, logger: quiet, metrics: metrics(), now: NOW });
    await handler({ scheduledTime: '2025-11-17T07:00:00Z' });
    const raw = (sesMock.commandCalls(SendEmailCommand)[0]!.args[0].input as { Content: { Raw: { Data: Uint8Array } } }).Content.Raw.Data;
    const link = /https?:\/\/\S+report\.html\?\S+/.exec((await simpleParser(Buffer.from(raw))).text!)![0];
    expect(new URL(link).searchParams.get('X-Amz-Credential')).toMatch(/^AKIAUNKNOWNKEY\//);
    const res = await fetch(link);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('InvalidAccessKeyId');
  });

  it('a new key serial (rotation) reads the secret again', async () => {
    secretsMock.reset();
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(SIGNER) });
    sesMock.reset();
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'm' });
    let serial = '1';
    const handler = createHandler({ s3: s3rver.client, ses, secretsManager: secrets, env: new Proxy(env, { get: (t, k: string) => (k === 'LINK_SIGNER_KEY_SERIAL' ? serial : t[k]) }), logger: quiet, metrics: metrics(), now: NOW });
    await handler({ from: '2025-11-10', to: '2025-11-16' });
    await handler({ from: '2025-11-10', to: '2025-11-16' });
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    serial = '2';
    await handler({ from: '2025-11-10', to: '2025-11-16' });
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('the secret cannot be read: the report is stored, the error names the secret and the permission; the next run retries', async () => {
    secretsMock.reset();
    secretsMock
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }))
      .resolves({ SecretString: JSON.stringify(SIGNER) });
    sesMock.reset();
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'after-retry' });
    const handler = createHandler({ s3: s3rver.client, ses, secretsManager: secrets, env, logger: quiet, metrics: metrics(), now: NOW });
    const error = await handler({ from: '2025-11-03', to: '2025-11-09' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportEmailError);
    expect((error as Error).message).toBe(
      `Report stored at s3://${BUCKET}/reports/2025-11-03_2025-11-09/report.html, but the email could not be sent: LinkSignerError: reading the link signer key: secretsmanager:GetSecretValue ${SECRET_ARN} failed: AccessDeniedException: User is not authorized (the role needs secretsmanager:GetSecretValue on this secret)`,
    );
    expect(sesMock.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect((await getObject(s3rver.client, BUCKET, 'reports/2025-11-03_2025-11-09/report.html')).body.length).toBeGreaterThan(0);
    // Not cached: the next invocation reads the secret again and sends.
    expect((await handler({ from: '2025-11-03', to: '2025-11-09' })).emailMessageId).toBe('after-retry');
  });

  it('a malformed secret is named without its content', () => {
    for (const bad of [undefined, 'not json', '{}', '{"accessKeyId":"AKIA","secretAccessKey":""}', '["AKIA","x"]']) {
      expect(() => parseSignerSecret(bad, SECRET_ARN)).toThrow(`the link signer secret ${SECRET_ARN} is not JSON {"accessKeyId": "...", "secretAccessKey": "..."}`);
    }
    expect(parseSignerSecret('{"accessKeyId":"AKIA1","secretAccessKey":"s","extra":1}', SECRET_ARN)).toEqual({ accessKeyId: 'AKIA1', secretAccessKey: 's' });
  });
});
