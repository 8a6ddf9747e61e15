import { Match } from 'aws-cdk-lib/assertions';
import { build, logicalId, readable, roleStatements, type Statement } from './fixture.js';

const PREFIX = 'DATA_MERGE_ASSETS/LOGS/FINRAG/';
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** The report role's complete statement list for a bucket ARN (as `readable` renders it). */
function expectedStatements(bucketArn: string, logGroupArn: string, reportPrefix = 'reports/'): Statement[] {
  return [
    { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroupArn },
    {
      Sid: 'ReadLogData',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: [`${bucketArn}/${PREFIX}contexts/*`, `${bucketArn}/${PREFIX}logs/*`, `${bucketArn}/${PREFIX}responses/*`],
    },
    {
      Sid: 'ListLogData',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucketArn,
      Condition: { StringLike: { 's3:prefix': [`${PREFIX}logs/`, `${PREFIX}logs/*`] } },
    },
    {
      Sid: 'WriteReports',
      Effect: 'Allow',
      Action: ['s3:DeleteObject', 's3:PutObject'],
      Resource: `${bucketArn}/${reportPrefix}????-??-??_????-??-??*/*`,
    },
    {
      Sid: 'WriteLatestPointer',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: `${bucketArn}/${reportPrefix}latest.json`,
    },
    {
      Sid: 'ListReports',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucketArn,
      Condition: { StringLike: { 's3:prefix': [`${reportPrefix}????-??-??_????-??-??*`, `${reportPrefix}latest.json`] } },
    },
  ];
}

describe('report function (default context)', () => {
  const { stack, template } = build();
  const fnId = logicalId(stack.report.function);
  const fn = template.toJSON().Resources[fnId];

  test('runs nodejs22.x (or newer) on arm64 with 1-2 GB and a 5-15 minute timeout', () => {
    expect(fn.Properties.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
    expect(fn.Properties.Architectures).toEqual(['arm64']);
    expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(1024);
    expect(fn.Properties.MemorySize).toBeLessThanOrEqual(2048);
    expect(fn.Properties.Timeout).toBeGreaterThanOrEqual(300);
    expect(fn.Properties.Timeout).toBeLessThanOrEqual(900);
    expect(fn.Properties.Handler).toBe('index.handler');
  });

  test('has exactly the environment of TEAM-CONTRACTS.md', () => {
    expect(fn.Properties.Environment.Variables).toEqual({
      LOG_BUCKET: { Ref: logicalId(stack.logBucket.bucket) },
      LOG_PREFIX: PREFIX,
      REPORT_PREFIX: 'reports/',
      REPORT_TIMEZONE: 'UTC',
      REPORT_DAYS: '14',
      SENDER: '',
      RECIPIENTS: '',
      POWERTOOLS_SERVICE_NAME: 'llm-log-analytics-report',
      POWERTOOLS_METRICS_NAMESPACE: 'LlmLogAnalytics',
    });
  });

  test('logs to its own log group with a retention', () => {
    const groupId = logicalId(stack.report.logGroup);
    expect(fn.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: groupId } });
    expect(template.toJSON().Resources[groupId].Properties.RetentionInDays).toBe(90);
  });

  test('asynchronous invocations: one Lambda retry within an hour', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId },
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 3600,
    });
  });

  test('role: exactly the read, list, report-write and log statements (no SES without a sender)', () => {
    const bucketArn = `\${${logicalId(stack.logBucket.bucket)}.Arn}`;
    const logGroupArn = `\${${logicalId(stack.report.logGroup)}.Arn}`;
    expect(roleStatements(template, stack.report.role)).toEqual(expectedStatements(bucketArn, logGroupArn));
  });

  test('role: trusted by Lambda only, no managed policies', () => {
    const role = template.toJSON().Resources[logicalId(stack.report.role)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

/** SES send as reports@example.com: on the address identity and its domain identity. */
const SES_AS_REPORTS_SENDER: Statement = {
  Sid: 'SendReportEmail',
  Effect: 'Allow',
  Action: ['ses:SendEmail', 'ses:SendRawEmail'],
  Resource: [
    'arn:aws:ses:${AWS::Region}:${AWS::AccountId}:identity/example.com',
    'arn:aws:ses:${AWS::Region}:${AWS::AccountId}:identity/reports@example.com',
  ],
  Condition: { StringEquals: { 'ses:FromAddress': 'reports@example.com' } },
};

describe('report function with recipients (SES)', () => {
  const { stack, template } = build({ sender: 'reports@example.com', recipients: 'cfo@example.com, ops@example.org' });

  test('passes sender and recipients', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SENDER: 'reports@example.com', RECIPIENTS: 'cfo@example.com,ops@example.org' }) },
    });
  });

  test('role: SES send only as the sender address and its domain identity', () => {
    const bucketArn = `\${${logicalId(stack.logBucket.bucket)}.Arn}`;
    const logGroupArn = `\${${logicalId(stack.report.logGroup)}.Arn}`;
    expect(roleStatements(template, stack.report.role)).toEqual([
      ...expectedStatements(bucketArn, logGroupArn),
      SES_AS_REPORTS_SENDER,
      {
        Sid: 'ReadLinkSignerKey',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: `\${${logicalId(stack.report.linkSigner!.secret)}}`,
      },
    ]);
  });
});

