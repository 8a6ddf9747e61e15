import { App } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CONTEXT_DEFAULTS, CONTEXT_KEYS, ConfigError, loadConfig, parseConfig } from '../../lib/config.js';
import { readCdkJson } from './fixture.js';

function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(raw)}`);
}

describe('cdk.json', () => {
  const cdkJson = readCdkJson();

  test('runs the app with tsx', () => {
    expect(cdkJson.app).toBe('npx tsx bin/app.ts');
  });

  test('documents every context key with the defaults lib/config.ts applies', () => {
    for (const key of CONTEXT_KEYS) {
      expect({ key, value: cdkJson.context[key] }).toEqual({ key, value: CONTEXT_DEFAULTS[key] });
    }
    const docs = (cdkJson as unknown as Record<string, Record<string, Record<string, string>>>)['//']!['context keys (see lib/config.ts)']!;
    expect(Object.keys(docs).sort()).toEqual([...CONTEXT_KEYS].sort());
  });

  test('carries the feature flags `cdk init` writes', () => {
    for (const [flag, value] of Object.entries(CURRENTLY_RECOMMENDED_FLAGS)) {
      expect({ flag, value: cdkJson.context[flag] }).toEqual({ flag, value });
    }
  });

  test('its defaults parse', () => {
    const app = new App({ context: cdkJson.context });
    expect(loadConfig(app)).toEqual({
      logBucketName: undefined,
      logPrefix: 'DATA_MERGE_ASSETS/LOGS/FINRAG/',
      reportPrefix: 'reports/',
      schedule: { expression: 'rate(14 days)', start: undefined, timezone: 'UTC' },
      reportTimezone: 'UTC',
      reportDays: 14,
      sender: undefined,
      recipients: [],
      kms: { mode: 'none' },
      notebookJob: true,
      alarmEmail: undefined,
      priceOverridesJson: undefined,
      reportLinkSigner: { mode: 'user', keySerial: 1 },
    });
  });
});

describe('parseConfig', () => {
  test('no context at all gives the documented defaults', () => {
    expect(parseConfig({})).toEqual(loadConfig(new App({ context: readCdkJson().context })));
  });

  test('accepts -c strings for booleans and numbers', () => {
    const config = parseConfig({ notebookJob: 'false', kmsKey: 'true', reportDays: '7' });
    expect(config.notebookJob).toBe(false);
    expect(config.kms).toEqual({ mode: 'create' });
    expect(config.reportDays).toBe(7);
  });

  test('recipients: comma-separated, trimmed, de-duplicated; sender kept', () => {
    const config = parseConfig({ sender: 'reports@example.com', recipients: ' a@example.com, b@example.org ,A@example.com,' });
    expect(config.recipients).toEqual(['A@example.com', 'b@example.org']);
    expect(config.sender).toBe('reports@example.com');
  });

  test('schedule: cron + time zone, start normalised to UTC ISO', () => {
    const config = parseConfig({
      scheduleExpression: 'cron(0 7 ? * MON *)',
      scheduleTimezone: 'Europe/Paris',
      scheduleStart: '2030-01-07T08:00:00+01:00',
    });
    expect(config.schedule).toEqual({ expression: 'cron(0 7 ? * MON *)', timezone: 'Europe/Paris', start: '2030-01-07T07:00:00.000Z' });
  });

  test('kmsKey: an existing key ARN, also for an imported bucket', () => {
    const arn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(parseConfig({ logBucketName: 'existing', kmsKey: arn }).kms).toEqual({ mode: 'existing', keyArn: arn });
  });

  test('priceOverrides: JSON object string or object, stored compact', () => {
    expect(parseConfig({ priceOverrides: '{ "m": { "input": 1 } }' }).priceOverridesJson).toBe('{"m":{"input":1}}');
    expect(parseConfig({ priceOverrides: { m: { input: 1 } } }).priceOverridesJson).toBe('{"m":{"input":1}}');
  });

  test('reportLinkSigner: user or role; the key serial from -c strings too', () => {
    expect(parseConfig({ reportLinkSigner: 'role' }).reportLinkSigner).toEqual({ mode: 'role', keySerial: 1 });
    expect(parseConfig({ reportLinkSignerKeySerial: '3' }).reportLinkSigner).toEqual({ mode: 'user', keySerial: 3 });
  });

  test('an empty log prefix means the bucket root', () => {
    expect(parseConfig({ logPrefix: '' }).logPrefix).toBe('');
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['prefix without trailing slash', { logPrefix: 'DATA_MERGE_ASSETS/LOGS/FINRAG' }, /^logPrefix: "DATA_MERGE_ASSETS\/LOGS\/FINRAG" must end with "\/"$/],
    ['prefix with leading slash', { reportPrefix: '/reports/' }, /^reportPrefix: .* must not start with "\/"/],
    ['prefix with an IAM wildcard', { reportPrefix: 'rep*/' }, /^reportPrefix: .*no "\*"/],
    ['prefix with an empty folder', { logPrefix: 'a//b/' }, /^logPrefix: .*"\/\/"/],
    ['empty report prefix', { reportPrefix: '' }, /^reportPrefix: must not be empty/],
    ['report prefix over the logs', { logPrefix: 'L/', reportPrefix: 'L/' }, /^reportPrefix: "L\/" overlaps the log data prefix "L\/logs\/"/],
    ['report prefix inside the logs', { reportPrefix: 'DATA_MERGE_ASSETS/LOGS/FINRAG/responses/reports/' }, /overlaps the log data prefix/],
    ['bad bucket name', { logBucketName: 'My_Bucket' }, /^logBucketName: "My_Bucket" is not a valid S3 bucket name/],
    ['recipient not an email', { sender: 's@example.com', recipients: 'a@example.com,bob' }, /^recipients: not email addresses: "bob"$/],
    ['recipients without sender', { recipients: 'a@example.com' }, /^sender: required when recipients are given/],
    ['sender not an email', { sender: 'Reports <r@example.com>' }, /^sender: .* is not an email address/],
    ['alarm email not an email', { alarmEmail: 'ops' }, /^alarmEmail: "ops" is not an email address$/],
    ['unknown schedule expression', { scheduleExpression: 'every 14 days' }, /^scheduleExpression: "every 14 days" is not an EventBridge Scheduler expression/],
    ['rate with singular unit', { scheduleExpression: 'rate(14 day)' }, /use the plural unit/],
    ['rate 1 with plural unit', { scheduleExpression: 'rate(1 days)' }, /use the singular unit/],
    ['cron with 5 fields', { scheduleExpression: 'cron(0 7 * * MON)' }, /a cron expression has 6 fields/],
    ['cron without ?', { scheduleExpression: 'cron(0 7 1 * MON *)' }, /one of day-of-month and day-of-week must be "\?"/],
    ['start without zone', { scheduleStart: '2030-01-07T07:00:00' }, /^scheduleStart: .* with a zone/],
    ['start not a date', { scheduleStart: 'next monday' }, /^scheduleStart: "next monday" is not an ISO-8601 date-time/],
    ['bad schedule time zone', { scheduleTimezone: 'Mars/Olympus' }, /^scheduleTimezone: "Mars\/Olympus" is not an IANA time zone/],
    ['offset instead of zone', { reportTimezone: '+01:00' }, /^reportTimezone: "\+01:00" is not an IANA time zone/],
    ['report days zero', { reportDays: 0 }, /^reportDays: expected a whole number from 1 to 366, got 0$/],
    ['report days text', { reportDays: 'two weeks' }, /^reportDays: expected a whole number from 1 to 366, got "two weeks"$/],
    ['kms alias', { kmsKey: 'alias/my-key' }, /^kmsKey: expected true, false or a KMS key ARN/],
    ['new kms key for an existing bucket', { logBucketName: 'existing', kmsKey: true }, /^kmsKey: true creates a new key, which cannot apply to an existing bucket/],
    ['notebookJob not boolean', { notebookJob: 'yes' }, /^notebookJob: expected true or false, got "yes"$/],
    ['price overrides not JSON', { priceOverrides: '{m:1}' }, /^priceOverrides: expected a JSON object/],
    ['price overrides an array', { priceOverrides: '[1]' }, /^priceOverrides: expected a JSON object/],
    ['unknown link signer', { reportLinkSigner: 'lambda' }, /^reportLinkSigner: expected "user" .* or "role" .*, got "lambda"$/],
    ['key serial zero', { reportLinkSignerKeySerial: 0 }, /^reportLinkSignerKeySerial: expected a whole number from 1 .*, got 0$/],
    ['key serial text', { reportLinkSignerKeySerial: 'two' }, /^reportLinkSignerKeySerial: expected a whole number from 1 .*, got "two"$/],
  ])('%s fails with a clear message', (_name, raw, message) => {
    const problems = problemsOf(raw);
    expect(problems).toEqual([expect.stringMatching(message)]);
  });

  test('every problem is reported at once, in a message naming the keys', () => {
    expect(() => parseConfig({ logPrefix: 'x', reportDays: -1, alarmEmail: 'nope' })).toThrow(
      /^Invalid CDK context \(cdk\.json "context" or -c key=value\):\n {2}- logPrefix: "x" must end with "\/"\n {2}- reportDays: .*\n {2}- alarmEmail: "nope" is not an email address$/,
    );
  });

  test('loadConfig reads -c context from the app', () => {
    const app = new App({ context: { logBucketName: 'existing', recipients: 'a@example.com', sender: 'r@example.com' } });
    const config = loadConfig(app);
    expect(config.logBucketName).toBe('existing');
    expect(config.recipients).toEqual(['a@example.com']);
  });
});