describe('report link signer (sender set, reportLinkSigner: user by default)', () => {
  const { stack, template } = build({ sender: 'reports@example.com' });
  const signer = stack.report.linkSigner!;
  const userId = logicalId(signer.user);
  const secretId = logicalId(signer.secret);
  const bucketArn = `\${${logicalId(stack.logBucket.bucket)}.Arn}`;

  test('an IAM user that may only read report.html of the dated report folders', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      (readable(p.Properties.Users ?? []) as string[]).includes(`\${${userId}}`),
    );
    expect(policies.flatMap((p) => readable(p.Properties.PolicyDocument.Statement) as Statement[])).toEqual([
      { Sid: 'ReadReportPages', Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucketArn}/reports/????-??-??_????-??-??*/report.html` },
    ]);
    const user = template.toJSON().Resources[userId];
    expect(user.Properties.Policies).toBeUndefined();
    expect(user.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('its access key (serial 1) goes into the secret, never as plain text into the template', () => {
    const keys = Object.entries(template.findResources('AWS::IAM::AccessKey'));
    expect(keys).toHaveLength(1);
    const [keyId, key] = keys[0]!;
    expect(key.Properties).toEqual({ UserName: { Ref: userId }, Serial: 1 });
    const secret = template.toJSON().Resources[secretId];
    expect(secret.Properties.SecretString).toEqual({
      'Fn::Join': ['', ['{"accessKeyId":"', { Ref: keyId }, '","secretAccessKey":"', { 'Fn::GetAtt': [keyId, 'SecretAccessKey'] }, '"}']],
    });
  });

  test('the function gets the secret ARN and the key serial', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ LINK_SIGNER_SECRET_ARN: { Ref: secretId }, LINK_SIGNER_KEY_SERIAL: '1' }) },
    });
  });

  test('a higher serial replaces the key', () => {
    const { template: t2 } = build({ sender: 'reports@example.com', reportLinkSignerKeySerial: '2' });
    t2.hasResourceProperties('AWS::IAM::AccessKey', { Serial: 2 });
  });
});

describe('report link signed by the role (reportLinkSigner: role)', () => {
  const { stack, template } = build({ sender: 'reports@example.com', reportLinkSigner: 'role' });

  test('no IAM user, no secret; the role itself may read the report folders it signs links to', () => {
    template.resourceCountIs('AWS::IAM::User', 0);
    template.resourceCountIs('AWS::IAM::AccessKey', 0);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(stack.report.linkSigner).toBeUndefined();
    const statements = roleStatements(template, stack.report.role);
    expect(statements.find((s) => s.Sid === 'WriteReports')!.Action).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObject']);
    expect(statements.some((s) => s.Sid === 'ReadLinkSignerKey')).toBe(false);
    const fn = template.toJSON().Resources[logicalId(stack.report.function)];
    expect(fn.Properties.Environment.Variables.LINK_SIGNER_SECRET_ARN).toBeUndefined();
  });
});

describe('report function with a sender but no default recipients', () => {
  const { stack, template } = build({ sender: 'reports@example.com' });

  test('still may send as the sender (recipients can come with an ad-hoc invoke)', () => {
    const statements = roleStatements(template, stack.report.role);
    expect(statements.filter((s) => s.Sid === 'SendReportEmail')).toEqual([
      SES_AS_REPORTS_SENDER,
    ]);
  });
});

describe('report function on an imported SSE-KMS bucket', () => {
  const { stack, template } = build({ logBucketName: 'existing', kmsKey: KEY_ARN, reportPrefix: 'exec-reports/' });

  test('role: scoped to arn:aws:s3:::existing and the given key (through S3 only)', () => {
    const logGroupArn = `\${${logicalId(stack.report.logGroup)}.Arn}`;
    expect(roleStatements(template, stack.report.role)).toEqual([
      ...expectedStatements('arn:aws:s3:::existing', logGroupArn, 'exec-reports/'),
      {
        Sid: 'UseBucketKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: KEY_ARN,
        Condition: { StringEquals: { 'kms:ViaService': 's3.${AWS::Region}.amazonaws.com' } },
      },
    ]);
  });
});

describe('report function with price overrides', () => {
  test('passes PRICE_OVERRIDES_JSON only when given', () => {
    const { template } = build({ priceOverrides: '{"claude":{"input_mtok":3}}' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PRICE_OVERRIDES_JSON: '{"claude":{"input_mtok":3}}', LOG_PREFIX: PREFIX }) },
    });
  });
});
